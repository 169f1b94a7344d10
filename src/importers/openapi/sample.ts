type Schema = Record<string, unknown>;

const MAX_DEPTH = 6;

/**
 * A plausible value for a JSON Schema, for mock answers: the schema's own example, default,
 * const or first enum member where there is one; otherwise built from type, format, properties and
 * items. Circular or unresolved $refs end the walk with null.
 */
export function sampleFromSchema(schema: unknown, depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > MAX_DEPTH) return null;
  const s = schema as Schema;
  if (s.$ref !== undefined) return null;
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (Array.isArray(s.allOf)) {
    const parts = s.allOf.map((p) => sampleFromSchema(p, depth + 1));
    return parts.every((p) => p && typeof p === 'object' && !Array.isArray(p))
      ? Object.assign({}, ...parts)
      : (parts[0] ?? null);
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(s[key]) && (s[key] as unknown[]).length > 0)
      return sampleFromSchema((s[key] as unknown[])[0], depth + 1);
  }
  const types = Array.isArray(s.type) ? (s.type as string[]).filter((t) => t !== 'null') : [s.type];
  const type = types[0] ?? (s.properties ? 'object' : s.items ? 'array' : undefined);
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, unknown>))
        out[k] = sampleFromSchema(v, depth + 1);
      return out;
    }
    case 'array':
      return s.items ? [sampleFromSchema(s.items, depth + 1)] : [];
    case 'integer':
      return typeof s.minimum === 'number' ? Math.ceil(s.minimum) : 1;
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1.5;
    case 'boolean':
      return true;
    case 'string':
      return sampleString(s);
    default:
      return null;
  }
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
