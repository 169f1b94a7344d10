import { describe, expect, it } from 'vitest';
import { ApiKeyChecker } from '../../../../src/runtime/auth/api-key-checker.js';
import { parseKeys } from '../../../../src/runtime/auth/parse-keys.js';
import { API_KEY_ROWS, KEYS_FILE } from '../../../scenarios/credential-tables.js';

// The rows are shared with the NGINX target's gw-auth.js (test/unit/targets/nginx/gw-auth-js.test.ts).
const checker = new ApiKeyChecker(parseKeys(KEYS_FILE, 'file').keys);

describe('ApiKeyChecker', () => {
  for (const c of API_KEY_ROWS) it(c.name, () => expect(checker.check(c.given)).toEqual(c.want));

  it('answers synchronously and hands out the same result object each time (no allocation per request)', () => {
    expect(checker.check('k-alice-0123456789')).toBe(checker.check('k-alice-0123456789'));
  });
});
