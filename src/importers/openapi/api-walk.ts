import type { ComponentKind, JsonObject } from '../../model/types.js';
import { convertKeywords, mapItems, mapSubschemas, mapValues } from './json-schema.js';

/**
 * Walks the OpenAPI 3 objects of an operation (parameters, bodies, responses, schemas, ...) and
 * rewrites every `$ref` through `refTo`, which turns the target into a component of the service
 * and answers `#/components/<kind>/<name>`. Copy on write: an object whose `$ref`s keep their text
 * is returned as it is, so a 3.x spec costs a read, not a copy. `doc` is the document the value
 * was written in, against which its relative `$ref`s resolve.
 */
export type RefTo = (kind: ComponentKind, ref: string, doc: string) => string;

/** What a `$ref` below a component (`#/components/schemas/X/example`) points at: `key` names the target. */
export interface DeepTarget {
  key: string;
  value: unknown;
  doc: string;
}

/** `'value'` is a `$ref` inside example data, which is inlined as data whatever its text says. */
export type ResolveDeep = (kind: ComponentKind | 'value', ref: string, doc: string) => DeepTarget | undefined;

type Walk = (v: unknown, doc: string) => unknown;

export interface Walker {
  schema(v: unknown, doc: string): unknown;
  parameter(v: unknown, doc: string): unknown;
  requestBody(v: unknown, doc: string): unknown;
  response(v: unknown, doc: string): unknown;
  header(v: unknown, doc: string): unknown;
  example(v: unknown, doc: string): unknown;
  /** Example data (an `example`, `default`, an Example Object's `value`). */
  literal(v: unknown, doc: string): unknown;
  link(v: unknown, doc: string): unknown;
  callback(v: unknown, doc: string): unknown;
  pathItem(v: unknown, doc: string): unknown;
  content(v: unknown, doc: string): unknown;
  /** The walk of each component kind. */
  walkers: Record<ComponentKind, Walk>;
}

export interface WalkerOptions {
  refTo: RefTo;
  /**
   * A path item `$ref` inside a callback: 3.1 makes it a component, 3.0 (which has no components.pathItems) inlines
   * it.
   */
  inlinePathItem?: (ref: string, doc: string) => { value: unknown; doc: string } | undefined;
  /** Swagger 2.0 schema dialect: `type: file`, a string `discriminator`, `x-nullable`. */
  swagger2?: boolean;
  /**
   * A `$ref` deeper than a component (a schema's property or example, a response's header) is
   * not a component of its own: the walker inlines what it points at instead of calling `refTo`.
   */
  resolveDeep?: ResolveDeep;
}

const COMPONENT_KINDS = new Set<string>([
  'schemas',
  'responses',
  'parameters',
  'examples',
  'requestBodies',
  'headers',
  'links',
  'callbacks',
  'pathItems',
]);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Sets fields (fn per key) of an object copy on write. */
function mapFields(v: JsonObject, fields: Record<string, (x: unknown) => unknown>): JsonObject {
  return mapValues(v, (x, k) => (Object.hasOwn(fields, k) ? fields[k]!(x) : x)) as JsonObject;
}

