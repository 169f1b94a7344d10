import type { EnumDescriptor, Rules } from './api-descriptors.js';

/**
 * The protoc-gen-validate rules (`(validate.rules)` field options) Envoy enforces when it loads a
 * configuration, as far as they concern values a config file can hold: string lengths and allowed
 * values, numeric bounds, duration bounds, list and map sizes, enum values. Messages are
 * JSON-shaped (proto3 JSON), so a duration is checked from its "1.5s" form. The rules of each
 * field come merged from its option statements (api-descriptors.ts).
 */
const NUMERIC = new Set([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
]);
const HEADER_NAME = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
// The control bytes PGV's HTTP_HEADER_VALUE rule refuses, exactly as Envoy writes it.
// biome-ignore lint/suspicious/noControlCharactersInRegex: those bytes are the rule
const HEADER_VALUE = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;

/**
 * Messages naming what the value breaks; [] when it passes. `kind` is the scalar type, 'enum', 'duration', 'repeated'
 * or 'map'.
 */
export function checkRules(rules: Rules, kind: string, value: unknown, enumType: EnumDescriptor | undefined): string[] {
  const r = rules[kind === 'map' ? 'map' : kind];
  if (!r) return [];
  if (r.ignore_empty === true && isEmpty(value)) return [];
  if (kind === 'string' && typeof value === 'string') return stringRules(r, value);
  if (NUMERIC.has(kind)) return numberRules(r, Number(value), (n) => String(n));
  if (kind === 'duration' && typeof value === 'string')
    return numberRules(r, durationSeconds(value), (n) => `${n}s`, true);
  if (kind === 'repeated' && Array.isArray(value)) return sizeRules(r, value.length, 'min_items', 'max_items', 'item');
  if (kind === 'map' && value && typeof value === 'object')
    return sizeRules(r, Object.keys(value).length, 'min_pairs', 'max_pairs', 'entry');
  if (kind === 'enum' && enumType) {
    const number = typeof value === 'string' ? enumType.values[value] : (value as number);
    if (r.defined_only === true && number !== undefined && !Object.values(enumType.values).includes(number))
      return [`${String(value)} is not a defined value of ${enumType.name}`];
    const allowed = asArray(r.in);
    if (allowed.length > 0 && number !== undefined && !allowed.includes(number))
      return [`${String(value)} is not one of the allowed values`];
  }
  if (kind === 'bool' && r.const !== undefined && value !== r.const) return [`must be ${String(r.const)}`];
  return [];
}

function stringRules(r: Record<string, unknown>, s: string): string[] {
  const out: string[] = [];
  const len = [...s].length;
  if (typeof r.min_len === 'number' && len < r.min_len)
    out.push(r.min_len === 1 ? 'must not be empty' : `must be at least ${r.min_len} characters long`);
  if (typeof r.max_len === 'number' && len > r.max_len) out.push(`must be at most ${r.max_len} characters long`);
  if (typeof r.min_bytes === 'number' && Buffer.byteLength(s) < r.min_bytes)
    out.push(`must be at least ${r.min_bytes} bytes long`);
  if (typeof r.max_bytes === 'number' && Buffer.byteLength(s) > r.max_bytes)
    out.push(`must be at most ${r.max_bytes} bytes long`);
  if (typeof r.prefix === 'string' && !s.startsWith(r.prefix)) out.push(`must start with "${r.prefix}"`);
  if (typeof r.const === 'string' && s !== r.const) out.push(`must be "${r.const}"`);
  const allowed = asArray(r.in);
  if (allowed.length > 0 && !allowed.includes(s))
    out.push(`"${s}" is not one of ${allowed.map((a) => `"${String(a)}"`).join(', ')}`);
  if (asArray(r.not_in).includes(s)) out.push(`"${s}" is not allowed here`);
  const known = r.well_known_regex;
  const strict = r.strict !== false;
  if (known === 'HTTP_HEADER_NAME' && strict && s !== '' && !HEADER_NAME.test(s))
    out.push(`"${s}" is not a valid HTTP header name`);
  if (known === 'HTTP_HEADER_VALUE' && strict && !HEADER_VALUE.test(s)) out.push(`is not a valid HTTP header value`);
  return out;
}

function numberRules(r: Record<string, unknown>, n: number, show: (n: number) => string, duration = false): string[] {
  const bound = (k: string): number | undefined => {
    const v = r[k];
    if (v === undefined) return undefined;
    if (duration) {
      const d = v as { seconds?: number | string; nanos?: number };
      return Number(d.seconds ?? 0) + (d.nanos ?? 0) / 1e9;
    }
    return Number(v);
  };
  const out: string[] = [];
  const gt = bound('gt');
  const gte = bound('gte');
  const lt = bound('lt');
  const lte = bound('lte');
  if (gt !== undefined && !(n > gt)) out.push(`must be greater than ${show(gt)}`);
  if (gte !== undefined && !(n >= gte)) out.push(`must be at least ${show(gte)}`);
  if (lt !== undefined && !(n < lt)) out.push(`must be less than ${show(lt)}`);
  if (lte !== undefined && !(n <= lte)) out.push(`must be at most ${show(lte)}`);
  const c = bound('const');
  if (c !== undefined && n !== c) out.push(`must be ${show(c)}`);
  const allowed = asArray(r.in).map(Number);
  if (!duration && allowed.length > 0 && !allowed.includes(n)) out.push(`${n} is not one of ${allowed.join(', ')}`);
  return out;
}

function sizeRules(r: Record<string, unknown>, size: number, minKey: string, maxKey: string, what: string): string[] {
  const min = r[minKey] === undefined ? undefined : Number(r[minKey]);
  const max = r[maxKey] === undefined ? undefined : Number(r[maxKey]);
  if (min !== undefined && size < min) return [`needs at least ${min} ${what}${min === 1 ? '' : 's'}`];
  if (max !== undefined && size > max) return [`may have at most ${max} ${what}s`];
  return [];
}

function durationSeconds(text: string): number {
  return Number(text.slice(0, -1));
}

function asArray(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function isEmpty(v: unknown): boolean {
  return (
    v === '' ||
    v === 0 ||
    v === false ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && Object.keys(v).length === 0)
  );
}
