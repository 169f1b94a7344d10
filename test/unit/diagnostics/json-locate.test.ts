import { describe, expect, it } from 'vitest';
import { locateJsonPointers } from '../../../src/diagnostics/json-locate.js';

const at = (text: string, ...pointers: string[][]) => {
  const found = locateJsonPointers(text, pointers);
  return pointers.map((p) => found.get(p.join('\u0000')));
};

describe('locateJsonPointers', () => {
  it('skips strings with escaped quotes and runs of backslashes, and reads escaped keys', () => {
    const text = '{"a": "x\\"}{[", "b\\\\": "y\\\\", "c\\u0041": {"d": ["\\\\\\"]", 1, true]}, "e": null}';
    expect(JSON.parse(text)).toEqual({ a: 'x"}{[', 'b\\': 'y\\', cA: { d: ['\\"]', 1, true] }, e: null });
    const [b, d1, e] = at(text, ['b\\'], ['cA', 'd', '1'], ['e']);
    expect(text.slice(b, b! + 5)).toBe('"b\\\\"');
    expect(text.slice(d1, d1! + 1)).toBe('1');
    expect(text.slice(e, e! + 3)).toBe('"e"');
  });

  it('stops once every pointer is found: what follows is not read', () => {
    const text = '{"paths": {"/a": {"get": {}}}, "components": {"broken": [[[';
    const [get] = at(text, ['paths', '/a', 'get']);
    expect(text.slice(get, get! + 5)).toBe('"get"');
  });

  it('reads on to the end for a pointer that does not exist, and answers its deepest ancestor', () => {
    const text = '{"paths": {"/a": {"get": {}}}, "components": {"schemas": {"S": {}}}}';
    const [missing, schema] = at(text, ['paths', '/a', 'post'], ['components', 'schemas', 'S']);
    expect(text.slice(missing, missing! + 4)).toBe('"/a"');
    expect(text.slice(schema, schema! + 3)).toBe('"S"');
  });
});
