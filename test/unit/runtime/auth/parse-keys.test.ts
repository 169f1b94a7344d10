import { describe, expect, it } from 'vitest';
import { parseKeys } from '../../../../src/runtime/auth/parse-keys.js';

describe('parseKeys', () => {
  const cases: {
    name: string;
    given: [string, 'file' | 'env'];
    want: { keys?: { consumer: string | null; key: string }[]; problems?: string[] };
  }[] = [
    {
      name: 'a file: named and bare keys, comments and blank lines',
      given: ['# keys\nalice:k1\n\n  k2  \nbob: k3\r\n', 'file'],
      want: {
        keys: [
          { consumer: 'alice', key: 'k1' },
          { consumer: null, key: 'k2' },
          { consumer: 'bob', key: 'k3' },
        ],
      },
    },
    {
      name: 'a variable: comma-separated entries',
      given: ['alice:k1, k2,bob:k3', 'env'],
      want: {
        keys: [
          { consumer: 'alice', key: 'k1' },
          { consumer: null, key: 'k2' },
          { consumer: 'bob', key: 'k3' },
        ],
      },
    },
    {
      name: 'the split is at the first colon',
      given: ['svc:a:b', 'file'],
      want: { keys: [{ consumer: 'svc', key: 'a:b' }] },
    },
    {
      name: 'a repeated key is a problem naming both lines, not the key',
      given: ['a:same\nb:same\n', 'file'],
      want: { problems: ['line 2 repeats the key of line 1'] },
    },
    {
      name: 'an empty consumer or key',
      given: [':k\nalice:\n', 'file'],
      want: { problems: ['line 1 has an empty consumer name before ":"', 'line 2 has no key after "alice:"'] },
    },
    {
      name: 'a key with a space',
      given: ['alice:a b', 'file'],
      want: { problems: ['line 1 has a key with a space or comma in it'] },
    },
    {
      name: 'a consumer with a space',
      given: ['al ice:k', 'env'],
      want: { problems: ['entry 1 has a consumer name with spaces or non-ASCII characters'] },
    },
    {
      name: 'no keys at all (file)',
      given: ['# nothing\n', 'file'],
      want: { problems: ['holds no keys (one `consumer:key` or `key` per line)'] },
    },
    {
      name: 'no keys at all (variable)',
      given: [' , ', 'env'],
      want: { problems: ['holds no keys (`consumer:key,consumer2:key2`)'] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = parseKeys(...c.given);
      expect(got.problems).toEqual(c.want.problems ?? []);
      if (c.want.keys) expect(got.keys).toEqual(c.want.keys);
    });
  }
});
