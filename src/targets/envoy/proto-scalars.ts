/**
 * Scalar values in the proto3 JSON mapping, as Envoy reads them: integers in range (64-bit ones as
 * numbers or strings), numbers (also "NaN", "Infinity"), booleans, strings, base64 bytes. Also the
 * wording proto-json.ts uses for values and type names in its problems.
 */
const INT_RANGES: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  sint32: [-2147483648, 2147483647],
  sfixed32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  fixed32: [0, 4294967295],
};
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);

export function scalarProblem(type: string, value: unknown): string | undefined {
  const range = INT_RANGES[type];
  if (range) {
    const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n)) return `expects an integer (${type}), not ${describe(value)}`;
    if (n < range[0] || n > range[1]) return `${n} is out of range for ${type}`;
    return undefined;
  }
  if (INT64.has(type)) {
    const ok =
      (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value));
    if (!ok) return `expects an integer (${type}), not ${describe(value)}`;
    if (type.startsWith('u') || type === 'fixed64')
      return String(value).startsWith('-') ? `${String(value)} is out of range for ${type}` : undefined;
    return undefined;
  }
  switch (type) {
    case 'double':
    case 'float':
      if (
        typeof value === 'number' ||
        (typeof value === 'string' &&
          (/^(NaN|-?Infinity)$/.test(value) || (value.trim() !== '' && !Number.isNaN(Number(value)))))
      )
        return undefined;
      return `expects a number (${type}), not ${describe(value)}`;
    case 'bool':
      return typeof value === 'boolean' ? undefined : `expects true or false, not ${describe(value)}`;
    case 'string':
      return typeof value === 'string' ? undefined : `expects a string, not ${describe(value)}`;
    case 'bytes':
      return typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value)
        ? undefined
        : `expects base64 bytes, not ${describe(value)}`;
    default:
      return `has an unknown scalar type ${type}`;
  }
}

/** ".envoy.config.route.v3.Route" -> "envoy.config.route.v3.Route" */
export function shortName(fullName: string): string {
  return fullName.replace(/^\./, '');
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}
