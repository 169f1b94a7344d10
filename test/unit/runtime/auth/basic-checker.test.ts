import { describe, expect, it } from 'vitest';
import { BasicChecker } from '../../../../src/runtime/auth/basic-checker.js';
import type { BcryptPool } from '../../../../src/runtime/auth/bcrypt-pool.js';
import { parseHtpasswd } from '../../../../src/runtime/auth/parse-htpasswd.js';
import { isPromise } from '../../../../src/runtime/auth/types.js';
import { BASIC_ROWS, basic, HTPASSWD_FILE } from '../../../scenarios/credential-tables.js';

// The rows are shared with the NGINX target's gw-auth.js (test/unit/targets/nginx/gw-auth-js.test.ts).
const users = parseHtpasswd(HTPASSWD_FILE).users;

describe('BasicChecker', () => {
  for (const c of BASIC_ROWS)
    it(c.name, async () => expect(await new BasicChecker(users).check(c.given)).toEqual(c.want));

  it('remembers verified bcrypt credentials: a second check answers synchronously until cacheMs passes', async () => {
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
  it('issue 10 item 10: an unknown user is checked against a decoy of the costliest hash, never at once', async () => {
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
