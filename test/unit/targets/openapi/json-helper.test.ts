import { describe, expect, it } from 'vitest';
import { OPENAPI_HELPERS } from '../../../../src/targets/openapi/index.js';
import { jsonPieces, jsonText, nestedJson } from '../../../../src/targets/openapi/json.js';

/** What the `json` helper printed before nestedJson: the value's JSON, each later line indented by `depth` levels. */
const byReplace = (value: unknown, depth: number) =>
  JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);

const VALUES: { name: string; value: object }[] = [
  { name: 'an empty object', value: {} },
  { name: 'an empty array', value: [] },
  {
    name: 'nested objects and arrays',
    value: { a: [1, 'two', { three: [null, true, {}] }], b: { c: [] }, d: 'x\ny "quoted" \\ back' },
  },
  { name: 'keys and values with line breaks and unicode', value: { 'k\ney': ['\u2028', 'é', '😀'], '': { ' ': 0.5 } } },
  { name: 'undefined members, as JSON.stringify drops them', value: { a: undefined, b: [undefined, 1] } },
];

describe('openapi target: the json helper', () => {
  for (const { name, value } of VALUES) {
    for (const depth of [1, 2, 3]) {
      it(`${name}, ${depth} level(s) in: as if each line had been indented`, () =>
        expect(nestedJson(value, depth)).toBe(byReplace(value, depth)));
    }
  }
  it('prints scalars, and values at the top level, as JSON.stringify does', () => {
    const json = OPENAPI_HELPERS.json as (value: unknown, level: unknown) => string;
    expect(json('3.0.3', undefined)).toBe('"3.0.3"');
    expect(json(42, 1)).toBe('42');
    expect(json({ a: [1] }, undefined)).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(json({ a: [1] }, 1)).toBe(byReplace({ a: [1] }, 1));
  });
});

describe('openapi target: the json helper in pieces', () => {
  const more = [
    ...VALUES,
    { name: 'a function and a symbol, left out or null', value: { f: () => 1, s: Symbol('x'), a: [() => 1, 2] } },
    { name: 'only members JSON leaves out', value: { a: undefined, f: () => 1 } },
    { name: 'a toJSON', value: { when: new Date(0), nested: { toJSON: () => 'x' } } },
  ];
  for (const { name, value } of more) {
    for (const depth of [0, 1, 3]) {
      for (const levels of [1, 2, 5]) {
        it(`${name}, ${depth} level(s) in, ${levels} level(s) in pieces: the same text`, () => {
          const pieces = [...jsonPieces(value, depth, levels)];
          expect(pieces.join('')).toBe(jsonText(value, depth));
          expect(pieces.join('')).toBe(depth === 0 ? JSON.stringify(value, null, 2) : byReplace(value, depth));
        });
      }
    }
  }
  it('prints each member of the first levels as a piece of its own', () => {
    const pieces = [...jsonPieces({ '/a': { get: { x: 1 } }, '/b': { put: [1] } }, 1, 1)];
    expect(pieces).toEqual([
      '{\n',
      '    "/a": ',
      '{\n      "get": {\n        "x": 1\n      }\n    }',
      ',\n',
      '    "/b": ',
      '{\n      "put": [\n        1\n      ]\n    }',
      '\n',
      '  }',
    ]);
  });
});
