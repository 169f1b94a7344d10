type Schema = Record<string, unknown>;

/** A `$ref` of the model (`#/components/<kind>/<name>`) -> what it names; undefined when nothing. */
export type ResolveRef = (ref: string) => unknown;

const MAX_DEPTH = 6;

/**
 * A plausible value for a schema of the model (JSON Schema 2020-12), for mock answers: the
 * schema's first `examples` entry, `default`, `const` or first `enum` member where there is one;
 * otherwise built from `type` (a list: the first that is not "null"), `format`, bounds,
 * `properties`, `prefixItems` and `items`. `$ref`s are followed through `resolve`; one that
 * leads back into itself, or that nothing answers, ends the walk with null, as does depth 6.
 */
export function sampleFromSchema(schema: unknown, resolve: ResolveRef = () => undefined): unknown {
  return sample(schema, resolve, 0, new Set());
}

function sample(schema: unknown, resolve: ResolveRef, depth: number, refs: Set<string>): unknown {
  if (!schema || typeof schema !== 'object' || depth > MAX_DEPTH) return null;
  const s = schema as Schema;
  if (typeof s.$ref === 'string') return sampleRef(s.$ref, resolve, depth, refs);
  const next = (x: unknown) => sample(x, resolve, depth + 1, refs);
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (Array.isArray(s.allOf)) {
    const parts = s.allOf.map(next);
    return parts.every((p) => p && typeof p === 'object' && !Array.isArray(p))
      ? Object.assign({}, ...parts)
      : (parts[0] ?? null);
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0) return next(options[0]);
  }
  const types = Array.isArray(s.type) ? (s.type as string[]).filter((t) => t !== 'null') : [s.type];
  const type = types[0] ?? (s.properties ? 'object' : s.items || s.prefixItems ? 'array' : undefined);
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) out[k] = next(v);
      return out;
    }
    case 'array': {
      const tuple = Array.isArray(s.prefixItems) ? s.prefixItems.map(next) : [];
      return tuple.length > 0 ? tuple : s.items ? [next(s.items)] : [];
    }
    case 'integer':
      return sampleInteger(s);
    case 'number':
      return sampleNumber(s);
    case 'boolean':
      return true;
    case 'string':
      return sampleString(s);
    default:
      return null;
  }
}

/** The schema a `$ref` names, unless the walk is already inside it (a cycle). */
function sampleRef(ref: string, resolve: ResolveRef, depth: number, refs: Set<string>): unknown {
  const target = refs.has(ref) ? undefined : resolve(ref);
  if (target === undefined) return null;
  refs.add(ref);
  try {
    return sample(target, resolve, depth, refs);
  } finally {
    refs.delete(ref);
  }
}

function sampleInteger(s: Schema): number {
  if (typeof s.minimum === 'number') return Math.ceil(s.minimum);
  if (typeof s.exclusiveMinimum === 'number') return Math.floor(s.exclusiveMinimum) + 1;
  return 1;
}

function sampleNumber(s: Schema): number {
  if (typeof s.minimum === 'number') return s.minimum;
  if (typeof s.exclusiveMinimum !== 'number') return 1.5;
  const above = s.exclusiveMinimum + 1;
  return typeof s.maximum === 'number' && s.maximum < above ? (s.exclusiveMinimum + s.maximum) / 2 : above;
}

function sampleString(s: Schema): string {
  switch (s.format) {
    case 'date-time':
      return '2024-01-01T12:00:00Z';
    case 'date':
      return '2024-01-01';
    case 'uuid':
      return '3f2a1c4e-9b8d-4e2f-a1b2-c3d4e5f60718';
    case 'email':
      return 'user@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com/';
    case 'ipv4':
      return '192.0.2.1';
    default:
      return typeof s.minLength === 'number' && s.minLength > 6 ? 'x'.repeat(s.minLength) : 'string';
  }
}
