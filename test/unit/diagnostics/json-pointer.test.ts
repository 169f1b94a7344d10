import { describe, expect, it } from 'vitest';
import {
  escapePointerToken,
  formatPointer,
  parsePointer,
  unescapePointerToken,
} from '../../../src/diagnostics/json-pointer.js';

describe('escapePointerToken / unescapePointerToken', () => {
  const cases: { name: string; key: string; token: string }[] = [
    { name: 'a plain key', key: 'get', token: 'get' },
    { name: 'a path', key: '/users/{id}', token: '~1users~1{id}' },
    { name: 'a tilde', key: 'a~b', token: 'a~0b' },
    { name: 'a tilde before a 1 stays a tilde', key: '~1', token: '~01' },
    { name: 'both, in order', key: '/~/', token: '~1~0~1' },
    { name: 'the empty key', key: '', token: '' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(escapePointerToken(c.key)).toBe(c.token);
      expect(unescapePointerToken(c.token)).toBe(c.key);
    });
  }
  it('writes an array index as its digits', () => expect(escapePointerToken(3)).toBe('3'));
});

describe('formatPointer / parsePointer', () => {
  const cases: { name: string; segments: string[]; pointer: string }[] = [
    { name: 'the whole document', segments: [], pointer: '#' },
    { name: 'an operation', segments: ['paths', '/users', 'get'], pointer: '#/paths/~1users/get' },
    { name: 'an empty key', segments: ['a', ''], pointer: '#/a/' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(formatPointer(c.segments)).toBe(c.pointer);
      expect(parsePointer(c.pointer)).toEqual(c.segments);
    });
  }
  it('reads a pointer without the leading #', () => expect(parsePointer('/a/~0b')).toEqual(['a', '~b']));
});
