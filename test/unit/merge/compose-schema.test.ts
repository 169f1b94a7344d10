import { describe, expect, it } from 'vitest';
import { inlineSchema, schemaAt, typesFit } from '../../../src/merge/compose-schema.js';

const order = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } },
  },
};
const list = { type: 'object', properties: { orders: { type: 'array', items: order } } };

describe('schemaAt: the schema of what a pointer selects', () => {
  const table = [
    { name: 'a member', pointer: ['orders'], want: { schema: list.properties.orders } },
    { name: 'an element by index', pointer: ['orders', '0', 'id'], want: { schema: { type: 'string' } } },
    {
      name: 'every element: one flat array, however many *',
      pointer: ['orders', '*', 'items', '*', 'sku'],
      want: { schema: { type: 'array', items: { type: 'string' } } },
    },
    { name: 'a member the schema lacks', pointer: ['order'], want: { missing: 'order', known: ['orders'] } },
    { name: 'below an unknown schema', pointer: ['orders', '0', 'id', 'x'], want: { schema: undefined } },
  ];
  for (const { name, pointer, want } of table) it(name, () => expect(schemaAt(list, pointer)).toEqual(want));
  it('an object that allows other members lets any pointer through', () => {
    expect(schemaAt({ ...list, additionalProperties: true }, ['other'])).toEqual({ schema: undefined });
  });
});

describe('typesFit: an input value for a parameter', () => {
  const table: [string | undefined, string | undefined, boolean][] = [
    ['integer', 'integer', true],
    ['integer', 'number', true],
    ['number', 'integer', false],
    ['integer', 'string', true],
    ['string', 'integer', false],
    ['object', 'string', false],
    [undefined, 'integer', true],
  ];
  for (const [from, to, want] of table) it(`${from} -> ${to}: ${want}`, () => expect(typesFit(from, to)).toBe(want));
});

describe('inlineSchema', () => {
  it('replaces $refs with what they point at and stops at a circle', () => {
    const components: Record<string, unknown> = {
      '#/components/schemas/Node': { type: 'object', properties: { next: { $ref: '#/components/schemas/Node' } } },
    };
    const got = inlineSchema({ $ref: '#/components/schemas/Node' }, (r) => components[r] as never);
    expect(got).toEqual({ type: 'object', properties: { next: {} } });
  });
});
