import { describe, expect, it } from 'vitest';
import { mockResponses } from '../../../src/importers/openapi/mock.js';
import { sampleFromSchema } from '../../../src/importers/openapi/sample.js';

describe('sampleFromSchema', () => {
  const table: { name: string; schema: unknown; want: unknown }[] = [
    { name: 'example wins', schema: { type: 'string', example: 'hi' }, want: 'hi' },
    { name: '3.1 examples', schema: { type: 'integer', examples: [5, 6] }, want: 5 },
    { name: 'enum', schema: { type: 'string', enum: ['b', 'a'] }, want: 'b' },
    {
      name: 'formats',
      schema: {
        type: 'object',
        properties: { at: { type: 'string', format: 'date-time' }, id: { type: 'string', format: 'uuid' } },
      },
      want: { at: '2024-01-01T12:00:00Z', id: '3f2a1c4e-9b8d-4e2f-a1b2-c3d4e5f60718' },
    },
    { name: 'nullable type list', schema: { type: ['null', 'integer'], minimum: 3 }, want: 3 },
    { name: 'arrays', schema: { type: 'array', items: { type: 'boolean' } }, want: [true] },
    {
      name: 'allOf merges objects',
      schema: { allOf: [{ properties: { a: { type: 'integer' } } }, { properties: { b: { type: 'string' } } }] },
      want: { a: 1, b: 'string' },
    },
    { name: 'oneOf takes the first', schema: { oneOf: [{ type: 'number' }, { type: 'string' }] }, want: 1.5 },
    {
      name: 'an unresolved $ref ends the walk',
      schema: { type: 'object', properties: { self: { $ref: '#/x' } } },
      want: { self: null },
    },
  ];
  for (const t of table) it(t.name, () => expect(sampleFromSchema(t.schema)).toEqual(t.want));
});

describe('mockResponses', () => {
  it('orders successes first, maps 2XX and default, and reads Swagger 2.0 examples', () => {
    const got = mockResponses(
      {
        responses: {
          '404': { description: 'x' },
          '2XX': { description: 'ok', examples: { 'application/json': { ok: 1 } } },
        },
      },
      true,
      ['application/json'],
    );
    expect(got).toEqual([
      { status: 200, contentType: 'application/json', body: { ok: 1 }, generated: false },
      { status: 404, contentType: null, body: null, generated: false },
    ]);
    expect(mockResponses({ responses: { default: { description: 'only' } } }, false, [])).toEqual([
      { status: 200, contentType: null, body: null, generated: false },
    ]);
  });
});
