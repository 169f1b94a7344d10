import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { toJsonSchema2020 } from '../../../src/importers/openapi/json-schema.js';

/** Issue 11, item 1: every Schema Object becomes JSON Schema 2020-12 once, in the importer. */
const User = { $ref: '#/components/schemas/User' };
const NULL = { type: 'null' };

describe('toJsonSchema2020: OpenAPI 3.0 fragments', () => {
  const table: { name: string; given: object; want: object }[] = [
    { name: 'nullable widens the type', given: { type: 'string', nullable: true }, want: { type: ['string', 'null'] } },
    {
      name: 'nullable with an enum lets null into the enum too',
      given: { type: 'string', enum: ['a', 'b'], nullable: true },
      want: { type: ['string', 'null'], enum: ['a', 'b', null] },
    },
    {
      name: 'nullable enum without a type',
      given: { enum: [1, 2], nullable: true },
      want: { enum: [1, 2, null] },
    },
    {
      name: 'nullable without a type or applicator: null passes already',
      given: { format: 'date', nullable: true },
      want: { format: 'date' },
    },
    { name: 'nullable: false goes', given: { type: 'integer', nullable: false }, want: { type: 'integer' } },
    { name: 'nullable beside a $ref', given: { ...User, nullable: true }, want: { anyOf: [User, NULL] } },
    {
      name: 'nullable beside a $ref keeps the annotations outside',
      given: { ...User, description: 'the owner', nullable: true, readOnly: true },
      want: { description: 'the owner', readOnly: true, anyOf: [User, NULL] },
    },
    {
      name: 'nullable with a type and allOf: the allOf would refuse null, so anyOf',
      given: { type: 'object', allOf: [User], nullable: true, title: 'T', 'x-kind': 'k' },
      want: { title: 'T', 'x-kind': 'k', anyOf: [{ type: 'object', allOf: [User] }, NULL] },
    },
    {
      name: 'nullable anyOf alone gets one more alternative',
      given: { anyOf: [{ type: 'string' }, { type: 'integer' }], nullable: true },
      want: { anyOf: [{ type: 'string' }, { type: 'integer' }, NULL] },
    },
    {
      name: 'nullable oneOf keeps its discriminator beside it',
      given: { oneOf: [User], discriminator: { propertyName: 'kind' }, nullable: true },
      want: { anyOf: [{ oneOf: [User], discriminator: { propertyName: 'kind' } }, NULL] },
    },
    {
      name: 'nullable type list gets null once',
      given: { type: ['string', 'null'], nullable: true },
      want: { type: ['string', 'null'] },
    },
    {
      name: 'boolean exclusiveMinimum becomes the bound',
      given: { type: 'number', minimum: 0, exclusiveMinimum: true },
      want: { type: 'number', exclusiveMinimum: 0 },
    },
    {
      name: 'boolean exclusiveMaximum becomes the bound',
      given: { type: 'integer', maximum: 9, exclusiveMaximum: true },
      want: { type: 'integer', exclusiveMaximum: 9 },
    },
    {
      name: 'exclusiveMinimum: false goes, the minimum stays',
      given: { type: 'number', minimum: 1, exclusiveMinimum: false },
      want: { type: 'number', minimum: 1 },
    },
    {
      name: 'exclusiveMaximum: true without a maximum says nothing',
      given: { type: 'number', exclusiveMaximum: true },
      want: { type: 'number' },
    },
    {
      name: 'example becomes examples, in its place',
      given: { type: 'string', example: 'hi', maxLength: 9 },
      want: { type: 'string', examples: ['hi'], maxLength: 9 },
    },
    {
      name: 'example joins an examples list first (3.1 may hold both)',
      given: { type: 'integer', example: 1, examples: [2] },
      want: { type: 'integer', examples: [1, 2] },
    },
    {
      name: 'example already among the examples is not repeated',
      given: { type: 'object', example: { a: 1 }, examples: [{ a: 1 }] },
      want: { type: 'object', examples: [{ a: 1 }] },
    },
    {
      name: 'examples that is not a list (not JSON Schema) leaves example as written',
      given: { type: 'string', example: 'a', examples: { one: 'b' } },
      want: { type: 'string', example: 'a', examples: { one: 'b' } },
    },
    {
      name: 'a tuple items list becomes prefixItems, additionalItems the items',
      given: { type: 'array', items: [{ type: 'string' }], additionalItems: false },
      want: { type: 'array', prefixItems: [{ type: 'string' }], items: false },
    },
    {
      name: 'every subschema is converted',
      given: {
        type: 'object',
        properties: { a: { type: 'string', nullable: true } },
        additionalProperties: { type: 'integer', minimum: 0, exclusiveMinimum: true },
        allOf: [{ properties: { b: { ...User, nullable: true } } }],
        not: { type: 'boolean', nullable: true },
      },
      want: {
        type: 'object',
        properties: { a: { type: ['string', 'null'] } },
        additionalProperties: { type: 'integer', exclusiveMinimum: 0 },
        allOf: [{ properties: { b: { anyOf: [User, NULL] } } }],
        not: { type: ['boolean', 'null'] },
      },
    },
    {
      name: 'property names are names, not keywords',
      given: { properties: { nullable: { type: 'boolean' }, example: { type: 'string', nullable: true } } },
      want: { properties: { nullable: { type: 'boolean' }, example: { type: ['string', 'null'] } } },
    },
    {
      name: 'data stays data: enum, const, default, examples and extensions',
      given: {
        enum: [{ nullable: true }],
        default: { nullable: true, example: 1 },
        'x-meta': { type: 'string', nullable: true },
      },
      want: {
        enum: [{ nullable: true }],
        default: { nullable: true, example: 1 },
        'x-meta': { type: 'string', nullable: true },
      },
    },
    {
      name: 'readOnly, writeOnly and required are kept as written',
      given: {
        type: 'object',
        required: ['id', 'secret'],
        properties: { id: { type: 'integer', readOnly: true }, secret: { type: 'string', writeOnly: true } },
      },
      want: {
        type: 'object',
        required: ['id', 'secret'],
        properties: { id: { type: 'integer', readOnly: true }, secret: { type: 'string', writeOnly: true } },
      },
    },
    {
      name: 'OpenAPI keywords 3.1 keeps: discriminator, xml, externalDocs',
      given: {
        discriminator: { propertyName: 'kind', mapping: { a: '#/components/schemas/A' } },
        xml: { name: 'pet' },
        externalDocs: { url: 'https://example.com' },
      },
      want: {
        discriminator: { propertyName: 'kind', mapping: { a: '#/components/schemas/A' } },
        xml: { name: 'pet' },
        externalDocs: { url: 'https://example.com' },
      },
    },
    {
      name: '2.0 x-nullable is an extension in a 3.0 spec',
      given: { type: 'string', 'x-nullable': true },
      want: { type: 'string', 'x-nullable': true },
    },
  ];
  for (const c of table) it(c.name, () => expect(toJsonSchema2020(c.given)).toEqual(c.want));
});

