import { describe, expect, it } from 'vitest';
import type { HtpasswdEntry } from '../../../../src/runtime/auth/parse-htpasswd.js';
import { decoyEntry, verifyPassword } from '../../../../src/runtime/auth/verify-password.js';

// Hashes of the word "secret" (public test vectors): htpasswd -s, -m, -B.
const HASHES: Record<HtpasswdEntry['kind'], string> = {
  sha: '{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=',
  apr1: '$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/',
  bcrypt: '$2y$04$yU1iS16RRLMQ84nK0u4b5uW.S0tcPCTmf49aCzybFw6R2M9e7y6CS',
};

describe('verifyPassword', () => {
  const cases: {
    name: string;
    given: { kind: HtpasswdEntry['kind']; password: string };
    want: { ok: boolean; sync: boolean };
  }[] = [
    {
      name: '{SHA}: the right password, at once',
      given: { kind: 'sha', password: 'secret' },
      want: { ok: true, sync: true },
    },
    { name: '{SHA}: a wrong one', given: { kind: 'sha', password: 'Secret' }, want: { ok: false, sync: true } },
    {
      name: '$apr1$: the right password, at once',
      given: { kind: 'apr1', password: 'secret' },
      want: { ok: true, sync: true },
    },
    { name: '$apr1$: a wrong one', given: { kind: 'apr1', password: 'secret ' }, want: { ok: false, sync: true } },
    {
      name: 'bcrypt $2y$: the right password, as a promise',
      given: { kind: 'bcrypt', password: 'secret' },
      want: { ok: true, sync: false },
    },
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

describe('decoyEntry: what an unknown user is checked against', () => {
  const entry = (kind: HtpasswdEntry['kind'], hash: string): HtpasswdEntry => ({ kind, hash });
  const cases: { name: string; given: HtpasswdEntry[]; want: RegExp | undefined }[] = [
    { name: 'no users: none', given: [], want: undefined },
    { name: '{SHA} only: a {SHA} hash', given: [entry('sha', HASHES.sha)], want: /^\{SHA\}[A-Za-z0-9+/]{27}=$/ },
    {
      name: '$apr1$ costs more than {SHA}',
      given: [entry('sha', HASHES.sha), entry('apr1', HASHES.apr1)],
      want: /^\$apr1\$[./A-Za-z0-9]{8}\$[./A-Za-z0-9]{22}$/,
    },
    {
      name: 'bcrypt at the highest cost in the file',
      given: [entry('bcrypt', `$2y$12$${'a'.repeat(53)}`), entry('apr1', HASHES.apr1), entry('bcrypt', HASHES.bcrypt)],
      want: /^\$2b\$12\$[./A-Za-z0-9]{53}$/,
    },
  ];
  for (const c of cases)
    it(c.name, () =>
      c.want ? expect(decoyEntry(c.given)?.hash).toMatch(c.want) : expect(decoyEntry(c.given)).toBeUndefined(),
    );
  it('is a hash bcrypt checks (and no password matches), made anew each time', async () => {
    const decoy = decoyEntry([entry('bcrypt', HASHES.bcrypt)])!;
    expect(await verifyPassword('secret', decoy)).toBe(false);
    expect(decoyEntry([entry('bcrypt', HASHES.bcrypt)])!.hash).not.toBe(decoy.hash);
  });
});
