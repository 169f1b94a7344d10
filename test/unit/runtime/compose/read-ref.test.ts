import { describe, expect, it } from 'vitest';
import { buildShape, readRef, select, type RefValues } from '../../../../src/runtime/compose/read-ref.js';

const orders = { orders: [{ items: [{ sku: 'a' }, { sku: 'b' }] }, { items: [] }, { items: [{ sku: 'c' }] }] };

describe('select: a JSON Pointer with * at run time', () => {
  const table = [
    { name: 'a member', value: { a: { b: 1 } }, pointer: ['a', 'b'], want: 1 },
    { name: 'an element', value: [10, 20], pointer: ['1'], want: 20 },
    {
      name: 'every element, flattened over two *',
      value: orders,
      pointer: ['orders', '*', 'items', '*', 'sku'],
      want: ['a', 'b', 'c'],
    },
    {
      name: 'every element of one level',
      value: orders,
      pointer: ['orders', '*', 'items'],
      want: [[{ sku: 'a' }, { sku: 'b' }], [], [{ sku: 'c' }]],
    },
    { name: 'a missing member', value: { a: 1 }, pointer: ['b'], want: undefined },
    { name: 'no inherited member', value: {}, pointer: ['constructor'], want: undefined },
    { name: '* over something else', value: { a: 1 }, pointer: ['a', '*'], want: undefined },
  ];
  for (const t of table) it(t.name, () => expect(select(t.value, t.pointer)).toEqual(t.want));
});

function values(steps: Record<string, unknown>): RefValues {
  return {
    path: (n) => ({ id: '7' })[n],
    query: () => undefined,
    header: () => undefined,
    body: () => undefined,
    step: (n) => steps[n],
    item: undefined,
  };
}

describe('readRef and buildShape', () => {
  it('a reference into a failed optional step (null) is null', () => {
    expect(readRef({ kind: 'step', step: 'orders', pointer: ['orders'] }, values({ orders: null }))).toBeNull();
  });
  it('picks, renames, nests and merges; members without a value are left out', () => {
    const got = buildShape(
      {
        kind: 'object',
        merge: [{ kind: 'step', step: 'user', pointer: [] }],
        members: [
          { name: 'id', shape: { kind: 'ref', ref: { kind: 'request', part: 'path', name: 'id', pointer: [] } } },
          { name: 'gone', shape: { kind: 'ref', ref: { kind: 'step', step: 'user', pointer: ['nothing'] } } },
          {
            name: 'nested',
            shape: {
              kind: 'object',
              merge: [],
              members: [{ name: 'n', shape: { kind: 'ref', ref: { kind: 'value', value: 1 } } }],
            },
          },
        ],
      },
      values({ user: { name: 'Ada', id: 'overwritten' } }),
    );
    expect(JSON.stringify(got)).toBe('{"name":"Ada","id":"7","nested":{"n":1}}');
  });
  it('a member named __proto__ stays a member', () => {
    const got = buildShape(
      {
        kind: 'object',
        merge: [],
        members: [{ name: '__proto__', shape: { kind: 'ref', ref: { kind: 'value', value: { x: 1 } } } }],
      },
      values({}),
    ) as Record<string, unknown>;
    expect(JSON.stringify(got)).toBe('{"__proto__":{"x":1}}');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
