import { describe, expect, it } from 'vitest';
import { BasicChecker } from '../../../../src/runtime/auth/basic-checker.js';
import type { BcryptPool } from '../../../../src/runtime/auth/bcrypt-pool.js';
import { parseHtpasswd } from '../../../../src/runtime/auth/parse-htpasswd.js';
import { isPromise, type CredentialValue } from '../../../../src/runtime/auth/types.js';

// Hashes of "secret" (public test vectors).
const FILE = [
  'ann:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=',
  'bob:$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/',
  'cat:$2y$04$yU1iS16RRLMQ84nK0u4b5uW.S0tcPCTmf49aCzybFw6R2M9e7y6CS',
  'dän:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=',
].join('\n');
const users = parseHtpasswd(FILE).users;
const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;

describe('BasicChecker', () => {
  const cases: { name: string; given: CredentialValue; want: unknown }[] = [
    { name: '{SHA} user', given: basic('ann:secret'), want: { ok: true, consumer: 'ann', scopes: null } },
    { name: '$apr1$ user', given: basic('bob:secret'), want: { ok: true, consumer: 'bob', scopes: null } },
    { name: 'bcrypt user', given: basic('cat:secret'), want: { ok: true, consumer: 'cat', scopes: null } },
    {
      name: 'a non-ASCII user name is percent-encoded for the header',
      given: basic('dän:secret'),
      want: { ok: true, consumer: 'd%C3%A4n', scopes: null },
    },
    {
      name: 'the scheme name is case-insensitive',
      given: basic('ann:secret').replace('Basic', 'bAsIc'),
      want: { ok: true, consumer: 'ann', scopes: null },
    },
    {
      name: 'the split is at the first colon: the rest is the password',
      given: basic('ann:sec:ret'),
      want: { ok: false, presented: true },
    },
    { name: 'wrong password', given: basic('ann:Secret'), want: { ok: false, presented: true } },
    { name: 'wrong bcrypt password', given: basic('cat:nope'), want: { ok: false, presented: true } },
    { name: 'unknown user', given: basic('eve:secret'), want: { ok: false, presented: true } },
    { name: 'no colon', given: basic('annsecret'), want: { ok: false, presented: true } },
    { name: 'not base64', given: 'Basic %%%', want: { ok: false, presented: true } },
    { name: 'a Bearer header is not basic credentials', given: 'Bearer abc', want: { ok: false, presented: false } },
    { name: 'absent', given: undefined, want: { ok: false, presented: false } },
    { name: 'Authorization twice', given: null, want: { ok: false, presented: true } },
  ];
  for (const c of cases) it(c.name, async () => expect(await new BasicChecker(users).check(c.given)).toEqual(c.want));

  it('remembers verified bcrypt credentials: the second check answers synchronously, until cacheMs passes', async () => {
    let now = 1_000;
    const checker = new BasicChecker(users, { cacheMs: 60_000, now: () => now });
    const first = checker.check(basic('cat:secret'));
    expect(isPromise(first)).toBe(true);
    expect(await first).toMatchObject({ ok: true });
    const second = checker.check(basic('cat:secret'));
    expect(isPromise(second)).toBe(false);
    now += 60_001;
    expect(isPromise(checker.check(basic('cat:secret')))).toBe(true);
  });
  it('never remembers a failure', async () => {
    const checker = new BasicChecker(users);
    expect(await checker.check(basic('cat:nope'))).toMatchObject({ ok: false });
    expect(isPromise(checker.check(basic('cat:nope')))).toBe(true);
  });
  it('shares one bcrypt check between concurrent requests with the same credentials', () => {
    const checker = new BasicChecker(users);
    expect(checker.check(basic('cat:secret'))).toBe(checker.check(basic('cat:secret')));
  });
  it('issue 10 item 10: checks a user the file does not have against a decoy of the costliest hash, never answering at once', async () => {
    const checker = new BasicChecker(users);
    const unknown = checker.check(basic('eve:secret'));
    expect(isPromise(unknown)).toBe(true);
    expect(await unknown).toEqual({ ok: false, presented: true });
  });
  it('answers busy (not invalid) when the bcrypt pool cannot take the check', async () => {
    const full = { verify: async () => 'busy' as const } as unknown as BcryptPool;
    const checker = new BasicChecker(users, { pool: full });
    expect(await checker.check(basic('cat:secret'))).toEqual({ ok: false, presented: true, busy: true });
    // Not remembered: the next try checks again.
    expect(isPromise(checker.check(basic('cat:secret')))).toBe(true);
  });
  it('keeps at most cacheSize entries, dropping the oldest', async () => {
    const checker = new BasicChecker(users, { cacheSize: 1 });
    await checker.check(basic('cat:secret'));
    await checker.check(basic('ann:secret'));
    expect(isPromise(checker.check(basic('cat:secret')))).toBe(true);
  });
});
