import { describe, expect, it } from 'vitest';
import { toJsonSchema } from '../../../../src/runtime/validate/schema-dialect.js';
import { NUMBER_FORMATS, STRING_FORMATS } from '../../../../src/runtime/validate/formats.js';

const B = 'gw:service/s';

describe('toJsonSchema: OpenAPI 3.0 schemas as JSON Schema', () => {
  const cases: { name: string; given: unknown; want: unknown }[] = [
    { name: 'nullable widens the type', given: { type: 'string', nullable: true }, want: { type: ['string', 'null'] } },
    {
      name: 'nullable with an enum admits null',
      given: { type: 'string', enum: ['a'], nullable: true },
      want: { type: ['string', 'null'], enum: ['a', null] },
    },
    {
      name: 'nullable without a type wraps',
      given: { allOf: [{ $ref: '#/components/schemas/A' }], nullable: true },
      want: { anyOf: [{ type: 'null' }, { allOf: [{ $ref: `${B}#/components/schemas/A` }] }] },
    },
    { name: 'nullable: false is dropped', given: { type: 'integer', nullable: false }, want: { type: 'integer' } },
    {
      name: 'boolean exclusiveMinimum becomes a number',
      given: { type: 'number', minimum: 0, exclusiveMinimum: true },
      want: { type: 'number', exclusiveMinimum: 0 },
    },
    {
      name: 'exclusiveMaximum: false is dropped',
      given: { type: 'number', maximum: 9, exclusiveMaximum: false },
      want: { type: 'number', maximum: 9 },
    },
    {
      name: 'a readOnly property is not required in a request',
      given: {
        type: 'object',
        required: ['id', 'name'],
        properties: { id: { type: 'integer', readOnly: true }, name: { type: 'string' } },
      },
      want: {
        type: 'object',
        required: ['name'],
        properties: { id: { type: 'integer', readOnly: true }, name: { type: 'string' } },
      },
    },
    {
      name: 'refs become absolute, in nested schemas too',
      given: { type: 'array', items: { $ref: '#/components/schemas/Item' } },
      want: { type: 'array', items: { $ref: `${B}#/components/schemas/Item` } },
    },
    {
      name: 'property names are data',
      given: { type: 'object', properties: { nullable: { type: 'boolean' }, $ref: { type: 'string' } } },
      want: { type: 'object', properties: { nullable: { type: 'boolean' }, $ref: { type: 'string' } } },
    },
    {
      name: 'examples and defaults are data',
      given: { type: 'object', example: { $ref: '#/x', nullable: true }, default: { nullable: true } },
      want: { type: 'object', example: { $ref: '#/x', nullable: true }, default: { nullable: true } },
    },
  ];
  for (const c of cases) it(c.name, () => expect(toJsonSchema(c.given, 'oas30', B)).toEqual(c.want));

  it('leaves 3.1 schemas alone but for the refs', () => {
    expect(
      toJsonSchema(
        { type: ['string', 'null'], exclusiveMinimum: 1, items: { $ref: '#/components/schemas/X' } },
        'oas31',
        B,
      ),
    ).toEqual({ type: ['string', 'null'], exclusiveMinimum: 1, items: { $ref: `${B}#/components/schemas/X` } });
  });
  it('never changes its input (the model is shared)', () => {
    const given = { type: 'string', nullable: true, properties: { a: { $ref: '#/components/schemas/A' } } };
    const copy = structuredClone(given);
    toJsonSchema(given, 'oas30', B);
    expect(given).toEqual(copy);
  });
});

describe('formats', () => {
  const cases: [format: string, value: string | number, ok: boolean][] = [
    ['date', '2024-02-29', true],
    ['date', '2023-02-29', false],
    ['date', '2024-13-01', false],
    ['date-time', '2024-03-01T09:30:00Z', true],
    ['date-time', '2024-03-01T09:30:00.123+02:00', true],
    ['date-time', '2024-03-01 09:30', false],
    ['email', 'ada@example.com', true],
    ['email', 'not-an-email', false],
    ['uuid', '3f2a1c4e-9b8d-4e2f-a1b2-c3d4e5f60718', true],
    ['uuid', '3f2a1c4e', false],
    ['ipv4', '10.0.0.1', true],
    ['ipv6', '::1', true],
    ['uri', 'https://example.com/a?b', true],
    ['uri', 'no scheme', false],
    ['byte', 'aGVsbG8=', true],
    ['byte', 'a', false],
    ['int32', 2147483647, true],
    ['int32', 2147483648, false],
    ['int64', 1.5, false],
  ];
  for (const [format, value, ok] of cases) {
    it(`${format} ${JSON.stringify(value)}: ${ok ? 'valid' : 'invalid'}`, () => {
      const check = typeof value === 'number' ? NUMBER_FORMATS[format]!(value) : STRING_FORMATS[format]!(value);
      expect(check).toBe(ok);
    });
  }
});
