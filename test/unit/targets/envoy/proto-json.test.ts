import { describe, expect, it } from 'vitest';
import { ProtoJsonChecker } from '../../../../src/targets/envoy/proto-json.js';
import { loadEnvoyApi } from '../../../../src/targets/envoy/protos.js';

/** Checks one value as the well-known type `name` and returns the problems as `path: message`. */
function problems(name: string, value: unknown): string[] {
  const checker = new ProtoJsonChecker(loadEnvoyApi().api);
  checker.check(`.google.protobuf.${name}`, value, ['v']);
  return checker.problems.map((p) => `${p.path.join('.')}: ${p.severity} ${p.message}`);
}

describe('well-known types in their proto3 JSON forms', () => {
  it.each([
    { type: 'UInt32Value', given: 7, want: [] },
    { type: 'UInt32Value', given: '7', want: [] },
    { type: 'UInt32Value', given: -1, want: ['v: error -1 is out of range for uint32'] },
    { type: 'UInt64Value', given: '18446744073709551615', want: [] },
    { type: 'UInt64Value', given: '-3', want: ['v: error -3 is out of range for uint64'] },
    { type: 'Int64Value', given: 1.5, want: ['v: error expects an integer (int64), not number 1.5'] },
    { type: 'DoubleValue', given: 'NaN', want: [] },
    { type: 'DoubleValue', given: '', want: ['v: error expects a number (double), not the string ""'] },
    { type: 'BoolValue', given: 'true', want: ['v: error expects true or false, not the string "true"'] },
    { type: 'StringValue', given: 1, want: ['v: error expects a string, not number 1'] },
    { type: 'BytesValue', given: 'a b', want: ['v: error expects base64 bytes, not the string "a b"'] },
    { type: 'Duration', given: '0.250s', want: [] },
    { type: 'Duration', given: 5, want: ['v: error expects a duration such as "5s" or "0.250s", not number 5'] },
    { type: 'Duration', given: '315576000001s', want: ['v: error duration 315576000001s is out of range'] },
    { type: 'Timestamp', given: '2026-01-02T03:04:05.5Z', want: [] },
    {
      type: 'Timestamp',
      given: '2026-01-02',
      want: ['v: error expects an RFC 3339 timestamp, not the string "2026-01-02"'],
    },
    { type: 'FieldMask', given: 'a.b,c', want: [] },
    { type: 'FieldMask', given: ['a'], want: ['v: error expects a field mask string, not a list'] },
    { type: 'Struct', given: { a: [1] }, want: [] },
    { type: 'Struct', given: [], want: ['v: error expects an object, not a list'] },
    { type: 'ListValue', given: [1, 'a'], want: [] },
    { type: 'ListValue', given: {}, want: ['v: error expects a list, not an object'] },
    { type: 'Value', given: null, want: [] },
    { type: 'Empty', given: {}, want: [] },
    { type: 'Empty', given: { a: 1 }, want: ['v: error expects an empty object {}, not an object'] },
  ])('$type: $given', ({ type, given, want }) => expect(problems(type, given)).toEqual(want));

  it.each([
    {
      name: 'a wrapper keeps its JSON form under "value"',
      given: { '@type': 'type.googleapis.com/google.protobuf.UInt32Value', value: 'x' },
      want: ['v.value: error expects an integer (uint32), not the string "x"'],
    },
    {
      name: 'Empty inlines its (no) fields',
      given: { '@type': 'type.googleapis.com/google.protobuf.Empty' },
      want: [],
    },
    {
      name: 'a message inlines its fields',
      given: { '@type': 'type.googleapis.com/envoy.config.core.v3.Http1ProtocolOptions', allow_absolute_url: 1 },
      want: ['v.allow_absolute_url: error expects true or false, not number 1'],
    },
    {
      name: 'an unknown type',
      given: { '@type': 'type.googleapis.com/no.Such' },
      want: ['v.@type: error "@type" "type.googleapis.com/no.Such" names no message type of the Envoy API'],
    },
    { name: 'no @type', given: {}, want: ['v: error an Any needs "@type" (type.googleapis.com/<message>)'] },
  ])('Any: $name', ({ given, want }) => expect(problems('Any', given)).toEqual(want));
});
