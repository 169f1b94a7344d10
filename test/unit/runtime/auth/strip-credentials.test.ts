import { describe, expect, it } from 'vitest';
import {
  redactQueryParams,
  withoutCookies,
  withoutQueryParams,
} from '../../../../src/runtime/auth/strip-credentials.js';
import { REDACT_ROWS, STRIP_COOKIE_ROWS, STRIP_QUERY_ROWS } from '../../../scenarios/credential-tables.js';

// The rows are shared with the NGINX target's gw-auth.js (test/unit/targets/nginx/gw-auth-js.test.ts).
describe('withoutQueryParams', () => {
  for (const c of STRIP_QUERY_ROWS) it(c.name, () => expect(withoutQueryParams(...c.given)).toBe(c.want));
});

describe('withoutCookies', () => {
  for (const c of STRIP_COOKIE_ROWS) it(c.name, () => expect(withoutCookies(...c.given)).toBe(c.want));
});

describe('redactQueryParams (access log)', () => {
  for (const c of REDACT_ROWS) it(c.name, () => expect(redactQueryParams(...c.given)).toBe(c.want));
});
