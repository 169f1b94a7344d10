import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { SpecParser } from '../../../src/importers/openapi/spec-parser.js';

// SpecParser is swagger-parser's validate() without its JSON Schema validator: given the same
// document and options, it must give the same document, or fail with the same error.
const OPTIONS = { continueOnError: true, dereference: { circular: 'ignore' }, validate: { schema: false, spec: true } };
/** swagger-parser's validate(path, api, options), typed as the promise it returns. */
const swaggerValidate = (path: string, api: object, options: object): Promise<unknown> =>
  (new SwaggerParser() as unknown as { validate(p: string, a: object, o: object): Promise<unknown> }).validate(
    path,
    api,
    options,
  );
const dir = mkdtempSync(join(tmpdir(), 'gw-spec-parser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ok = { responses: { '200': { description: 'ok' } } };
const CASES: { name: string; doc: Record<string, unknown> }[] = [
  {
    name: 'OpenAPI 3.0 with local and file $refs',
    doc: {
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: {
        '/a': { get: { responses: { '200': { $ref: '#/components/responses/A' } } } },
        '/b': { $ref: 'other.json#/B' },
      },
      components: { responses: { A: { description: 'a' } } },
    },
  },
  {
    name: 'OpenAPI 3.1 with webhooks and no paths',
    doc: { openapi: '3.1.0', info: { title: 't', version: '1' }, webhooks: { hook: { post: ok } } },
  },
  {
    name: 'OpenAPI 3.1 with neither paths nor webhooks',
    doc: { openapi: '3.1.0', info: { title: 't', version: '1' } },
  },
  { name: 'OpenAPI 3.0 without paths', doc: { openapi: '3.0.3', info: { title: 't', version: '1' } } },
  { name: 'an unsupported OpenAPI version', doc: { openapi: '3.2.0', info: { title: 't', version: '1' }, paths: {} } },
  { name: 'the OpenAPI version as a number', doc: { openapi: 3, info: { title: 't', version: '1' }, paths: {} } },
  { name: 'the API version as a number', doc: { openapi: '3.0.3', info: { title: 't', version: 1 }, paths: {} } },
  { name: 'the Swagger version as a number', doc: { swagger: 2, info: { title: 't', version: '1' }, paths: {} } },
  { name: 'Swagger 1.2', doc: { swagger: '1.2', info: { title: 't', version: '1' }, paths: {} } },
  {
    name: 'Swagger 2.0 with the API version as a number',
    doc: { swagger: '2.0', info: { title: 't', version: 1 }, paths: {} },
  },
  {
    name: 'Swagger 2.0, valid',
    doc: {
      swagger: '2.0',
      info: { title: 't', version: '1' },
      paths: {
        '/a/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, type: 'string' }], ...ok } },
      },
    },
  },
  {
    name: 'Swagger 2.0 with a path parameter not in the path',
    doc: {
      swagger: '2.0',
      info: { title: 't', version: '1' },
      paths: { '/a': { get: { parameters: [{ name: 'id', in: 'path', required: true, type: 'string' }], ...ok } } },
    },
  },
  {
    name: 'Swagger 2.0 with a duplicate operationId',
    doc: {
      swagger: '2.0',
      info: { title: 't', version: '1' },
      paths: { '/a': { get: { operationId: 'x', ...ok } }, '/b': { get: { operationId: 'x', ...ok } } },
    },
  },
  {
    name: 'a missing $ref target',
    doc: {
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: { '/a': { get: { responses: { '200': { $ref: '#/components/responses/Nope' } } } } },
    },
  },
];

async function outcome(run: () => Promise<unknown>): Promise<{ document: unknown } | { error: string; name: string }> {
  try {
    return { document: await run() };
  } catch (err) {
    return { error: String((err as Error).message), name: (err as Error).name };
  }
}

describe('SpecParser (swagger-parser validate() without its JSON Schema validator)', () => {
  writeFileSync(
    join(dir, 'other.json'),
    JSON.stringify({ B: { get: { responses: { '200': { description: 'b' } } } } }),
  );
  for (const c of CASES) {
    it(`${c.name}: the same outcome as swagger-parser`, async () => {
      const file = join(dir, 'spec.json');
      const theirs = await outcome(() => swaggerValidate(file, structuredClone(c.doc), structuredClone(OPTIONS)));
      const ours = await outcome(() =>
        new SpecParser().validate(file, structuredClone(c.doc), structuredClone(OPTIONS)),
      );
      expect(ours).toEqual(theirs);
    });
  }

  it('relative servers of a spec read from a URL are resolved as swagger-parser does', async () => {
    const doc = {
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      servers: [{ url: '/api' }],
      paths: { '/a': { servers: [{ url: '/p' }], get: { servers: [{ url: 'v2' }], ...ok } } },
    };
    const url = 'http://127.0.0.1:9/specs/spec.json';
    const theirs = await swaggerValidate(url, structuredClone(doc), structuredClone(OPTIONS));
    const ours = await new SpecParser().validate(url, structuredClone(doc), structuredClone(OPTIONS));
    expect(ours).toEqual(theirs);
    expect(ours.servers).toEqual([{ url: 'http://127.0.0.1/api' }]);
  });
});
