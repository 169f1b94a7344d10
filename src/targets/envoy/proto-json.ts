import protobuf from 'protobufjs';
import { suggestClosest } from '../../diagnostics/suggest.js';
import { checkRules, mergedRules, type Rules } from './pgv.js';

/**
 * Checks a JSON value against a protobuf message type the way Envoy reads its configuration:
 * the proto3 JSON mapping (field names in snake_case or lowerCamelCase, enums by name or number,
 * 64-bit integers as numbers or strings, well-known types in their JSON forms, `Any` by `@type`),
 * oneof exclusivity, and the protoc-gen-validate rules Envoy enforces (pgv.ts). Visitors see every
 * message checked, for cross-checks (cluster references, regexes).
 */
export type YamlPath = (string | number)[];

export interface Problem {
  path: YamlPath;
  message: string;
  severity: 'error' | 'warning';
}

export type Visitor = (typeName: string, value: Record<string, unknown>, path: YamlPath) => void;

const INT_RANGES: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  sint32: [-2147483648, 2147483647],
  sfixed32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  fixed32: [0, 4294967295],
};
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);
const WRAPPERS: Record<string, string> = {
  '.google.protobuf.DoubleValue': 'double',
  '.google.protobuf.FloatValue': 'float',
  '.google.protobuf.Int64Value': 'int64',
  '.google.protobuf.UInt64Value': 'uint64',
  '.google.protobuf.Int32Value': 'int32',
  '.google.protobuf.UInt32Value': 'uint32',
  '.google.protobuf.BoolValue': 'bool',
  '.google.protobuf.StringValue': 'string',
  '.google.protobuf.BytesValue': 'bytes',
};
const DURATION = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

interface FieldIndex {
  byName: Map<string, protobuf.Field>;
  names: string[];
}

export class ProtoJsonChecker {
  readonly problems: Problem[] = [];
  private readonly index = new Map<protobuf.Type, FieldIndex>();

  constructor(
    private readonly root: protobuf.Root,
    private readonly visit: Visitor,
  ) {}

  checkMessage(type: protobuf.Type, value: unknown, path: YamlPath): void {
    const special = this.wellKnown(type, value, path);
    if (special) return;
    if (!isObject(value)) {
      this.fail(path, `expects a ${shortName(type)} object, not ${describe(value)}`);
      return;
    }
    const { byName, names } = this.fieldsOf(type);
    const seen = new Map<string, string>();
    for (const [key, v] of Object.entries(value)) {
      const field = byName.get(key);
      if (!field) {
        const close = suggestClosest(key, names);
        this.fail([...path, key], `unknown field "${key}" in ${shortName(type)}${close ? ` (did you mean "${close}"?)` : ''}`);
        continue;
      }
      if (seen.has(field.name)) this.fail([...path, key], `field "${field.name}" is set twice (as "${seen.get(field.name)}" and "${key}")`);
      seen.set(field.name, key);
      if (field.options?.['deprecated'] === true) this.warn([...path, key], `field "${key}" of ${shortName(type)} is deprecated`);
      if (v === null) continue;
      this.checkField(field, v, [...path, key]);
    }
    for (const oneof of type.oneofsArray) {
      const set = oneof.fieldsArray.filter((f) => seen.has(f.name) && value[seen.get(f.name)!] !== null);
      if (set.length > 1) this.fail(path, `only one of ${set.map((f) => `"${f.name}"`).join(', ')} may be set (oneof ${oneof.name} of ${shortName(type)})`);
      if (set.length === 0 && oneof.options?.['(validate.required)'] === true) {
        this.fail(path, `one of ${oneof.fieldsArray.map((f) => `"${f.name}"`).join(', ')} is required in ${shortName(type)}`);
      }
    }
    // protoc-gen-validate: absent fields are checked as their defaults (what Envoy's validation sees).
    for (const field of type.fieldsArray) {
      if (seen.has(field.name) && value[seen.get(field.name)!] !== null) continue;
      if (field.partOf) continue;
      const rules = mergedRules(field);
      if (rules) this.checkAbsent(field, rules, [...path, field.name]);
    }
    this.visit(type.fullName, value, path);
  }

  private fieldsOf(type: protobuf.Type): FieldIndex {
    let idx = this.index.get(type);
    if (!idx) {
      const byName = new Map<string, protobuf.Field>();
      for (const f of type.fieldsArray) {
        byName.set(f.name, f);
        byName.set((f.options?.['json_name'] as string | undefined) ?? lowerCamel(f.name), f);
      }
      idx = { byName, names: type.fieldsArray.map((f) => f.name) };
      this.index.set(type, idx);
    }
    return idx;
  }

