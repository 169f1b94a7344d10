import type { ApiGapKind, JsonObject } from '../../model/types.js';
import { isObject, type Walker } from './api-walk.js';
import { mapValues } from './json-schema.js';

/**
 * Swagger 2.0 -> OpenAPI 3 for the public description: parameters get a `schema`, body and
 * formData parameters become a `requestBody` (one media type per `consumes` type), a response's
 * `schema` and `examples` become `content` (one per `produces` type). Schemas and `$ref`s are
 * left to the walker, which knows `#/definitions/X` is now `#/components/schemas/X`.
 */

/**
 * Where a conversion loses something: `kind` says what, `what` is one sentence, `at` a pointer
 * suffix below the object converted.
 */
export type GapSink = (kind: ApiGapKind, what: string, at: string) => void;

export const DEFAULT_MEDIA_TYPE = 'application/json';

/** Fields of a 2.0 non-body parameter, header or items object that are JSON Schema keywords. */
const SCHEMA_FIELDS = [
  'type',
  'format',
  'default',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'enum',
  'multipleOf',
] as const;

/** The JSON Schema of a 2.0 parameter, header or items object (`type: file` is a binary string). */
export function schemaOf2(p: JsonObject, gap: GapSink, at = ''): JsonObject {
  const out: JsonObject = {};
  for (const k of SCHEMA_FIELDS) if (p[k] !== undefined) out[k] = p[k];
  if (p.type === 'file') Object.assign(out, { type: 'string', format: 'binary' });
  if (isObject(p.items)) {
    if (p.items.collectionFormat !== undefined)
      gap(
        'openapi.nested-collection-format',
        `nested collectionFormat "${String(p.items.collectionFormat)}" has no OpenAPI 3 equivalent; the public ` +
          `spec describes a plain array`,
        `${at}/items`,
      );
    out.items = schemaOf2(p.items, gap, `${at}/items`);
  }
  return out;
}

/** collectionFormat -> style and explode (csv is the 2.0 default; multi repeats the parameter). */
function styleOf(p: JsonObject, gap: GapSink): JsonObject {
  if (p.type !== 'array') return {};
  const format = (p.collectionFormat as string | undefined) ?? 'csv';
  const inQuery = p.in === 'query';
  switch (format) {
    case 'csv':
      return inQuery || p.in === 'formData' ? { style: 'form', explode: false } : {};
    case 'multi':
      return { style: 'form', explode: true };
    case 'ssv':
      if (inQuery) return { style: 'spaceDelimited', explode: false };
      break;
    case 'pipes':
      if (inQuery) return { style: 'pipeDelimited', explode: false };
      break;
  }
  gap(
    'openapi.collection-format',
    `parameter "${String(p.name)}" uses collectionFormat "${format}" in ${String(p.in)}, which OpenAPI 3 cannot ` +
      `describe; the public spec keeps the default style`,
    '/collectionFormat',
  );
  return {};
}

/** A 2.0 query, header or path parameter as an OpenAPI 3 Parameter Object. */
export function convertParameter2(p: JsonObject, gap: GapSink): JsonObject {
  const out: JsonObject = { name: p.name, in: p.in };
  for (const k of ['description', 'required', 'allowEmptyValue'] as const) if (p[k] !== undefined) out[k] = p[k];
  Object.assign(out, styleOf(p, gap));
  out.schema = schemaOf2(p, gap);
  for (const [k, v] of Object.entries(p)) if (k.startsWith('x-') && k !== 'x-gw') out[k] = v;
  return out;
}

export interface MediaTypes {
  consumes: string[];
  produces: string[];
}

/** The `in: body` parameter -> requestBody, one media type per consumes type. */
export function bodyToRequestBody(p: JsonObject, types: MediaTypes, walker: Walker, doc: string): JsonObject {
  const schema = walker.schema(p.schema ?? {}, doc);
  const out: JsonObject = {};
  if (typeof p.description === 'string') out.description = p.description;
  out.content = Object.fromEntries(orDefault(types.consumes).map((t) => [t, { schema }]));
  if (p.required === true) out.required = true;
  return out;
}

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/** `in: formData` parameters -> one requestBody whose object schema has a property per parameter. */
export function formToRequestBody(params: readonly JsonObject[], types: MediaTypes, gap: GapSink): JsonObject {
  const properties: JsonObject = {};
  const required: string[] = [];
  const encoding: JsonObject = {};
  for (const p of params) {
    const name = String(p.name);
    const schema = schemaOf2(p, gap);
    if (typeof p.description === 'string') schema.description = p.description;
    properties[name] = schema;
    if (p.required === true) required.push(name);
    const style = styleOf(p, gap);
    if (style.explode === true) encoding[name] = style;
  }
  const hasFile = params.some((p) => p.type === 'file');
  let mediaTypes = types.consumes.filter((t) => FORM_TYPES.includes(t));
  if (mediaTypes.length === 0) mediaTypes = [hasFile ? 'multipart/form-data' : 'application/x-www-form-urlencoded'];
  const schema: JsonObject = { type: 'object', properties, ...(required.length ? { required } : {}) };
  const content = Object.fromEntries(
    mediaTypes.map((t) => [t, { schema, ...(Object.keys(encoding).length ? { encoding } : {}) }]),
  );
  return { content, ...(required.length ? { required: true } : {}) };
}

/** A 2.0 Response Object -> OpenAPI 3: schema and examples per produces type, headers with a schema. */
export function convertResponse2(
  r: JsonObject,
  types: MediaTypes,
  walker: Walker,
  doc: string,
  gap: GapSink,
): JsonObject {
  const out: JsonObject = { description: r.description ?? '' };
  if (isObject(r.headers)) {
    out.headers = mapValues(r.headers, (h) => {
      if (!isObject(h)) return h;
      const header: JsonObject = { schema: walker.schema(schemaOf2(h, gap, '/headers'), doc) };
      if (typeof h.description === 'string') header.description = h.description;
      return header;
    });
  }
  const examples = isObject(r.examples) ? r.examples : {};
  if (r.schema !== undefined || Object.keys(examples).length > 0) {
    const schema = r.schema !== undefined ? walker.schema(r.schema, doc) : undefined;
    const mediaTypes = [...new Set([...orDefault(types.produces), ...Object.keys(examples)])];
    out.content = Object.fromEntries(
      mediaTypes.map((t) => [
        t,
        {
          ...(schema !== undefined ? { schema } : {}),
          ...(examples[t] !== undefined ? { example: walker.literal(examples[t], doc) } : {}),
        },
      ]),
    );
  }
  for (const [k, v] of Object.entries(r)) if (k.startsWith('x-') && k !== 'x-gw') out[k] = v;
  return out;
}

function orDefault(list: readonly string[]): string[] {
  return list.length > 0 ? [...list] : [DEFAULT_MEDIA_TYPE];
}
