import { describe, expect, it } from 'vitest';
import { CredentialReader } from '../../../../src/runtime/auth/credential-reader.js';
import { READ_ROWS, SLOTS } from '../../../scenarios/credential-tables.js';

// The rows are shared with the NGINX target's gw-auth.js (test/unit/targets/nginx/gw-auth-js.test.ts).
const reader = new CredentialReader([...SLOTS]);

describe('CredentialReader', () => {
  for (const c of READ_ROWS) {
    it(c.name, () => {
      const url = c.given.url ?? '/';
      expect(reader.read(c.given.headers, url, url.indexOf('?')).slice(0, SLOTS.length)).toEqual(c.want);
    });
  }
});
