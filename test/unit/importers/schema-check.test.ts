import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compileOpenApiSchema,
  FAMILIES,
  precompiledFile,
  validatorStamp,
} from '../../../src/importers/openapi/schema-check.js';

const require = createRequire(import.meta.url);

const broken: Record<string, unknown> = {
  '2.0': {
    swagger: '2.0',
    info: { title: 't' },
    paths: { '/a': { get: { responses: { 200: { descriptio: 'x' } }, parameters: [{ in: 'query' }] } } },
    'bad-key': 1,
  },
  '3.0': {
    openapi: '3.0.3',
    info: { title: 't', version: 1 },
    paths: { '/a': { get: { responses: { 200: { content: 5 } }, parameters: [{ name: 'x', in: 'nowhere' }] } } },
    'bad-key': 1,
  },
  '3.1': {
    openapi: '3.1.0',
    info: { title: 't' },
    paths: { '/a': { get: { responses: { default: { description: 1 } } } } },
    components: { schemas: { A: { type: 'nope' } } },
    'bad-key': 1,
  },
};

describe('precompiled OpenAPI schema validators (scripts/compile-openapi-schemas.js)', () => {
  for (const family of FAMILIES) {
    it.skipIf(!existsSync(precompiledFile(family)) && !process.env.CI)(
      `${family}: the file is stamped with the installed versions and reports what a fresh compile reports`,
      () => {
        const precompiled = require(precompiledFile(family)) as ((d: unknown) => boolean) & {
          errors?: unknown[];
          gwStamp?: string;
        };
        expect(precompiled.gwStamp).toBe(validatorStamp());
        const { validate } = compileOpenApiSchema(family);
        expect(precompiled(broken[family])).toBe(false);
        expect(validate(broken[family])).toBe(false);
        expect(precompiled.errors).toEqual(validate.errors);
        expect(precompiled.errors!.length).toBeGreaterThan(1);
      },
    );
  }
});
