import type { JsonObject } from '../../model/types.js';

/**
 * OpenAPI Schema Objects of every version -> JSON Schema 2020-12 in the OpenAPI 3.1 dialect, the
 * one form the model holds (the invariant in model/types.ts). The importer's walker (api-walk.ts)
 * calls `convertKeywords` once per schema node; the runtime validator, the mock sampler and the
 * openapi target read the result and convert nothing. What changes (docs/targets/openapi.md#schemas):
 *
 * - `nullable: true` (and Swagger 2.0's `x-nullable`) lets null in: `type` gets "null" (and `enum`
 *   a null), or, when a `$ref`, `allOf`/`anyOf`/`oneOf`, `not`, `if` or `const` would still refuse
 *   null, the schema becomes `anyOf: [<schema>, {type: "null"}]` with its annotations (title,
 *   description, readOnly, ...) kept outside. `nullable: false` goes. In a 3.1 spec `nullable` is
 *   no keyword, but writers who use it mean what 3.0 meant, so it is read the same way.
 * - boolean `exclusiveMinimum`/`exclusiveMaximum` become the bound itself (draft 4 -> 2020-12).
 * - `example` becomes the first entry of `examples` (3.1 deprecates `example`; one spelling).
 * - a tuple `items: [...]` becomes `prefixItems` (and `additionalItems` its `items`).
 * - Swagger 2.0: `type: file` is a binary string, a string `discriminator` names the property.
 *
 * Everything else stays: `readOnly`/`writeOnly` as annotations (the request rule is the
 * validator's, docs/policies.md), `discriminator`, `xml`, `externalDocs`, `x-*` extensions.
 * Values that are data (`enum`, `const`, `default`, `examples`, extensions, property names) are
 * never read as schemas. Copy on write: a schema with nothing to convert is returned as it is, and
 * the input is never changed. `$ref`s are not followed, so cycles through them cost nothing.
 */
export interface ConvertOptions {
  /** The schema comes from a Swagger 2.0 document (`x-nullable`, `type: file`, string discriminator). */
  swagger2?: boolean;
}

/** Keywords whose value is a map of schemas, a list of schemas, or one schema (2020-12 and draft 4). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMA_ONE = new Set([
  'items',
  'not',
  'additionalProperties',
  'additionalItems',
  'contains',
  'if',
  'then',
  'else',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
]);

/** Keywords that still refuse null once `type` and `enum` take it. */
const REFUSE_NULL = ['$ref', '$dynamicRef', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'const'];
/** Annotations that describe the value, null or not: they stay outside an `anyOf` made for null. */
const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'externalDocs',
  '$comment',
]);

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A whole schema, every subschema included, as JSON Schema 2020-12. */
export function toJsonSchema2020(schema: unknown, options: ConvertOptions = {}): unknown {
  if (!isObject(schema)) return schema;
  return convertKeywords(mapSubschemas(schema, (s) => toJsonSchema2020(s, options)) as JsonObject, options);
}

/**
 * Applies `fn` to each direct subschema of a schema (a tuple `items` array too), and `other`, when
 * given, to the value of every other keyword (the importer's walker names `$ref`s there); copy on
 * write. One pass over the keys, no allocation unless something changes: it runs on every schema.
 */
export function mapSubschemas(
  schema: JsonObject,
  fn: (s: unknown) => unknown,
  other?: (keyword: string, value: unknown) => unknown,
): JsonObject {
  let out: JsonObject | undefined;
  for (const k in schema) {
    const x = schema[k];
    let y = x;
    if (SCHEMA_MAPS.has(k)) y = mapValues(x, fn);
    else if (SCHEMA_LISTS.has(k) || (SCHEMA_ONE.has(k) && Array.isArray(x))) y = mapItems(x, fn);
    else if (SCHEMA_ONE.has(k)) y = fn(x);
    else if (other) y = other(k, x);
    if (y !== x) {
      out ??= { ...schema };
      out[k] = y;
    }
  }
  return out ?? schema;
}

/** One schema node's own keywords as 2020-12 (its subschemas are the caller's). */
export function convertKeywords(s: JsonObject, options: ConvertOptions = {}): JsonObject {
  const swagger2 = options.swagger2 === true;
  if (!needsConverting(s, swagger2)) return s;
  let o = 'example' in s ? exampleToExamples(s) : { ...s }; // a fresh object either way
  if (swagger2) convertSwagger2(o);
  exclusiveBound(o, 'exclusiveMinimum', 'minimum');
  exclusiveBound(o, 'exclusiveMaximum', 'maximum');
  if (Array.isArray(o.items)) o = tupleToPrefixItems(o);
  if (!('nullable' in o)) return o;
  const nullable = o.nullable === true;
  delete o.nullable;
  return nullable ? allowNull(o) : o;
}