export function createWalker(options: WalkerOptions): Walker {
  const { refTo, swagger2 = false } = options;
  /** Targets being inlined: a `$ref` back into one of them (a cycle) becomes a component instead. */
  const inlining = new Set<string>();
  const inline = (kind: ComponentKind | 'value', v: JsonObject, doc: string, walk: Walk): unknown => {
    const t = options.resolveDeep?.(kind, v.$ref as string, doc);
    if (!t || inlining.has(t.key)) return undefined;
    inlining.add(t.key);
    try {
      return walk(t.value, t.doc);
    } finally {
      inlining.delete(t.key);
    }
  };
  /** A Reference Object in a non-schema position; its siblings (3.1 summary, description) stay. */
  const ref = (kind: ComponentKind, v: JsonObject, doc: string, walk: Walk): unknown => {
    const inlined = inline(kind, v, doc, walk);
    if (inlined !== undefined) return withSiblings(inlined, v);
    const next = refTo(kind, v.$ref as string, doc);
    return next === v.$ref ? v : { ...v, $ref: next };
  };
  const isRef = (v: unknown): v is JsonObject & { $ref: string } => isObject(v) && typeof v.$ref === 'string';

  /**
   * Example values are data, but swagger-parser (and so every reader built on it) resolves a
   * `$ref` anywhere, and real specs (GitHub's) put `$ref`s to components inside examples. Those
   * that name a component of the document follow it; anything else stays as written.
   */
  const literal = (v: unknown, doc: string): unknown => {
    if (Array.isArray(v)) return mapItems(v, (x) => literal(x, doc));
    if (!isObject(v)) return v;
    if (typeof v.$ref === 'string') {
      const inlined = inline('value', v, doc, literal);
      if (inlined !== undefined) return inlined;
      const m = /^#\/(?:components\/([A-Za-z]+)|(definitions))\//.exec(v.$ref);
      const kind = m?.[2] ? 'schemas' : (m?.[1] as ComponentKind | undefined);
      if (kind && COMPONENT_KINDS.has(kind)) return ref(kind, v, doc, walkers[kind]);
    }
    return mapValues(v, (x) => literal(x, doc));
  };

  const convert = { swagger2 };
  /** A Schema Object: `$ref`s named, subschemas walked, then converted to JSON Schema 2020-12 (json-schema.ts). */
  const schema = (v: unknown, doc: string): unknown => {
    if (!isObject(v)) return v;
    if (typeof v.$ref === 'string') {
      const inlined = inline('schemas', v, doc, schema);
      if (inlined !== undefined) return schemaWithSiblings(inlined, v, doc);
    }
    return convertKeywords(schemaKeywords(v, doc), convert);
  };
  /** The schema's subschemas, `$ref`, discriminator mapping and example data, not yet converted. */
  const schemaKeywords = (v: JsonObject, doc: string): JsonObject =>
    mapSubschemas(
      v,
      (s) => schema(s, doc),
      (k, x) => {
        if (k === '$ref') return typeof x === 'string' ? refTo('schemas', x, doc) : x;
        if (k === 'discriminator') return discriminator(x, doc);
        return k === 'example' || k === 'examples' || k === 'default' ? literal(x, doc) : x;
      },
    );
  /** An inlined schema with keywords beside its `$ref`: both apply (3.1 reads them so; 3.0 ignores the siblings). */
  const schemaWithSiblings = (inlined: unknown, v: JsonObject, doc: string): unknown => {
    const { $ref: _, ...rest } = v;
    if (Object.keys(rest).length === 0) return inlined;
    const outer = schemaKeywords(rest, doc);
    const allOf = [...(Array.isArray(outer.allOf) ? outer.allOf : []), inlined];
    return convertKeywords({ ...outer, allOf }, convert);
  };

  /** Mapping values are names or `$ref`s (a 2.0 string discriminator is converted later, by convertKeywords). */
  const discriminator = (v: unknown, doc: string): unknown => {
    if (!isObject(v) || !isObject(v.mapping)) return v;
    const mapping = mapValues(v.mapping, (m) =>
      typeof m === 'string' && /[#/]|\.(ya?ml|json)$/.test(m) ? refTo('schemas', m, doc) : m,
    );
    return mapping === v.mapping ? v : { ...v, mapping };
  };

  const example = (v: unknown, doc: string): unknown =>
    isRef(v) ? ref('examples', v, doc, example) : isObject(v) ? mapFields(v, { value: (x) => literal(x, doc) }) : v;
  const link = (v: unknown, doc: string): unknown => (isRef(v) ? ref('links', v, doc, link) : v);
  const header = (v: unknown, doc: string): unknown => {
    if (isRef(v)) return ref('headers', v, doc, header);
    if (!isObject(v)) return v;
    return mapFields(v, {
      schema: (s) => schema(s, doc),
      content: (c) => content(c, doc),
      example: (x) => literal(x, doc),
      examples: (e) => mapValues(e, (x) => example(x, doc)),
    });
  };
  const encoding = (v: unknown, doc: string): unknown =>
    isObject(v) ? mapFields(v, { headers: (h) => mapValues(h, (x) => header(x, doc)) }) : v;
  const mediaType = (v: unknown, doc: string): unknown =>
    isObject(v)
      ? mapFields(v, {
          schema: (s) => schema(s, doc),
          example: (x) => literal(x, doc),
          examples: (e) => mapValues(e, (x) => example(x, doc)),
          encoding: (e) => mapValues(e, (x) => encoding(x, doc)),
        })
      : v;
  const content = (v: unknown, doc: string): unknown => mapValues(v, (m) => mediaType(m, doc));
  const parameter = (v: unknown, doc: string): unknown => {
    if (isRef(v)) return ref('parameters', v, doc, parameter);
    if (!isObject(v)) return v;
    return mapFields(v, {
      schema: (s) => schema(s, doc),
      content: (c) => content(c, doc),
      example: (x) => literal(x, doc),
      examples: (e) => mapValues(e, (x) => example(x, doc)),
    });
  };
  const requestBody = (v: unknown, doc: string): unknown => {
    if (isRef(v)) return ref('requestBodies', v, doc, requestBody);
    return isObject(v) ? mapFields(v, { content: (c) => content(c, doc) }) : v;
  };
  const response = (v: unknown, doc: string): unknown => {
    if (isRef(v)) return ref('responses', v, doc, response);
    if (!isObject(v)) return v;
    return mapFields(v, {
      headers: (h) => mapValues(h, (x) => header(x, doc)),
      content: (c) => content(c, doc),
      links: (l) => mapValues(l, (x) => link(x, doc)),
    });
  };
  const operation = (v: unknown, doc: string): unknown =>
    isObject(v)
      ? mapFields(v, {
          parameters: (p) => mapItems(p, (x) => parameter(x, doc)),
          requestBody: (b) => requestBody(b, doc),
          responses: (r) => mapValues(r, (x) => response(x, doc)),
          callbacks: (c) => mapValues(c, (x) => callback(x, doc)),
        })
      : v;
  const pathItem = (v: unknown, doc: string): unknown => {
    if (isRef(v)) {
      const item = options.inlinePathItem?.(v.$ref, doc);
      if (!item) return ref('pathItems', v, doc, pathItem);
      return pathItem(item.value, item.doc);
    }
    if (!isObject(v)) return v;
    const fields: Record<string, (x: unknown) => unknown> = {
      parameters: (p) => mapItems(p, (x) => parameter(x, doc)),
    };
    for (const m of METHODS) fields[m] = (o) => operation(o, doc);
    return mapFields(v, fields);
  };
  const callback = (v: unknown, doc: string): unknown => {
    if (isRef(v)) return ref('callbacks', v, doc, callback);
    if (!isObject(v)) return v;
    let out: JsonObject | undefined;
    for (const [k, x] of Object.entries(v)) {
      if (k.startsWith('x-')) continue;
      const y = pathItem(x, doc);
      if (y !== x) {
        out ??= { ...v };
        out[k] = y;
      }
    }
    return out ?? v;
  };

  const walkers: Record<ComponentKind, Walk> = {
    schemas: schema,
    responses: response,
    parameters: parameter,
    examples: example,
    requestBodies: requestBody,
    headers: header,
    links: link,
    callbacks: callback,
    pathItems: pathItem,
  };
  return {
    schema,
    parameter,
    requestBody,
    response,
    header,
    example,
    literal,
    link,
    callback,
    pathItem,
    content,
    walkers,
  };
}

/** A Reference Object's own `summary` and `description` override its target's (3.1). */
function withSiblings(inlined: unknown, v: JsonObject): unknown {
  const { $ref: _, ...rest } = v;
  return Object.keys(rest).length === 0 || !isObject(inlined) ? inlined : { ...inlined, ...rest };
}
