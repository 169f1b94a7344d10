import { describe, expect, it } from 'vitest';
import { parseHtpasswd } from '../../../../src/runtime/auth/parse-htpasswd.js';

const SHA = '{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ='; // "secret"
const BCRYPT = '$2y$04$yU1iS16RRLMQ84nK0u4b5uW.S0tcPCTmf49aCzybFw6R2M9e7y6CS'; // "secret"
const APR1 = '$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/';

describe('parseHtpasswd', () => {
  const cases: { name: string; given: string; want: { users?: Record<string, string>; problems?: string[] } }[] = [
    {
      name: 'one user per hash format, comments and blank lines skipped',
      given: `# users\nann:${SHA}\n\nbob:${APR1}\ncat:${BCRYPT}\n`,
      want: { users: { ann: 'sha', bob: 'apr1', cat: 'bcrypt' } },
    },
    {
      name: "Apache's third field (a comment) is ignored",
      given: `ann:${SHA}:Ann Example\n`,
      want: { users: { ann: 'sha' } },
    },
    {
      name: 'crypt(3) DES and plain text are refused, naming the user and line, never the hash',
      given: 'old:rl0P6t3x6Yx2s\nplain:secret\n',
      want: {
        problems: [
          'line 1: the hash of user "old" is in a format gw cannot check (use {SHA}, bcrypt $2y$ or ' +
            '$apr1$: htpasswd -B, -s or -m)',
          'line 2: the hash of user "plain" is in a format gw cannot check (use {SHA}, bcrypt $2y$ or ' +
            '$apr1$: htpasswd -B, -s or -m)',
        ],
      },
    },
    {
      name: 'SHA-512 crypt ($6$) is refused',
      given: '$x:$6$salt$hash\nann:$6$abc$def\n',
      want: {
        problems: [
          'line 1: the hash of user "$x" is in a format gw cannot check (use {SHA}, bcrypt $2y$ or $apr1$: ' +
            'htpasswd -B, -s or -m)',
          'line 2: the hash of user "ann" is in a format gw cannot check (use {SHA}, bcrypt $2y$ or ' +
            '$apr1$: htpasswd -B, -s or -m)',
        ],
      },
    },
    { name: 'a line without a colon', given: 'ann\n', want: { problems: ['line 1 is not `user:hash`'] } },
    {
      name: 'a repeated user',
      given: `ann:${SHA}\nann:${APR1}\n`,
      want: { problems: ['line 2 repeats the user "ann"'] },
    },
    { name: 'an empty file', given: '\n', want: { problems: ['holds no users (one `user:hash` per line)'] } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = parseHtpasswd(c.given);
      expect(got.problems).toEqual(c.want.problems ?? []);
      if (c.want.users) expect(Object.fromEntries([...got.users].map(([u, e]) => [u, e.kind]))).toEqual(c.want.users);
    });
  }
});
