import type { ApiComponent, JsonObject, Route } from '../model/types.js';

/**
 * Schema arithmetic for compositions: what a reference's value looks like, read from the schemas
 * the model already holds (JSON Schema 2020-12, `$ref`s only into the same service's components).
 * `undefined` means "not known" (no schema, or a combinator): checks then let the value pass.
 */

/** Follows `#/components/<kind>/<name>` within one service's components. */
export type ComponentLookup = (ref: string) => JsonObject | undefined;

export function componentLookup(components: readonly ApiComponent[] | undefined): ComponentLookup {
  const byRef = new Map((components ?? []).map((c) => [`#/components/${c.kind}/${c.name}`, c.value]));
  return (ref) => byRef.get(ref);
}

/** The schema itself, its `$ref`s followed (a few levels: a circular one stays unknown). */
export function deref(schema: unknown, lookup: ComponentLookup): JsonObject | undefined {
  let s = schema;
  for (let i = 0; i < 8 && isObject(s) && typeof s.$ref === 'string'; i++) s = lookup(s.$ref);
  return isObject(s) && typeof s.$ref !== 'string' ? s : undefined;
}

/** A copy with every `$ref` replaced by what it points at, for a schema that leaves its service. */
export function inlineSchema(schema: unknown, lookup: ComponentLookup, seen: readonly string[] = []): JsonObject {
  if (!isObject(schema)) return {};
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    if (seen.includes(ref)) return {};
    return inlineSchema(lookup(ref), lookup, [...seen, ref]);
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(schema)) {
    if (Array.isArray(v)) out[k] = v.map((x) => (isObject(x) ? inlineSchema(x, lookup, seen) : x));
    else if (isObject(v) && k !== 'examples' && k !== 'example' && k !== 'default' && k !== 'const')
      out[k] = inlineMembers(k, v, lookup, seen);
    else out[k] = v;
  }
  return out;
}

/** `properties` and the like hold schemas by name; other object keywords hold one schema. */
function inlineMembers(key: string, v: JsonObject, lookup: ComponentLookup, seen: readonly string[]): JsonObject {
  if (key !== 'properties' && key !== 'patternProperties' && key !== '$defs') return inlineSchema(v, lookup, seen);
  return Object.fromEntries(Object.entries(v).map(([n, s]) => [n, inlineSchema(s, lookup, seen)]));
}

/** The JSON body schema of an operation's first 2xx answer, inlined; undefined when it documents none. */
export function responseSchemaOf(route: Route, lookup: ComponentLookup): JsonObject | undefined {
  const responses = route.api?.responses ?? {};
  const code = Object.keys(responses)
    .filter((c) => /^2(\d\d|XX)$/.test(c))
    .sort()[0];
  const response = code !== undefined ? deref(responses[code], lookup) : undefined;
  const content = isObject(response?.content) ? (response.content as Record<string, unknown>) : {};
  const media = Object.keys(content).find((m) => /^application\/([a-z.+-]+\+)?json/.test(m));
  const schema = media !== undefined && isObject(content[media]) ? (content[media] as JsonObject).schema : undefined;
  return schema === undefined ? undefined : inlineSchema(schema, lookup);
}

/** Walking a pointer into a schema: the schema found, or the token no property of a closed object matches. */
export type SchemaAt = { schema: JsonObject | undefined } | { missing: string; known: string[] };

/** The schema of the value a pointer selects; `*` tokens select every element, so the result is one flat array. */
export function schemaAt(schema: JsonObject | undefined, pointer: readonly string[]): SchemaAt {
  if (pointer.length === 0 || schema === undefined) return { schema };
  const [token, ...rest] = pointer as [string, ...string[]];
  if (token === '*') {
    // Every `*` flattens into one array: only the first one wraps the result.
    const inner = schemaAt(itemsOf(schema), rest);
    if ('missing' in inner || rest.includes('*')) return inner;
    return { schema: arrayOf(inner.schema) };
  }
  if (typeOf(schema) === 'array') return /^\d+$/.test(token) ? schemaAt(itemsOf(schema), rest) : { schema: undefined };
  const props = isObject(schema.properties) ? (schema.properties as Record<string, JsonObject>) : undefined;
  if (props?.[token] !== undefined) return schemaAt(props[token], rest);
  if (props !== undefined && schema.additionalProperties === false)
    return { missing: token, known: Object.keys(props) };
  if (props !== undefined && typeOf(schema) === 'object' && schema.additionalProperties === undefined)
    return { missing: token, known: Object.keys(props) };
  return { schema: undefined };
}

export function itemsOf(schema: JsonObject | undefined): JsonObject | undefined {
  return isObject(schema?.items) ? (schema.items as JsonObject) : undefined;
}

/** An array of the schema (an empty schema when it is not known). */
export function arrayOf(schema: JsonObject | undefined): JsonObject {
  return { type: 'array', items: schema ?? {} };
}

/** The value may also be null (an optional step that failed). */
export function orNull(schema: JsonObject | undefined): JsonObject {
  return schema === undefined || Object.keys(schema).length === 0 ? {} : { anyOf: [schema, { type: 'null' }] };
}

/** The one JSON type a schema allows besides null; undefined when it allows several or says nothing. */
export function typeOf(schema: JsonObject | undefined): string | undefined {
  const t = schema?.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const kept = t.filter((x) => x !== 'null');
    return kept.length === 1 ? String(kept[0]) : undefined;
  }
  return undefined;
}

/**
 * Whether a value of type `from` may fill a parameter of type `to`: equal types, an integer for a
 * number, and any scalar for a string (it is sent as text). Unknown types pass.
 */
export function typesFit(from: string | undefined, to: string | undefined): boolean {
  if (from === undefined || to === undefined || from === to) return true;
  if (to === 'number') return from === 'integer';
  if (to === 'string') return from === 'integer' || from === 'number' || from === 'boolean';
  return false;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
