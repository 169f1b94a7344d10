import { describe, expect, it } from 'vitest';
import { nestedJson, OPENAPI_HELPERS } from '../../../../src/targets/openapi/index.js';

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