  private checkField(field: protobuf.Field, value: unknown, path: YamlPath): void {
    field.resolve();
    const rules = mergedRules(field);
    if (field.map) {
      if (!isObject(value)) return this.fail(path, `expects a map (an object), not ${describe(value)}`);
      const keyType = (field as unknown as protobuf.MapField).keyType;
      for (const [k, v] of Object.entries(value)) {
        if (keyType !== 'string' && keyType !== 'bool' && !/^-?\d+$/.test(k)) this.fail([...path, k], `map key "${k}" is not a ${keyType}`);
        if (v !== null) this.checkValue(field, v, [...path, k], undefined);
      }
      if (rules) this.applyRules(rules, field, value, path);
      return;
    }
    if (field.repeated) {
      if (!Array.isArray(value)) return this.fail(path, `expects a list, not ${describe(value)}`);
      value.forEach((item, i) => this.checkValue(field, item, [...path, i], rules?.['repeated']?.['items'] as Rules | undefined));
      if (rules) this.applyRules(rules, field, value, path);
      return;
    }
    if (Array.isArray(value)) return this.fail(path, `expects a single value, not a list`);
    this.checkValue(field, value, path, rules);
  }

  private checkValue(field: protobuf.Field, value: unknown, path: YamlPath, rules: Rules | undefined): void {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) {
      this.checkMessage(resolved, value, path);
      const wrapped = WRAPPERS[resolved.fullName];
      if (rules && wrapped && value !== null) this.problemsFrom(checkRules(rules, wrapped, value, undefined), path);
      else if (rules && resolved.fullName === '.google.protobuf.Duration' && typeof value === 'string') this.problemsFrom(checkRules(rules, 'duration', value, undefined), path);
      return;
    }
    if (resolved instanceof protobuf.Enum) {
      if (typeof value === 'string') {
        if (!(value in resolved.values)) {
          const close = suggestClosest(value, Object.keys(resolved.values));
          this.fail(path, `"${value}" is not a value of ${shortName(resolved)}${close ? ` (did you mean "${close}"?)` : `; one of ${Object.keys(resolved.values).join(', ')}`}`);
        }
      } else if (!Number.isInteger(value)) this.fail(path, `expects a ${shortName(resolved)} name, not ${describe(value)}`);
      if (rules) this.problemsFrom(checkRules(rules, 'enum', value, resolved), path);
      return;
    }
    const problem = scalarProblem(field.type, value);
    if (problem) return this.fail(path, problem);
    if (rules) this.problemsFrom(checkRules(rules, field.type, value, undefined), path);
  }

  private applyRules(rules: Rules, field: protobuf.Field, value: unknown, path: YamlPath): void {
    this.problemsFrom(checkRules(rules, field.map ? 'map' : 'repeated', value, undefined), path);
  }

  private checkAbsent(field: protobuf.Field, rules: Rules, path: YamlPath): void {
    if (rules['message']?.['required'] === true || rules['any']?.['required'] === true || rules['duration']?.['required'] === true || rules['timestamp']?.['required'] === true) {
      this.fail(path, `required field "${field.name}" is missing`);
      return;
    }
    if (field.map || field.repeated) {
      this.problemsFrom(checkRules(rules, field.map ? 'map' : 'repeated', [], undefined), path, 'absent');
      return;
    }
    field.resolve();
    if (field.resolvedType instanceof protobuf.Type) return;
    const enumType = field.resolvedType instanceof protobuf.Enum ? field.resolvedType : undefined;
    const zero = enumType ? 0 : field.type === 'string' || field.type === 'bytes' ? '' : field.type === 'bool' ? false : 0;
    this.problemsFrom(checkRules(rules, enumType ? 'enum' : field.type, zero, enumType), path, 'absent');
  }

  private problemsFrom(messages: string[], path: YamlPath, absent?: 'absent'): void {
    for (const m of messages) this.fail(path, absent ? `is missing, and its default ${m}` : m);
  }

  /** Well-known types with their own JSON form; returns true when it handled the value. */
  private wellKnown(type: protobuf.Type, value: unknown, path: YamlPath): boolean {
    const name = type.fullName;
    const wrapped = WRAPPERS[name];
    if (wrapped) {
      const problem = scalarProblem(wrapped, value);
      if (problem) this.fail(path, problem);
      return true;
    }
    switch (name) {
      case '.google.protobuf.Duration': {
        const m = typeof value === 'string' ? DURATION.exec(value) : null;
        if (!m) this.fail(path, `expects a duration such as "5s" or "0.250s", not ${describe(value)}`);
        else if (Number(m[2]) > 315576000000) this.fail(path, `duration ${value} is out of range`);
        return true;
      }
      case '.google.protobuf.Timestamp':
        if (typeof value !== 'string' || !TIMESTAMP.test(value)) this.fail(path, `expects an RFC 3339 timestamp, not ${describe(value)}`);
        return true;
      case '.google.protobuf.FieldMask':
        if (typeof value !== 'string') this.fail(path, `expects a field mask string, not ${describe(value)}`);
        return true;
      case '.google.protobuf.Struct':
        if (!isObject(value)) this.fail(path, `expects an object, not ${describe(value)}`);
        return true;
      case '.google.protobuf.ListValue':
        if (!Array.isArray(value)) this.fail(path, `expects a list, not ${describe(value)}`);
        return true;
      case '.google.protobuf.Value':
        return true;
      case '.google.protobuf.Empty':
        if (!isObject(value) || Object.keys(value).length > 0) this.fail(path, `expects an empty object {}, not ${describe(value)}`);
        return true;
      case '.google.protobuf.Any':
        this.checkAny(value, path);
        return true;
      default:
        return false;
    }
  }

  private checkAny(value: unknown, path: YamlPath): void {
    if (!isObject(value)) return this.fail(path, `expects an object with "@type", not ${describe(value)}`);
    const typeUrl = value['@type'];
    if (typeof typeUrl !== 'string') return this.fail(path, `an Any needs "@type" (type.googleapis.com/<message>)`);
    const fullName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
    let type: protobuf.Type | undefined;
    try {
      type = this.root.lookupType(fullName);
    } catch {
      type = undefined;
    }
    if (!type || !typeUrl.includes('/')) {
      this.fail([...path, '@type'], `"@type" ${JSON.stringify(typeUrl)} names no message type of the Envoy API`);
      return;
    }
    const rest = Object.fromEntries(Object.entries(value).filter(([k]) => k !== '@type'));
    // Well-known types keep their JSON form under "value"; other messages inline their fields.
    if (WRAPPERS[type.fullName] || ['Duration', 'Timestamp', 'FieldMask', 'Struct', 'ListValue', 'Value', 'Any', 'Empty'].some((n) => type!.fullName === `.google.protobuf.${n}`)) {
      if (type.fullName === '.google.protobuf.Empty') this.checkMessage(type, rest, path);
      else this.checkMessage(type, rest['value'], [...path, 'value']);
      return;
    }
    this.checkMessage(type, rest, path);
  }

  private fail(path: YamlPath, message: string): void {
    this.problems.push({ path, message, severity: 'error' });
  }

  private warn(path: YamlPath, message: string): void {
    this.problems.push({ path, message, severity: 'warning' });
  }
}

