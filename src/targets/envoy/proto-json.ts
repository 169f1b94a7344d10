import { suggestClosest } from '../../diagnostics/suggest.js';
import type { EnvoyApi, FieldDescriptor, MessageDescriptor, Rules } from './api-descriptors.js';
import { checkRules } from './pgv.js';
import { describe, isObject, scalarProblem, shortName } from './proto-scalars.js';
import { WELL_KNOWN, WELL_KNOWN_CHECKS, WRAPPERS } from './proto-well-known.js';

/**
 * Checks a JSON value against a protobuf message type the way Envoy reads its configuration:
 * the proto3 JSON mapping (field names in snake_case or lowerCamelCase, enums by name or number,
 * 64-bit integers as numbers or strings (proto-scalars.ts), well-known types in their JSON forms
 * (proto-well-known.ts), `Any` by `@type`), oneof exclusivity, and the protoc-gen-validate rules
 * Envoy enforces (pgv.ts). Visitors, by message type, see each message of that type checked, for
 * cross-checks (cluster references, regexes).
 * The types come as EnvoyApi data (api-descriptors.ts). The walk keeps one path stack and copies
 * it only for a problem or a visitor: a 2 MB route table is checked without a path per value.
 */
export type YamlPath = (string | number)[];

export interface Problem {
  path: YamlPath;
  message: string;
  severity: 'error' | 'warning';
}

/** Called after a message of the type it is registered for was checked; `path` is the caller's to keep. */
export type Visitor = (value: Record<string, unknown>, path: YamlPath) => void;

interface FieldIndex {
  byName: Map<string, FieldDescriptor>;
  names: string[];
}

export class ProtoJsonChecker {
  readonly problems: Problem[] = [];
  private readonly index = new Map<MessageDescriptor, FieldIndex>();
  /** Where the walk is; pushed and popped around each child. */
  private readonly path: YamlPath = [];

  constructor(
    private readonly api: EnvoyApi,
    private readonly visitors: Readonly<Record<string, Visitor>> = {},
  ) {}

  /** Checks `value` as the message `typeName` (full name with the leading dot) found at `path`. */
  check(typeName: string, value: unknown, path: YamlPath = []): void {
    this.path.length = 0;
    this.path.push(...path);
    this.checkMessage(typeName, value);
  }

