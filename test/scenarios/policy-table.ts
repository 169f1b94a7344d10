import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ImportedScheme } from '../../src/model/fragment.js';
import type { SecurityRequirement } from '../../src/model/types.js';
import type { Row } from './credential-tables.js';

/**
 * A route's security requirements as OpenAPI means them (OR of requirements, AND inside one,
 * scopes, `{}` for optional), with the answers and challenges each plane gives. One table for
 * gw serve's AuthCompiler (test/unit/runtime/auth/auth-compiler.test.ts) and the NGINX target's
 * gw-auth.js (test/unit/targets/nginx/gw-auth-js.test.ts). The secrets are texts both read their
 * own way: environment variables and a file relative to the base folder.
 */
export const GATEWAY_NAME = 'gw "test"';

const src = { file: 's.yaml', pointer: '#' };
/** A security scheme `s.<name>` of service s (an apiKey scheme without credentials unless `s` says otherwise). */
export const scheme = (name: string, s: Partial<ImportedScheme>): ImportedScheme => ({
  id: `s.${name}`,
  service: 's',
  name,
  type: 'apiKey',
  credentials: null,
  source: src,
  ...s,
});

export const SCHEMES: ImportedScheme[] = [
  scheme('key', { in: 'header', paramName: 'X-Api-Key', credentials: { kind: 'keys', source: { env: 'K' } } }),
  scheme('qkey', { in: 'query', paramName: 'api_key', credentials: { kind: 'keys', source: { env: 'Q' } } }),
  scheme('ckey', { in: 'cookie', paramName: 'key', credentials: { kind: 'keys', source: { env: 'C' } } }),
  scheme('basic', { type: 'http', scheme: 'basic', credentials: { kind: 'htpasswd', source: { file: 'h' } } }),
  scheme('unset', { type: 'http', scheme: 'basic' }),
  scheme('mtls', { type: 'mutualTLS' }),
  scheme('token', {
    type: 'oauth2',
    credentials: {
      kind: 'jwt',
      issuer: null,
      audiences: [],
      algorithms: ['HS256'],
      jwks: null,
      secret: { env: 'S' },
      clockSkewMs: 0,
    },
  }),
];

const TOKEN_SECRET = '0123456789abcdef0123456789abcdef-test-only';

/** The environment variables the schemes read. */
export const SECRET_ENV = { K: 'alice:ka,kb', Q: 'quinn:kq', C: 'cora:kc', S: TOKEN_SECRET };
/** The files the schemes read, by path relative to the base folder. */
export const SECRET_FILES = { h: `bob:{SHA}${createHash('sha1').update('pw').digest('base64')}` };

export const req = (...schemes: (string | [string, string[]])[]): SecurityRequirement => ({
  schemes: schemes.map((s) =>
    typeof s === 'string' ? { scheme: `s.${s}`, scopes: [] } : { scheme: `s.${s[0]}`, scopes: s[1] },
  ),
});

export type PolicyAnswer =
  | { ok: true; consumer: string | null }
  | { ok: false; code: 'GW_HTTP_UNAUTHORIZED' | 'GW_HTTP_FORBIDDEN'; detail: string; challenge: string };

/** A request to a route with `security`: its header list (name, value, name, value...) and URL. */
export type PolicyRow = Row<{ security: SecurityRequirement[]; headers?: string[]; url?: string }, PolicyAnswer>;

const jwt = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(TOKEN_SECRET));
const bearer = async (claims: Record<string, unknown>) => ['Authorization', `Bearer ${await jwt(claims)}`];
const basic = (up: string) => `Basic ${Buffer.from(up).toString('base64')}`;

const KEY_CHALLENGE = 'ApiKey realm="gw \\"test\\"", in="header", name="X-Api-Key"';
const BASIC_CHALLENGE = 'Basic realm="gw \\"test\\"", charset="UTF-8"';
const REALM = 'realm="gw \\"test\\""';
const unauthorized = (detail: string, challenge: string): PolicyAnswer => ({
  ok: false,
  code: 'GW_HTTP_UNAUTHORIZED',
  detail,
  challenge,
});
const forbidden = (detail: string, challenge: string): PolicyAnswer => ({
  ok: false,
  code: 'GW_HTTP_FORBIDDEN',
  detail,
  challenge,
});
const KEY_NEEDED = 'this operation needs an API key in the X-Api-Key header';