export function scalarProblem(type: string, value: unknown): string | undefined {
  const range = INT_RANGES[type];
  if (range) {
    const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n)) return `expects an integer (${type}), not ${describe(value)}`;
    if (n < range[0] || n > range[1]) return `${n} is out of range for ${type}`;
    return undefined;
  }
  if (INT64.has(type)) {
    const ok = (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value));
    if (!ok) return `expects an integer (${type}), not ${describe(value)}`;
    if (type.startsWith('u') || type === 'fixed64') return String(value).startsWith('-') ? `${String(value)} is out of range for ${type}` : undefined;
    return undefined;
  }
  switch (type) {
    case 'double':
    case 'float':
      if (typeof value === 'number' || (typeof value === 'string' && (/^(NaN|-?Infinity)$/.test(value) || (value.trim() !== '' && !Number.isNaN(Number(value)))))) return undefined;
      return `expects a number (${type}), not ${describe(value)}`;
    case 'bool':
      return typeof value === 'boolean' ? undefined : `expects true or false, not ${describe(value)}`;
    case 'string':
      return typeof value === 'string' ? undefined : `expects a string, not ${describe(value)}`;
    case 'bytes':
      return typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value) ? undefined : `expects base64 bytes, not ${describe(value)}`;
    default:
      return `has an unknown scalar type ${type}`;
  }
}

export function lowerCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function shortName(t: protobuf.ReflectionObject): string {
  return t.fullName.replace(/^\./, '');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}
