import { createRequire } from 'node:module';
import type protobuf from 'protobufjs';

/**
 * What the strict check needs of Envoy's API, as plain data: per message its fields (names, JSON
 * names, types, list/map, deprecation, protoc-gen-validate rules) and oneofs; per enum its values.
 * `npm run build` writes it once (scripts/compile-envoy-api.js -> dist/envoy-api/descriptors.json),
 * so a `gw build` reads a JSON file instead of parsing and resolving ~345 .proto files with
 * protobufjs (protos.ts does that only when the file is missing or stale).
 */
export interface EnvoyApi {
  /** Bumped when this shape changes: an older file is then ignored. */
  format: number;
  /** What it was made from: a file made from another @grpc/grpc-js-xds is ignored. */
  source: { package: string; version: string; files: number; skipped: string[] };
  /** By full name with the leading dot, as protobufjs names types: ".envoy.config.route.v3.Route". */
  messages: Record<string, MessageDescriptor>;
  enums: Record<string, EnumDescriptor>;
}

export const ENVOY_API_FORMAT = 1;

/** A field's protoc-gen-validate rules by kind (`string`, `repeated`, `duration`, ...): what pgv.ts checks. */
export type Rules = Record<string, Record<string, unknown> | undefined>;

export interface MessageDescriptor {
  /** In declaration order. */
  fields: FieldDescriptor[];
  /** In declaration order; proto3 `optional` fields have their synthetic oneof here too. */
  oneofs: OneofDescriptor[];
}

export interface FieldDescriptor {
  name: string;
  /** The lowerCamelCase (or json_name) spelling Envoy also accepts. */
  jsonName: string;
  /** A scalar type (string, uint32, ...), or the full name of a message or enum (leading dot). */
  type: string;
  kind: 'scalar' | 'message' | 'enum';
  repeated?: true;
  /** Map fields: the key's scalar type; `type` is the value's. */
  mapKey?: string;
  deprecated?: true;
  /** The oneof the field belongs to. */
  oneof?: string;
  /** `(validate.rules)`, merged from every option statement of the field. */
  rules?: Rules;
}

export interface OneofDescriptor {
  name: string;
  fields: string[];
  /** `(validate.required)`: one of the fields must be set. */
  required?: true;
}

export interface EnumDescriptor {
  /** The short name (as protoc-gen-validate messages print it). */
  name: string;
  values: Record<string, number>;
}

/**
 * protobufjs, loaded when descriptors are made from .proto files (the build script, or a missing descriptors file),
 * not when they are read.
 */
const pb = (): typeof protobuf => createRequire(import.meta.url)('protobufjs') as typeof protobuf;

/** Every message and enum of a resolved protobufjs root, as EnvoyApi data. */
export function describeEnvoyApi(root: protobuf.Root, source: EnvoyApi['source']): EnvoyApi {
  root.resolveAll();
  const messages: Record<string, MessageDescriptor> = {};
  const enums: Record<string, EnumDescriptor> = {};
  const walk = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof pb().Type) messages[nested.fullName] = describeMessage(nested);
      else if (nested instanceof pb().Enum)
        enums[nested.fullName] = { name: nested.name, values: { ...nested.values } };
      if (nested instanceof pb().Namespace || nested instanceof pb().Type) walk(nested);
    }
  };
  walk(root);
  return { format: ENVOY_API_FORMAT, source, messages: sortKeys(messages), enums: sortKeys(enums) };
}

function describeMessage(type: protobuf.Type): MessageDescriptor {
  const fields = type.fieldsArray.map((f): FieldDescriptor => {
    f.resolve();
    const resolved = f.resolvedType;
    const d: FieldDescriptor = {
      name: f.name,
      jsonName: (f.options?.json_name as string | undefined) ?? lowerCamel(f.name),
      type: resolved ? resolved.fullName : f.type,
      kind: resolved instanceof pb().Type ? 'message' : resolved instanceof pb().Enum ? 'enum' : 'scalar',
    };
    if (f.repeated) d.repeated = true;
    if (f.map) d.mapKey = (f as unknown as protobuf.MapField).keyType;
    if (f.options?.deprecated === true) d.deprecated = true;
    if (f.partOf) d.oneof = f.partOf.name;
    const rules = validateRules(f);
    if (rules) d.rules = rules;
    return d;
  });
  const oneofs = type.oneofsArray.map((o): OneofDescriptor => {
    const d: OneofDescriptor = { name: o.name, fields: o.fieldsArray.map((f) => f.name) };
    if (o.options?.['(validate.required)'] === true) d.required = true;
    return d;
  });
  return { fields, oneofs };
}

/** The field's `(validate.rules)`, merged from every option statement (protobufjs keeps them apart). */
function validateRules(field: protobuf.Field): Rules | undefined {
  let rules: Rules | undefined;
  for (const entry of (field.parsedOptions ?? []) as unknown as Record<string, unknown>[]) {
    const r = entry['(validate.rules)'];
    if (r && typeof r === 'object') rules = deepMerge(rules ?? {}, r as Rules) as Rules;
  }
  return rules;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      prev && typeof prev === 'object' && !Array.isArray(prev) && v && typeof v === 'object' && !Array.isArray(v)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export function lowerCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