function needsConverting(s: JsonObject, swagger2: boolean): boolean {
  return (
    'nullable' in s ||
    'example' in s ||
    typeof s.exclusiveMinimum === 'boolean' ||
    typeof s.exclusiveMaximum === 'boolean' ||
    Array.isArray(s.items) ||
    (swagger2 && ('x-nullable' in s || s.type === 'file' || typeof s.discriminator === 'string'))
  );
}

function convertSwagger2(o: JsonObject): void {
  if (o.type === 'file') Object.assign(o, { type: 'string', format: 'binary' });
  if (typeof o.discriminator === 'string') o.discriminator = { propertyName: o.discriminator };
  if (typeof o['x-nullable'] === 'boolean') {
    o.nullable = o['x-nullable'];
    delete o['x-nullable'];
  }
}

/** Draft 4's `exclusiveMinimum: true` beside `minimum: 5` is 2020-12's `exclusiveMinimum: 5`. */
function exclusiveBound(o: JsonObject, flag: 'exclusiveMinimum' | 'exclusiveMaximum', bound: string): void {
  if (typeof o[flag] !== 'boolean') return;
  if (o[flag] === true && typeof o[bound] === 'number') {
    o[flag] = o[bound];
    delete o[bound];
  } else delete o[flag];
}

function tupleToPrefixItems(o: JsonObject): JsonObject {
  const { items, additionalItems, ...rest } = o;
  return { ...rest, prefixItems: items, ...(additionalItems !== undefined ? { items: additionalItems } : {}) };
}

/** A copy with `example` joining `examples` in its place, first, unless `examples` already holds it. */
function exampleToExamples(o: JsonObject): JsonObject {
  const { example } = o;
  if (o.examples !== undefined && !Array.isArray(o.examples)) return { ...o }; // not 2020-12 examples: as written
  const others = (o.examples as unknown[] | undefined) ?? [];
  const text = JSON.stringify(example);
  const examples = others.some((e) => JSON.stringify(e) === text) ? others : [example, ...others];
  const out: JsonObject = {};
  for (const k in o) {
    if (k === 'example') out.examples = examples;
    else if (k !== 'examples') out[k] = o[k];
  }
  return out;
}

function allowNull(o: JsonObject): JsonObject {
  if (REFUSE_NULL.some((k) => k in o)) return anyOfNull(o);
  if (typeof o.type === 'string') o.type = [o.type, 'null'];
  else if (Array.isArray(o.type) && !o.type.includes('null')) o.type = [...o.type, 'null'];
  if (Array.isArray(o.enum) && !o.enum.includes(null)) o.enum = [...o.enum, null];
  return o;
}

/** `anyOf: [<the schema>, {type: "null"}]`, annotations outside; an `anyOf` alone gets one more entry. */
function anyOfNull(o: JsonObject): JsonObject {
  const outer: JsonObject = {};
  const inner: JsonObject = {};
  for (const k in o) {
    if (ANNOTATIONS.has(k) || k.startsWith('x-')) outer[k] = o[k];
    else inner[k] = o[k];
  }
  const keys = Object.keys(inner);
  if (keys.length === 1 && keys[0] === 'anyOf' && Array.isArray(inner.anyOf))
    return { ...outer, anyOf: [...inner.anyOf, { type: 'null' }] };
  return { ...outer, anyOf: [inner, { type: 'null' }] };
}

/** Applies fn to each value of a map (given its key too); the same map back when nothing changed. */
export function mapValues(v: unknown, fn: (x: unknown, key: string) => unknown): unknown {
  if (!isObject(v)) return v;
  let out: JsonObject | undefined;
  for (const k in v) {
    const x = v[k];
    const y = fn(x, k);
    if (y !== x) {
      out ??= { ...v };
      out[k] = y;
    }
  }
  return out ?? v;
}

/** Applies fn to each item of a list; the same list back when nothing changed. */
export function mapItems(v: unknown, fn: (x: unknown) => unknown): unknown {
  if (!Array.isArray(v)) return v;
  let out: unknown[] | undefined;
  for (let i = 0; i < v.length; i++) {
    const y = fn(v[i]);
    if (y !== v[i]) {
      out ??= [...v];
      out[i] = y;
    }
  }
  return out ?? v;
}
