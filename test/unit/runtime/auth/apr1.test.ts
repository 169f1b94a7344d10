import { describe, expect, it } from 'vitest';
import { apr1Crypt } from '../../../../src/runtime/auth/apr1.js';
import { APR1_ROWS } from '../../../scenarios/credential-tables.js';

// The rows are shared with the NGINX target's gw-auth.js (test/unit/targets/nginx/gw-auth-js.test.ts).
describe('apr1Crypt', () => {
  for (const c of APR1_ROWS) it(c.name, () => expect(apr1Crypt(c.given.password, c.given.salt)).toBe(c.want));

  it('uses at most 8 salt characters', () => {
    expect(apr1Crypt('secret', 'abcdefghIJKL')).toBe('$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/');
  });
});
