import { describe, expect, it } from 'vitest';
import type { HtpasswdEntry } from '../../../../src/runtime/auth/parse-htpasswd.js';
import { verifyPassword } from '../../../../src/runtime/auth/verify-password.js';

// Hashes of the word "secret" (public test vectors): htpasswd -s, -m, -B.
const HASHES: Record<HtpasswdEntry['kind'], string> = {
  sha: '{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=',
  apr1: '$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/',
  bcrypt: '$2y$04$yU1iS16RRLMQ84nK0u4b5uW.S0tcPCTmf49aCzybFw6R2M9e7y6CS',
};

describe('verifyPassword', () => {
  const cases: { name: string; given: { kind: HtpasswdEntry['kind']; password: string }; want: { ok: boolean; sync: boolean } }[] = [
    { name: '{SHA}: the right password, at once', given: { kind: 'sha', password: 'secret' }, want: { ok: true, sync: true } },
    { name: '{SHA}: a wrong one', given: { kind: 'sha', password: 'Secret' }, want: { ok: false, sync: true } },
    { name: '$apr1$: the right password, at once', given: { kind: 'apr1', password: 'secret' }, want: { ok: true, sync: true } },
    { name: '$apr1$: a wrong one', given: { kind: 'apr1', password: 'secret ' }, want: { ok: false, sync: true } },
    { name: 'bcrypt $2y$: the right password, as a promise', given: { kind: 'bcrypt', password: 'secret' }, want: { ok: true, sync: false } },
    { name: 'bcrypt: a wrong one', given: { kind: 'bcrypt', password: 'secrets' }, want: { ok: false, sync: false } },
    { name: 'bcrypt: an empty password', given: { kind: 'bcrypt', password: '' }, want: { ok: false, sync: false } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const got = verifyPassword(c.given.password, { kind: c.given.kind, hash: HASHES[c.given.kind] });
      expect(typeof got === 'boolean').toBe(c.want.sync);
      expect(await got).toBe(c.want.ok);
    });
  }
});