describe('toJsonSchema2020: Swagger 2.0 specifics', () => {
  const table: { name: string; given: object; want: object }[] = [
    {
      name: 'x-nullable is nullable',
      given: { type: 'string', 'x-nullable': true },
      want: { type: ['string', 'null'] },
    },
    { name: 'x-nullable: false goes', given: { type: 'string', 'x-nullable': false }, want: { type: 'string' } },
    { name: 'type: file is a binary string', given: { type: 'file' }, want: { type: 'string', format: 'binary' } },
    {
      name: 'a string discriminator names the property',
      given: { type: 'object', discriminator: 'petType' },
      want: { type: 'object', discriminator: { propertyName: 'petType' } },
    },
    {
      name: 'x-nullable beside a $ref',
      given: { $ref: '#/components/schemas/Pet', 'x-nullable': true },
      want: { anyOf: [{ $ref: '#/components/schemas/Pet' }, NULL] },
    },
  ];
  for (const c of table) it(c.name, () => expect(toJsonSchema2020(c.given, { swagger2: true })).toEqual(c.want));
});

describe('toJsonSchema2020: how it converts', () => {
  it('leaves a 2020-12 schema alone, the very same object', () => {
    const given = {
      type: ['string', 'null'],
      exclusiveMinimum: 1,
      prefixItems: [{ const: 'a' }],
      examples: ['x'],
      properties: { a: { $ref: '#/components/schemas/A' } },
    };
    expect(toJsonSchema2020(given)).toBe(given);
  });

  it('copies on write: untouched subschemas are shared, the input never changes', () => {
    const untouched = { type: 'object', properties: { id: { type: 'integer' } } };
    const given = deepFreeze({ type: 'object', properties: { a: untouched, b: { type: 'string', nullable: true } } });
    const got = toJsonSchema2020(given) as { properties: Record<string, unknown> };
    expect(got.properties.a).toBe(untouched);
    expect(got.properties.b).toEqual({ type: ['string', 'null'] });
  });

  it('is idempotent: converting twice gives the first answer', () => {
    const given = { ...User, nullable: true, example: 1, properties: { n: { type: 'number', nullable: true } } };
    const once = toJsonSchema2020(given);
    expect(toJsonSchema2020(once)).toEqual(once);
  });

  it('a recursive schema ($ref to itself) converts without following the $ref', () => {
    const node = { type: 'object', properties: { next: { $ref: '#/components/schemas/Node', nullable: true } } };
    expect(toJsonSchema2020(node)).toEqual({
      type: 'object',
      properties: { next: { anyOf: [{ $ref: '#/components/schemas/Node' }, NULL] } },
    });
  });
});

describe('the model holds JSON Schema 2020-12 only', () => {
  it('no golden model.json has nullable, x-nullable or a boolean exclusive bound', async () => {
    const cases = new URL('../../golden/cases/', import.meta.url);
    for (const name of await readdir(cases)) {
      const text = await readFile(new URL(`${name}/expected/model.json`, cases), 'utf8');
      expect(text, name).not.toMatch(/"(x-)?nullable":/);
      expect(text, name).not.toMatch(/"exclusive(Minimum|Maximum)": (true|false)/);
    }
  });
});

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
