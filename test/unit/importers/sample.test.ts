import { describe, expect, it } from 'vitest';
import { componentResolver, mockBody, mockResponses } from '../../../src/importers/openapi/mock.js';
import { sampleFromSchema } from '../../../src/importers/openapi/sample.js';
import type { ApiComponent, JsonObject } from '../../../src/model/types.js';

const component = (kind: ApiComponent['kind'], name: string, value: JsonObject): ApiComponent => ({
  kind,
  name,
  value,
  source: { file: 's.yaml', pointer: '#' },
});

const resolve = componentResolver([
  component('schemas', 'Money', { type: 'object', properties: { amount: { type: 'integer', minimum: 0 } } }),
  component('schemas', 'Node', {
    type: 'object',
    properties: { id: { type: 'integer' }, next: { anyOf: [{ $ref: '#/components/schemas/Node' }, { type: 'null' }] } },
  }),
  component('examples', 'Ada', { value: { name: 'Ada' } }),
  component('responses', 'Gone', {
    description: 'gone',
    content: { 'application/json': { schema: { const: 'gone' } } },
  }),
]);

const nullableMoney = { anyOf: [{ $ref: '#/components/schemas/Money' }, { type: 'null' }] };

describe('sampleFromSchema: JSON Schema 2020-12, as the model holds it', () => {
  const table: { name: string; schema: unknown; want: unknown }[] = [
    { name: 'the first of examples', schema: { type: 'integer', examples: [5, 6] }, want: 5 },
    { name: 'default', schema: { type: 'string', default: 'd' }, want: 'd' },
    { name: 'const', schema: { const: 'fixed' }, want: 'fixed' },
    { name: 'enum', schema: { type: ['string', 'null'], enum: ['b', 'a', null] }, want: 'b' },
    {
      name: 'formats',
      schema: {
        type: 'object',
        properties: { at: { type: 'string', format: 'date-time' }, id: { type: 'string', format: 'uuid' } },
      },
      want: { at: '2024-01-01T12:00:00Z', id: '3f2a1c4e-9b8d-4e2f-a1b2-c3d4e5f60718' },
    },
    { name: 'a type list: the first that is not null', schema: { type: ['null', 'integer'], minimum: 3 }, want: 3 },
    { name: 'a nullable $ref (anyOf with null) samples the schema', schema: nullableMoney, want: { amount: 0 } },
    { name: 'integer above an exclusive minimum', schema: { type: 'integer', exclusiveMinimum: 0 }, want: 1 },
    { name: 'number above an exclusive minimum', schema: { type: 'number', exclusiveMinimum: 2 }, want: 3 },
    {
      name: 'number between an exclusive minimum and a maximum',
      schema: { type: 'number', exclusiveMinimum: 0, maximum: 0.5 },
      want: 0.25,
    },
    { name: 'arrays', schema: { type: 'array', items: { type: 'boolean' } }, want: [true] },
    {
      name: 'prefixItems: one value per position',
      schema: { type: 'array', prefixItems: [{ const: 'x' }, { type: 'integer' }], items: false },
      want: ['x', 1],
    },
    {
      name: 'allOf merges objects, through $refs',
      schema: { allOf: [{ $ref: '#/components/schemas/Money' }, { properties: { b: { type: 'string' } } }] },
      want: { amount: 0, b: 'string' },
    },
    { name: 'oneOf takes the first', schema: { oneOf: [{ type: 'number' }, { type: 'string' }] }, want: 1.5 },
    {
      name: 'a recursive $ref ends with null where it comes back',
      schema: { $ref: '#/components/schemas/Node' },
      want: { id: 1, next: null },
    },
    {
      name: 'an unresolved $ref ends the walk',
      schema: { type: 'object', properties: { self: { $ref: '#/x' } } },
      want: { self: null },
    },
  ];
  for (const t of table) it(t.name, () => expect(sampleFromSchema(t.schema, resolve)).toEqual(t.want));
});

describe('mockResponses: from the route api and its components', () => {
  it('orders successes first, maps 2XX and default, reads examples and Reference Objects', () => {
    const got = mockResponses(
      {
        responses: {
          '404': { $ref: '#/components/responses/Gone' },
          '2XX': {
            description: 'ok',
            content: {
              'application/xml': { example: '<ok/>' },
              'application/json': { examples: { ada: { $ref: '#/components/examples/Ada' } } },
            },
          },
          '201': { description: 'made', content: { 'application/json': { example: { ok: 1 } } } },
        },
      },
      resolve,
    );
    expect(got).toEqual([
      { status: 200, contentType: 'application/json', body: '{\n  "name": "Ada"\n}\n', generated: false },
      { status: 201, contentType: 'application/json', body: '{\n  "ok": 1\n}\n', generated: false },
      { status: 404, contentType: 'application/json', body: '"gone"\n', generated: true },
    ]);
    expect(mockResponses({ responses: { default: { description: 'only' } } }, resolve)).toEqual([
      { status: 200, contentType: null, body: '', generated: false },
    ]);
  });
});

describe('mockBody: the bytes every data plane sends for a mock answer', () => {
  const table: { name: string; contentType: string; value: unknown; want: string }[] = [
    {
      name: 'JSON: pretty, two spaces, a final newline',
      contentType: 'application/json',
      value: { a: [1] },
      want: '{\n  "a": [\n    1\n  ]\n}\n',
    },
    {
      name: 'a string example of a JSON type is a JSON string',
      contentType: 'application/json',
      value: 'hi',
      want: '"hi"\n',
    },
    { name: '+json types are JSON too', contentType: 'application/problem+json', value: 'x', want: '"x"\n' },
    {
      name: 'a string example of another type is sent as it is',
      contentType: 'text/plain',
      value: 'hi $x',
      want: 'hi $x',
    },
    { name: 'a value of another type is JSON', contentType: 'text/csv', value: [1, 2], want: '[\n  1,\n  2\n]\n' },
    { name: 'no example and no sample: null', contentType: 'application/json', value: undefined, want: 'null\n' },
  ];
  for (const t of table) it(t.name, () => expect(mockBody(t.contentType, t.value)).toBe(t.want));
});