export const POLICY_ROWS: PolicyRow[] = [
  {
    name: 'one scheme: a good key passes with its consumer',
    given: { security: [req('key')], headers: ['X-Api-Key', 'ka'] },
    want: { ok: true, consumer: 'alice' },
  },
  {
    name: 'one scheme: nothing sent is 401 "missing"',
    given: { security: [req('key')] },
    want: unauthorized(KEY_NEEDED, KEY_CHALLENGE),
  },
  {
    name: 'one scheme: a bad key is 401 "invalid"',
    given: { security: [req('key')], headers: ['X-Api-Key', 'nope'] },
    want: unauthorized(`the credentials sent are not valid; ${KEY_NEEDED}`, KEY_CHALLENGE),
  },
  {
    name: 'OR: the second requirement passes',
    given: { security: [req('key'), req('basic')], headers: ['Authorization', basic('bob:pw')] },
    want: { ok: true, consumer: 'bob' },
  },
  {
    name: 'OR: nothing passes, one challenge per scheme',
    given: { security: [req('key'), req('basic')] },
    want: unauthorized(`${KEY_NEEDED}, or HTTP basic credentials`, `${KEY_CHALLENGE}, ${BASIC_CHALLENGE}`),
  },
  {
    name: "AND: both pass; the consumer is the first scheme's",
    given: { security: [req('key', 'basic')], headers: ['X-Api-Key', 'ka', 'Authorization', basic('bob:pw')] },
    want: { ok: true, consumer: 'alice' },
  },
  {
    name: "AND: a bare key takes the next scheme's consumer",
    given: { security: [req('key', 'basic')], headers: ['X-Api-Key', 'kb', 'Authorization', basic('bob:pw')] },
    want: { ok: true, consumer: 'bob' },
  },
  {
    name: 'AND: one missing is 401',
    given: { security: [req('key', 'basic')], headers: ['X-Api-Key', 'ka'] },
    want: unauthorized(`${KEY_NEEDED} and HTTP basic credentials`, `${KEY_CHALLENGE}, ${BASIC_CHALLENGE}`),
  },
  {
    name: 'a query key',
    given: { security: [req('qkey')], url: '/x?a=1&api_key=kq' },
    want: { ok: true, consumer: 'quinn' },
  },
  {
    name: 'a cookie key',
    given: { security: [req('ckey')], headers: ['Cookie', 'a=1; key=kc'] },
    want: { ok: true, consumer: 'cora' },
  },
  {
    name: 'a scheme without credentials refuses everything (fail closed)',
    given: { security: [req('unset')], headers: ['Authorization', basic('bob:pw')] },
    want: unauthorized('this operation needs HTTP basic credentials', BASIC_CHALLENGE),
  },
  {
    name: 'mutualTLS cannot be checked: 401 without a challenge',
    given: { security: [req('mtls')] },
    want: unauthorized('this operation needs a client certificate', ''),
  },
  {
    name: 'an empty requirement ({}) makes auth optional',
    given: { security: [{ schemes: [] }, req('key')] },
    want: { ok: true, consumer: null },
  },
  {
    name: 'optional auth still names a caller who sends a key',
    given: { security: [{ schemes: [] }, req('key')], headers: ['X-Api-Key', 'ka'] },
    want: { ok: true, consumer: 'alice' },
  },
  {
    name: 'roles (scopes) on a key scheme cannot be proven: 403',
    given: { security: [req(['key', ['admin']])], headers: ['X-Api-Key', 'ka'] },
    want: forbidden('the credentials are valid but lack the scope this operation needs: admin', ''),
  },
  {
    name: 'a token with the scopes',
    given: { security: [req(['token', ['read']])], headers: await bearer({ sub: 'u', scope: 'read write' }) },
    want: { ok: true, consumer: 'u' },
  },
  {
    name: 'a scope is missing: 403 insufficient_scope naming the scopes',
    given: { security: [req(['token', ['read', 'admin']])], headers: await bearer({ sub: 'u', scope: 'read' }) },
    want: forbidden(
      'the credentials are valid but lack the scopes this operation needs: read admin',
      `Bearer ${REALM}, error="insufficient_scope", scope="read admin"`,
    ),
  },
  {
    name: 'no token: 401 with a plain Bearer challenge',
    given: { security: [req(['token', ['read']])] },
    want: unauthorized('this operation needs a bearer token with the scope read', `Bearer ${REALM}`),
  },
  {
    name: 'a bad token: 401 invalid_token',
    given: { security: [req(['token', ['read']])], headers: ['Authorization', 'Bearer x.y.z'] },
    want: unauthorized(
      'the bearer token is not valid (signature, issuer, audience or lifetime); this operation needs a ' +
        'bearer token with the scope read',
      `Bearer ${REALM}, error="invalid_token"`,
    ),
  },
  {
    name: 'OR: a scope-less requirement passes where the scoped one would be 403',
    given: { security: [req(['token', ['admin']]), req('token')], headers: await bearer({ sub: 'u' }) },
    want: { ok: true, consumer: 'u' },
  },
  {
    name: 'OR: 403 wins over a 401 of another requirement',
    given: { security: [req('key'), req(['token', ['admin']])], headers: await bearer({ sub: 'u' }) },
    want: forbidden(
      'the credentials are valid but lack the scope this operation needs: admin',
      `Bearer ${REALM}, error="insufficient_scope", scope="admin"`,
    ),
  },
  {
    name: 'a synchronous pass does not wait for a token check',
    given: { security: [req('key'), req('token')], headers: ['X-Api-Key', 'ka', 'Authorization', 'Bearer x.y.z'] },
    want: { ok: true, consumer: 'alice' },
  },
];
