import { describe, expect, it } from 'vitest';
import { ApiKeyChecker } from '../../../../src/runtime/auth/api-key-checker.js';
import type { CredentialValue } from '../../../../src/runtime/auth/types.js';

const checker = new ApiKeyChecker([
  { consumer: 'alice', key: 'k-alice-0123456789' },
  { consumer: null, key: 'k-bare-0123456789' },
]);

describe('ApiKeyChecker', () => {
  const cases: { name: string; given: CredentialValue; want: unknown }[] = [
    {
      name: 'a named key: its consumer',
      given: 'k-alice-0123456789',
      want: { ok: true, consumer: 'alice', scopes: null },
    },
    { name: 'a bare key: no consumer', given: 'k-bare-0123456789', want: { ok: true, consumer: null, scopes: null } },
    { name: 'absent: not presented', given: undefined, want: { ok: false, presented: false } },
    { name: 'sent twice: refused as presented', given: null, want: { ok: false, presented: true } },
    { name: 'empty: refused', given: '', want: { ok: false, presented: true } },
    { name: 'a prefix of a key', given: 'k-alice-012345678', want: { ok: false, presented: true } },
    { name: 'a key with one more character', given: 'k-alice-0123456789x', want: { ok: false, presented: true } },
    { name: 'another case', given: 'K-ALICE-0123456789', want: { ok: false, presented: true } },
  ];
  for (const c of cases) it(c.name, () => expect(checker.check(c.given)).toEqual(c.want));

  it('answers synchronously and hands out the same result object each time (no allocation per request)', () => {
    expect(checker.check('k-alice-0123456789')).toBe(checker.check('k-alice-0123456789'));
  });
});
