import { describe, expect, it } from 'vitest';
import { memoizeValidator } from '../../../src/importers/openapi/memoize-validator.js';
import {
  checkOpenApiSchema,
  compileOpenApiSchema,
  FAMILIES,
  type Family,
  loadValidatorSource,
  validatorSource,
} from '../../../src/importers/openapi/schema-check.js';

/** A header whose description counts how often it is read: how often a validator looks inside what holds it. */
function countedHeader(family: Family): { header: Record<string, unknown>; reads: () => number } {
  let reads = 0;
  const header: Record<string, unknown> = family === '2.0' ? { type: 'string' } : { schema: { type: 'string' } };
  Object.defineProperty(header, 'description', {
    enumerable: true,
    get: () => {
      reads++;
      return 'requests left';
    },
  });
  return { header, reads: () => reads };
}

/** A dereferenced document of `family` where `uses` operations answer with the same response object. */
function sharedDocument(family: Family, uses: number, header: unknown): Record<string, unknown> {
  const schema = { type: 'object', properties: { id: { type: 'string' } } };
  const response =
    family === '2.0'
      ? { description: 'ok', schema, headers: { 'X-Left': header } }
      : { description: 'ok', content: { 'application/json': { schema } }, headers: { 'X-Left': header } };
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < uses; i++) paths[`/p${i}`] = { get: { responses: { 200: response } } };
  const info = { title: 't', version: '1' };
  if (family === '2.0') return { swagger: '2.0', info, paths };
  return { openapi: family === '3.1' ? '3.1.0' : '3.0.3', info, paths };
}

const OPENAPI: Record<Family, string> = { '2.0': '2.0', '3.0': '3.0.3', '3.1': '3.1.0' };

describe('memoized OpenAPI schema check', () => {
  for (const family of FAMILIES) {
    it(`${family}: a $ref target shared by many operations is read as often as one used once`, () => {
      const once = countedHeader(family);
      expect(checkOpenApiSchema(sharedDocument(family, 1, once.header), OPENAPI[family])).toEqual([]);
      const many = countedHeader(family);
      expect(checkOpenApiSchema(sharedDocument(family, 40, many.header), OPENAPI[family])).toEqual([]);
      expect(once.reads()).toBeGreaterThan(0);
      expect(many.reads()).toBe(once.reads());
    });

    it(`${family}: a shared target that fails is reported at every place, as plain Ajv reports it`, () => {
      const document = sharedDocument(family, 3, countedHeader(family).header);
      const badResponse = { description: 5, bogus: true };
      for (const item of Object.values(document.paths as Record<string, { get: { responses: object } }>)) {
        item.get.responses = { 200: badResponse, default: { description: 'ok' } };
      }
      document.bad = true;
      const plain = compileOpenApiSchema(family).validate;
      expect(plain(document)).toBe(false);
      const memoized = loadValidatorSource(validatorSource(family));
      expect(memoized(document)).toBe(false);
      expect(memoized.errors).toEqual(plain.errors);
      expect(checkOpenApiSchema(document, OPENAPI[family])).toEqual(plain.errors);
      const places = new Set((plain.errors ?? []).map((e) => e.instancePath.split('/')[2]).filter(Boolean));
      expect(places).toEqual(new Set(['~1p0', '~1p1', '~1p2']));
    });
  }

  it('leaves a source it does not recognise as it is', () => {
    const odd = 'function validate1(data, opts){return true;}';
    expect(memoizeValidator(odd)).toBe(odd);
    const dynamic =
      'function validate1(data, {instancePath="", dynamicAnchors={}}={}){return dynamicAnchors.meta(data);}';
    expect(memoizeValidator(dynamic)).toBe(dynamic);
  });
});