  private checkMessage(typeName: string, value: unknown): void {
    const special = this.wellKnown(typeName, value);
    if (special) return;
    const type = this.api.messages[typeName]!;
    if (!isObject(value)) {
      this.fail(`expects a ${shortName(typeName)} object, not ${describe(value)}`);
      return;
    }
    const { byName, names } = this.fieldsOf(type);
    const seen = new Map<string, string>();
    const path = this.path;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const v = value[key];
      const field = byName.get(key);
      path.push(key);
      if (!field) {
        const close = suggestClosest(key, names);
        this.fail(`unknown field "${key}" in ${shortName(typeName)}${close ? ` (did you mean "${close}"?)` : ''}`);
      } else {
        if (seen.has(field.name))
          this.fail(`field "${field.name}" is set twice (as "${seen.get(field.name)}" and "${key}")`);
        seen.set(field.name, key);
        if (field.deprecated) this.warn(`field "${key}" of ${shortName(typeName)} is deprecated`);
        if (v !== null) this.checkField(field, v);
      }
      path.pop();
    }
    for (const oneof of type.oneofs) {
      const set = oneof.fields.filter((f) => seen.has(f) && value[seen.get(f)!] !== null);
      if (set.length > 1)
        this.fail(
          `only one of ${set.map((f) => `"${f}"`).join(', ')} may be set (oneof ${oneof.name} of ` +
            `${shortName(typeName)})`,
        );
      if (set.length === 0 && oneof.required)
        this.fail(`one of ${oneof.fields.map((f) => `"${f}"`).join(', ')} is required in ${shortName(typeName)}`);
    }
    // protoc-gen-validate: absent fields are checked as their defaults (what Envoy's validation sees).
    for (const field of type.fields) {
      if (!field.rules || field.oneof) continue;
      if (seen.has(field.name) && value[seen.get(field.name)!] !== null) continue;
      path.push(field.name);
      this.checkAbsent(field, field.rules);
      path.pop();
    }
    const visitor = this.visitors[typeName];
    if (visitor) visitor(value, [...path]);
  }

  private fieldsOf(type: MessageDescriptor): FieldIndex {
    let idx = this.index.get(type);
    if (!idx) {
      const byName = new Map<string, FieldDescriptor>();
      for (const f of type.fields) {
        byName.set(f.name, f);
        byName.set(f.jsonName, f);
      }
      idx = { byName, names: type.fields.map((f) => f.name) };
      this.index.set(type, idx);
    }
    return idx;
  }

  private checkField(field: FieldDescriptor, value: unknown): void {
    const rules = field.rules;
    const path = this.path;
    if (field.mapKey !== undefined) {
      if (!isObject(value)) {
        this.fail(`expects a map (an object), not ${describe(value)}`);
        return;
      }
      const keyType = field.mapKey;
      for (const [k, v] of Object.entries(value)) {
        path.push(k);
        if (keyType !== 'string' && keyType !== 'bool' && !/^-?\d+$/.test(k))
          this.fail(`map key "${k}" is not a ${keyType}`);
        if (v !== null) this.checkValue(field, v, undefined);
        path.pop();
      }
      if (rules) this.applyRules(rules, 'map', value);
      return;
    }
    if (field.repeated) {
      if (!Array.isArray(value)) {
        this.fail(`expects a list, not ${describe(value)}`);
        return;
      }
      const itemRules = rules?.repeated?.items as Rules | undefined;
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        this.checkValue(field, value[i], itemRules);
        path.pop();
      }
      if (rules) this.applyRules(rules, 'repeated', value);
      return;
    }
    if (Array.isArray(value)) {
      this.fail(`expects a single value, not a list`);
      return;
    }
    this.checkValue(field, value, rules);
  }

  private checkValue(field: FieldDescriptor, value: unknown, rules: Rules | undefined): void {
    if (field.kind === 'message') {
      this.checkMessage(field.type, value);
      const wrapped = WRAPPERS[field.type];
      if (rules && wrapped && value !== null) this.problemsFrom(checkRules(rules, wrapped, value, undefined));
      else if (rules && field.type === '.google.protobuf.Duration' && typeof value === 'string')
        this.problemsFrom(checkRules(rules, 'duration', value, undefined));
      return;
    }
    if (field.kind === 'enum') {
      const enumType = this.api.enums[field.type]!;
      if (typeof value === 'string') {
        if (!Object.hasOwn(enumType.values, value)) {
          const close = suggestClosest(value, Object.keys(enumType.values));
          const hint = close ? ` (did you mean "${close}"?)` : `; one of ${Object.keys(enumType.values).join(', ')}`;
          this.fail(`"${value}" is not a value of ${shortName(field.type)}${hint}`);
        }
      } else if (!Number.isInteger(value)) this.fail(`expects a ${shortName(field.type)} name, not ${describe(value)}`);
      if (rules) this.problemsFrom(checkRules(rules, 'enum', value, enumType));
      return;
    }
    const problem = scalarProblem(field.type, value);
    if (problem) {
      this.fail(problem);
      return;
    }
    if (rules) this.problemsFrom(checkRules(rules, field.type, value, undefined));
  }

  private applyRules(rules: Rules, kind: 'map' | 'repeated', value: unknown): void {
    this.problemsFrom(checkRules(rules, kind, value, undefined));
  }

  private checkAbsent(field: FieldDescriptor, rules: Rules): void {
    if (
      rules.message?.required === true ||
      rules.any?.required === true ||
      rules.duration?.required === true ||
      rules.timestamp?.required === true
    ) {
      this.fail(`required field "${field.name}" is missing`);
      return;
    }
    if (field.mapKey !== undefined || field.repeated) {
      this.problemsFrom(checkRules(rules, field.mapKey !== undefined ? 'map' : 'repeated', [], undefined), 'absent');
      return;
    }
    if (field.kind === 'message') return;
    const enumType = field.kind === 'enum' ? this.api.enums[field.type] : undefined;
    const zero = enumType
      ? 0
      : field.type === 'string' || field.type === 'bytes'
        ? ''
        : field.type === 'bool'
          ? false
          : 0;
    this.problemsFrom(checkRules(rules, enumType ? 'enum' : field.type, zero, enumType), 'absent');
  }

  private problemsFrom(messages: string[], absent?: 'absent'): void {
    for (const m of messages) this.fail(absent ? `is missing, and its default ${m}` : m);
  }

  /** Well-known types with their own JSON form; returns true when it handled the value. */
  private wellKnown(name: string, value: unknown): boolean {
    const check = WELL_KNOWN_CHECKS[name];
    if (check) {
      const problem = check(value);
      if (problem) this.fail(problem);
      return true;
    }
    if (name !== '.google.protobuf.Any') return false;
    this.checkAny(value);
    return true;
  }

  private checkAny(value: unknown): void {
    if (!isObject(value)) {
      this.fail(`expects an object with "@type", not ${describe(value)}`);
      return;
    }
    const typeUrl = value['@type'];
    if (typeof typeUrl !== 'string') {
      this.fail(`an Any needs "@type" (type.googleapis.com/<message>)`);
      return;
    }
    const fullName = `.${typeUrl.slice(typeUrl.lastIndexOf('/') + 1)}`;
    if (!typeUrl.includes('/') || !Object.hasOwn(this.api.messages, fullName)) {
      this.path.push('@type');
      this.fail(`"@type" ${JSON.stringify(typeUrl)} names no message type of the Envoy API`);
      this.path.pop();
      return;
    }
    const rest: Record<string, unknown> = {};
    for (const k in value) if (k !== '@type' && Object.hasOwn(value, k)) rest[k] = value[k];
    // Well-known types keep their JSON form under "value"; other messages inline their fields.
    if (WRAPPERS[fullName] || WELL_KNOWN.has(fullName)) {
      if (fullName === '.google.protobuf.Empty') this.checkMessage(fullName, rest);
      else {
        this.path.push('value');
        this.checkMessage(fullName, rest.value);
        this.path.pop();
      }
      return;
    }
    this.checkMessage(fullName, rest);
  }

  private fail(message: string): void {
    this.problems.push({ path: [...this.path], message, severity: 'error' });
  }

  private warn(message: string): void {
    this.problems.push({ path: [...this.path], message, severity: 'warning' });
  }
}
