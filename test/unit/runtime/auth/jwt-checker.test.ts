import { createLocalJWKSet } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwtChecker, type JwtCheckerConfig } from '../../../../src/runtime/auth/jwt-checker.js';
import { JWKS, JWT_ROWS, JWT_SECRET_TEXT, JWT_SETUP, NOW, type JwtSetup } from '../../../scenarios/jwt-table.js';

/** A row's JWT settings as gw serve configures JwtChecker (a URL's key set is a fetcher, as remote-jwks.ts makes). */
function configOf(setup: JwtSetup): JwtCheckerConfig {
  const { issuer, audiences, algorithms, clockSkewMs } = setup;
  const keys = setup.keys === 'file' ? JWKS : setup.keys === 'url' ? createLocalJWKSet(JWKS) : null;
  const secret = setup.secret ? new TextEncoder().encode(JWT_SECRET_TEXT) : null;
  return { issuer, audiences, algorithms, clockSkewMs, secret, keys, now: () => NOW * 1000 };
}

// The rows are shared with the NGINX target's gw-auth.js (test/unit/targets/nginx/gw-auth-js.test.ts).
describe('JwtChecker', () => {
  for (const c of JWT_ROWS) {
    it(c.name, async () => {
      const checker = new JwtChecker(configOf({ ...JWT_SETUP, ...c.setup }));
      expect(await checker.check(await c.given())).toEqual(c.want);
    });
  }
});
