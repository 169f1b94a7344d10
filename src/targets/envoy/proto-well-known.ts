import { describe, isObject, scalarProblem } from './proto-scalars.js';

/**
 * The well-known protobuf types that have a JSON form of their own (proto3 JSON mapping): the
 * wrappers as plain values, Duration as "1.5s", Timestamp as RFC 3339, Struct, ListValue, Value,
 * FieldMask and Empty. `Any` is checked by proto-json.ts, since it names the message it holds.
 */
export const WRAPPERS: Record<string, string> = {
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

export const WELL_KNOWN = new Set(
  ['Duration', 'Timestamp', 'FieldMask', 'Struct', 'ListValue', 'Value', 'Any', 'Empty'].map(
    (n) => `.google.protobuf.${n}`,
  ),
);

const DURATION = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** A check per well-known type but Any: the problem with the value, or undefined. */
type WellKnownCheck = (value: unknown) => string | undefined;

function durationProblem(value: unknown): string | undefined {
  const m = typeof value === 'string' ? DURATION.exec(value) : null;
  if (!m) return `expects a duration such as "5s" or "0.250s", not ${describe(value)}`;
  if (Number(m[2]) > 315576000000) return `duration ${value as string} is out of range`;
  return undefined;
}

export const WELL_KNOWN_CHECKS: Readonly<Record<string, WellKnownCheck>> = {
  ...Object.fromEntries(
    Object.entries(WRAPPERS).map(([name, wrapped]): [string, WellKnownCheck] => [
      name,
      (value) => scalarProblem(wrapped, value),
    ]),
  ),
  '.google.protobuf.Duration': durationProblem,
  '.google.protobuf.Timestamp': (value) =>
    typeof value !== 'string' || !TIMESTAMP.test(value)
      ? `expects an RFC 3339 timestamp, not ${describe(value)}`
      : undefined,
  '.google.protobuf.FieldMask': (value) =>
    typeof value !== 'string' ? `expects a field mask string, not ${describe(value)}` : undefined,
  '.google.protobuf.Struct': (value) => (!isObject(value) ? `expects an object, not ${describe(value)}` : undefined),
  '.google.protobuf.ListValue': (value) =>
    !Array.isArray(value) ? `expects a list, not ${describe(value)}` : undefined,
  '.google.protobuf.Value': () => undefined,
  '.google.protobuf.Empty': (value) =>
    !isObject(value) || Object.keys(value).length > 0
      ? `expects an empty object {}, not ${describe(value)}`
      : undefined,
};
