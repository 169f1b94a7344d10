/**
 * OpenAPI schemas as JSON Schema for ajv. OpenAPI 3.1 schemas are JSON Schema 2020-12 already;
 * 3.0 ones (and 2.0 ones, which the importer turned into 3.0 shape) differ: `nullable: true`
 * becomes a null type, boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers, and a
 * `readOnly` property is not required in a request. Either way every `$ref` to
 * `#/components/...` is made absolute (`<base>#/components/...`), so a route's schemas reach the
 * service's components document wherever they are compiled. Returns copies; the model is shared
 * and never changed.
 */
export type Dialect = 'oas30' | 'oas31';

/** Values that are data, not schemas: never rewritten. */
const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const', 'x-gw']);

export function toJsonSchema(value: unknown, dialect: Dialect, base: string): unknown {
  if (Array.isArray(value)) return value.map((v) => toJsonSchema(v, dialect, base));
  if (typeof value !== 'object' || value === null) return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if (DATA_KEYS.has(k)) out[k] = v;
    else if (k === '$ref' && typeof v === 'string') out[k] = v.startsWith('#') ? base + v : v;
    else if (k === 'properties' && isObject(v)) {
      // Property names are data: a property called "nullable" or "$ref" stays as it is.
      const props: Record<string, unknown> = {};
      for (const [name, schema] of Object.entries(v)) props[name] = toJsonSchema(schema, dialect, base);
      out[k] = props;
    } else out[k] = toJsonSchema(v, dialect, base);
  }
  return dialect === 'oas30' ? fromOas30(out) : out;
}

function fromOas30(s: Record<string, unknown>): Record<string, unknown> {
  for (const side of ['Minimum', 'Maximum'] as const) {
    const ex = `exclusive${side}`;
    const bound = side.toLowerCase();
    if (s[ex] === true && typeof s[bound] === 'number') {
      s[ex] = s[bound];
      delete s[bound];
    } else if (typeof s[ex] === 'boolean') delete s[ex];
  }
  if (Array.isArray(s.required) && isObject(s.properties)) {
    const props = s.properties;
    s.required = s.required.filter(
      (name) =>
        !(isObject(props[name as string]) && (props[name as string] as Record<string, unknown>).readOnly === true),
    );
  }
  if (s.nullable !== true) {
    if (s.nullable === false) delete s.nullable;
    return s;
  }
  delete s.nullable;
  if (typeof s.type === 'string') {
    s.type = [s.type, 'null'];
    if (Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...s.enum, null];
    return s;
  }
  // No plain type to widen ($ref, allOf, ...): null or the schema.
  return { anyOf: [{ type: 'null' }, s] };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
