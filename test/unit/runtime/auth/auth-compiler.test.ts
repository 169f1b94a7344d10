import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportedScheme } from '../../../../src/model/fragment.js';
import type { Gateway, Route, SecurityRequirement } from '../../../../src/model/types.js';
import { AuthCompiler } from '../../../../src/runtime/auth/auth-compiler.js';
import type { BcryptPool } from '../../../../src/runtime/auth/bcrypt-pool.js';
import type { AuthSecrets } from '../../../../src/runtime/auth/load-auth-secrets.js';
import { parseHtpasswd } from '../../../../src/runtime/auth/parse-htpasswd.js';
import { MemoryStore } from '../../../../src/runtime/rate-limit/memory-store.js';
import { route, settle } from '../../../helpers/routes.js';

const src = { file: 's.yaml', pointer: '#' };
const scheme = (name: string, s: Partial<ImportedScheme>): ImportedScheme => ({
  id: `s.${name}`,
  service: 's',
  name,
  type: 'apiKey',
  credentials: null,
  source: src,
  ...s,
});
const SCHEMES = [
  scheme('key', {
    type: 'apiKey',
    in: 'header',
    paramName: 'X-Api-Key',
    credentials: { kind: 'keys', source: { env: 'K' } },
  }),
  scheme('qkey', {
    type: 'apiKey',
    in: 'query',
    paramName: 'api_key',
    credentials: { kind: 'keys', source: { env: 'Q' } },
  }),
  scheme('ckey', {
    type: 'apiKey',
    in: 'cookie',
    paramName: 'key',
    credentials: { kind: 'keys', source: { env: 'C' } },
  }),
  scheme('basic', { type: 'http', scheme: 'basic', credentials: { kind: 'htpasswd', source: { file: 'h' } } }),
  scheme('unset', { type: 'http', scheme: 'basic' }),
  scheme('mtls', { type: 'mutualTLS' }),
];
const SECRETS: AuthSecrets = new Map([
  [
    's.key',
    {
      kind: 'keys',
      keys: [
        { consumer: 'alice', key: 'ka' },
        { consumer: null, key: 'kb' },
      ],
    },
  ],
  ['s.qkey', { kind: 'keys', keys: [{ consumer: 'quinn', key: 'kq' }] }],
  ['s.ckey', { kind: 'keys', keys: [{ consumer: 'cora', key: 'kc' }] }],
  [
    's.basic',
    { kind: 'htpasswd', users: parseHtpasswd(`bob:{SHA}${createHash('sha1').update('pw').digest('base64')}`).users },
  ],
]);

/** The gateway as merge completes it: its routes get their answers and removals from these schemes. */
function gateway(schemes: ImportedScheme[] = SCHEMES): Gateway {
  return settle([], { name: 'gw "test"', securitySchemes: schemes });
}
const req = (...schemes: (string | [string, string[]])[]): SecurityRequirement => ({
  schemes: schemes.map((s) =>
    typeof s === 'string' ? { scheme: `s.${s}`, scopes: [] } : { scheme: `s.${s[0]}`, scopes: s[1] },
  ),
});
function secured(
  security: SecurityRequirement[],
  auth: Partial<Route['settings']['auth']> = {},
  schemes: ImportedScheme[] = SCHEMES,
): Route {
  const r = route('GET', '/x');
  const imported = { ...r, security, settings: { ...r.settings, auth: { ...r.settings.auth, ...auth } } };
  return settle([imported], { name: 'gw "test"', securitySchemes: schemes }).routes[0]!;
}
const basic = (up: string) => `Basic ${Buffer.from(up).toString('base64')}`;
const CLIENT = '203.0.113.7';
const stores: MemoryStore[] = [];
afterAll(async () => Promise.all(stores.map((s) => s.close())));
/** A compiler with a failure store of its own, so no test's wrong credentials count in another. */
function compilerFor(g: Gateway, secrets: AuthSecrets): AuthCompiler {
  const store = new MemoryStore();
  stores.push(store);
  return new AuthCompiler(g, secrets, store);
}
const KEY_CHALLENGE = 'ApiKey realm="gw \\"test\\"", in="header", name="X-Api-Key"';
const BASIC_CHALLENGE = 'Basic realm="gw \\"test\\"", charset="UTF-8"';

describe("AuthCompiler: a route's requirements as OpenAPI means them", () => {
  const cases: {
    name: string;
    given: { security: SecurityRequirement[]; headers?: string[]; url?: string };
    want: unknown;
  }[] = [
    {
      name: 'one scheme: a good key passes with its consumer',
      given: { security: [req('key')], headers: ['X-Api-Key', 'ka'] },
      want: { ok: true, consumer: 'alice' },
    },
    {
      name: 'one scheme: nothing sent is 401 "missing"',
      given: { security: [req('key')] },
      want: {
        ok: false,
        code: 'GW_HTTP_UNAUTHORIZED',
        detail: 'this operation needs an API key in the X-Api-Key header',
        challenge: KEY_CHALLENGE,
      },
    },
    {
      name: 'one scheme: a bad key is 401 "invalid"',
      given: { security: [req('key')], headers: ['X-Api-Key', 'nope'] },
      want: {
        ok: false,
        code: 'GW_HTTP_UNAUTHORIZED',
        detail: 'the credentials sent are not valid; this operation needs an API key in the X-Api-Key header',
        challenge: KEY_CHALLENGE,
      },
    },
    {
      name: 'OR: the second requirement passes',
      given: { security: [req('key'), req('basic')], headers: ['Authorization', basic('bob:pw')] },
      want: { ok: true, consumer: 'bob' },
    },
    {
      name: 'OR: nothing passes, one challenge per scheme',
      given: { security: [req('key'), req('basic')] },
      want: {
        ok: false,
        code: 'GW_HTTP_UNAUTHORIZED',
        detail: 'this operation needs an API key in the X-Api-Key header, or HTTP basic credentials',
        challenge: `${KEY_CHALLENGE}, ${BASIC_CHALLENGE}`,
      },
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
      want: {
        ok: false,
        code: 'GW_HTTP_UNAUTHORIZED',
        detail: 'this operation needs an API key in the X-Api-Key header and HTTP basic credentials',
        challenge: `${KEY_CHALLENGE}, ${BASIC_CHALLENGE}`,
      },
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
      want: {
        ok: false,
        code: 'GW_HTTP_UNAUTHORIZED',
        detail: 'this operation needs HTTP basic credentials',
        challenge: BASIC_CHALLENGE,
      },
    },
    {
      name: 'mutualTLS cannot be checked: 401 without a challenge',
      given: { security: [req('mtls')] },
      want: {
        ok: false,
        code: 'GW_HTTP_UNAUTHORIZED',
        detail: 'this operation needs a client certificate',
        challenge: '',
      },
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
      want: {
        ok: false,
        code: 'GW_HTTP_FORBIDDEN',
        detail: 'the credentials are valid but lack the scope this operation needs: admin',
        challenge: '',
      },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const compiled = compilerFor(gateway(), SECRETS).compile(secured(c.given.security));
      const url = c.given.url ?? '/x';
      expect(await compiled.policy!.check(c.given.headers ?? [], url, url.indexOf('?'), CLIENT)).toEqual(c.want);
    });
  }
});

describe('AuthCompiler: what is removed and added on the way upstream', () => {
  const cases: {
    name: string;
    given: { security: SecurityRequirement[]; auth?: Partial<Route['settings']['auth']> };
    want: unknown;
  }[] = [
    {
      name: 'a public route: only the consumer header is dropped',
      given: { security: [] },
      want: {
        checks: false,
        consumerHeader: 'x-consumer',
        dropHeaders: ['x-consumer'],
        dropCookies: [],
        dropQuery: [],
        logRedact: [],
      },
    },
    {
      name: 'enforce: false checks nothing and strips nothing but the consumer header; query keys stay out of the log',
      given: { security: [req('qkey')], auth: { enforce: false, consumerHeader: 'X-User' } },
      want: {
        checks: false,
        consumerHeader: 'x-user',
        dropHeaders: ['x-user'],
        dropCookies: [],
        dropQuery: [],
        logRedact: ['api_key'],
      },
    },
    {
      name: 'every credential of every requirement is removed',
      given: { security: [req('key', 'basic'), req('qkey'), req('ckey')] },
      want: {
        checks: true,
        consumerHeader: 'x-consumer',
        dropHeaders: ['x-consumer', 'x-api-key', 'authorization'],
        dropCookies: ['key'],
        dropQuery: ['api_key'],
        logRedact: ['api_key'],
      },
    },
    {
      name: 'a mutualTLS route: the certificate is not in the request, so only the consumer header goes',
      given: { security: [req('mtls')] },
      want: {
        checks: true,
        consumerHeader: 'x-consumer',
        dropHeaders: ['x-consumer'],
        dropCookies: [],
        dropQuery: [],
        logRedact: [],
      },
    },
    {
      name: 'forwardCredentials keeps them',
      given: { security: [req('key'), req('qkey')], auth: { forwardCredentials: true } },
      want: {
        checks: true,
        consumerHeader: 'x-consumer',
        dropHeaders: ['x-consumer'],
        dropCookies: [],
        dropQuery: [],
        logRedact: ['api_key'],
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = compilerFor(gateway(), SECRETS).compile(secured(c.given.security, c.given.auth));
      expect({
        checks: a.policy !== null,
        consumerHeader: a.consumerHeader,
        dropHeaders: [...a.dropHeaders],
        dropCookies: a.dropCookies,
        dropQuery: a.dropQuery,
        logRedact: a.logRedact,
      }).toEqual(c.want);
    });
  }
  it('shares one checker per scheme between routes (one basic-auth cache, one JWKS fetch)', () => {
    const compiler = compilerFor(gateway(), SECRETS);
    const one = compiler.compile(secured([req('basic')])).policy as unknown as { schemes: { checker: unknown }[] };
    const two = compiler.compile(secured([req('key'), req('basic')])).policy as unknown as {
      schemes: { checker: unknown }[];
    };
    expect(one.schemes[0]!.checker).toBe(two.schemes[1]!.checker);
  });
});

describe('AuthCompiler: bearer tokens, 401 against 403', async () => {
  const { SignJWT } = await import('jose');
  const secret = new TextEncoder().encode('0123456789abcdef0123456789abcdef-test-only');
  const jwt = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(secret);
  const bearer = scheme('token', {
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
  });
  const withBearer = [...SCHEMES, bearer];
  const g = gateway(withBearer);
  const secrets: AuthSecrets = new Map([...SECRETS, ['s.token', { kind: 'jwt', secret, jwks: null, jwksUrl: null }]]);
  const REALM = 'realm="gw \\"test\\""';
  const cases: {
    name: string;
    given: { security: SecurityRequirement[]; token?: string; headers?: string[] };
    want: unknown;
  }[] = [
    {
      name: 'the scopes are there',
      given: { security: [req(['token', ['read']])], token: await jwt({ sub: 'u', scope: 'read write' }) },
      want: { ok: true, consumer: 'u' },
    },
    {
      name: 'a scope is missing: 403 insufficient_scope naming the scopes',
      given: { security: [req(['token', ['read', 'admin']])], token: await jwt({ sub: 'u', scope: 'read' }) },
      want: {
        ok: false,
        code: 'GW_HTTP_FORBIDDEN',
        detail: 'the credentials are valid but lack the scopes this operation needs: read admin',
        challenge: `Bearer ${REALM}, error="insufficient_scope", scope="read admin"`,
      },
    },
    {
      name: 'no token: 401 with a plain Bearer challenge',
      given: { security: [req(['token', ['read']])] },
      want: {
        ok: false,
        code: 'GW_HTTP_UNAUTHORIZED',
        detail: 'this operation needs a bearer token with the scope read',
        challenge: `Bearer ${REALM}`,
      },
    },
    {
      name: 'a bad token: 401 invalid_token',
      given: { security: [req(['token', ['read']])], token: 'x.y.z' },
      want: {
        ok: false,
        code: 'GW_HTTP_UNAUTHORIZED',
        detail:
          'the bearer token is not valid (signature, issuer, audience or lifetime); this operation needs a bearer token with the scope read',
        challenge: `Bearer ${REALM}, error="invalid_token"`,
      },
    },
    {
      name: 'OR: a scope-less requirement passes where the scoped one would be 403',
      given: { security: [req(['token', ['admin']]), req('token')], token: await jwt({ sub: 'u' }) },
      want: { ok: true, consumer: 'u' },
    },
    {
      name: 'OR: 403 wins over a 401 of another requirement',
      given: { security: [req('key'), req(['token', ['admin']])], token: await jwt({ sub: 'u' }) },
      want: {
        ok: false,
        code: 'GW_HTTP_FORBIDDEN',
        detail: 'the credentials are valid but lack the scope this operation needs: admin',
        challenge: `Bearer ${REALM}, error="insufficient_scope", scope="admin"`,
      },
    },
    {
      name: 'a synchronous pass does not wait for a token check',
      given: { security: [req('key'), req('token')], token: 'x.y.z', headers: ['X-Api-Key', 'ka'] },
      want: { ok: true, consumer: 'alice' },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const policy = compilerFor(g, secrets).compile(secured(c.given.security, {}, withBearer)).policy!;
      const headers = [
        ...(c.given.headers ?? []),
        ...(c.given.token ? ['Authorization', `Bearer ${c.given.token}`] : []),
      ];
      const outcome = policy.check(headers, '/x', -1, CLIENT);
      if (c.name.startsWith('a synchronous')) expect(outcome).not.toBeInstanceOf(Promise);
      expect(await outcome).toEqual(c.want);
    });
  }
});

/** A compiler whose basic scheme has the bcrypt user cat ("secret"), with a bcrypt pool that is always full. */
function withFullBcryptPool(): AuthCompiler {
  const hash = '$2y$04$yU1iS16RRLMQ84nK0u4b5uW.S0tcPCTmf49aCzybFw6R2M9e7y6CS';
  const secrets: AuthSecrets = new Map([
    ...SECRETS,
    ['s.basic', { kind: 'htpasswd', users: parseHtpasswd(`cat:${hash}`).users }],
  ]);
  const full = { verify: async () => 'busy' as const } as unknown as BcryptPool;
  const store = new MemoryStore();
  stores.push(store);
  return new AuthCompiler(gateway(), secrets, store, full);
}

describe('AuthCompiler: issue 10 item 10, a bcrypt pool with no room', () => {
  it('a password the pool cannot queue is 503 GW_HTTP_AUTH_BUSY with Retry-After 1, never a 401', async () => {
    const compiler = withFullBcryptPool();
    const policy = compiler.compile(secured([req('basic')])).policy!;
    const busy = {
      ok: false,
      code: 'GW_HTTP_AUTH_BUSY',
      detail: 'too many password checks are waiting; retry in a moment',
      challenge: '',
      retryAfterSeconds: 1,
    };
    expect(await policy.check(['Authorization', basic('cat:secret')], '/x', -1, CLIENT)).toEqual(busy);
    // A requirement that passes without the password still lets the request through.
    const either = compiler.compile(secured([req('basic'), req('key')])).policy!;
    expect(await either.check(['Authorization', basic('cat:secret'), 'X-Api-Key', 'ka'], '/x', -1, CLIENT)).toEqual({
      ok: true,
      consumer: 'alice',
    });
  });
});

describe('AuthCompiler: issue 10 item 10, wrong credentials per client (settings.auth.failureLimit)', () => {
  const limited = (failureLimit: Route['settings']['auth']['failureLimit']) =>
    compilerFor(gateway(), SECRETS).compile(secured([req('key'), req('basic')], { failureLimit })).policy!;
  const key = (k: string) => ['X-Api-Key', k];
  it('after `failures` wrong credentials the client gets 429 with Retry-After for any credentials, until the window ends', async () => {
    const policy = limited({ failures: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++)
      expect(await policy.check(key(`wrong-${i}`), '/x', -1, CLIENT)).toMatchObject({ code: 'GW_HTTP_UNAUTHORIZED' });
    const blocked = await policy.check(key('ka'), '/x', -1, CLIENT);
    expect(blocked).toEqual({
      ok: false,
      code: 'GW_HTTP_TOO_MANY_AUTH_FAILURES',
      detail: 'too many wrong credentials from this address (3 per window); retry in 60 s',
      challenge: '',
      retryAfterSeconds: 60,
    });
    expect(await policy.check(['Authorization', basic('bob:pw')], '/x', -1, CLIENT)).toMatchObject({
      code: 'GW_HTTP_TOO_MANY_AUTH_FAILURES',
    });
    // Nothing sent: nothing to check, the usual 401.
    expect(await policy.check([], '/x', -1, CLIENT)).toMatchObject({ code: 'GW_HTTP_UNAUTHORIZED' });
    expect(await policy.check(key('ka'), '/x', -1, '203.0.113.8')).toEqual({ ok: true, consumer: 'alice' });
  });
  it('counts only wrong credentials: missing ones and valid ones do not count', async () => {
    const policy = limited({ failures: 1, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect(await policy.check([], '/x', -1, CLIENT)).toMatchObject({ code: 'GW_HTTP_UNAUTHORIZED' });
      expect(await policy.check(key('ka'), '/x', -1, CLIENT)).toMatchObject({ ok: true });
    }
    expect(await policy.check(['Authorization', basic('bob:nope')], '/x', -1, CLIENT)).toMatchObject({
      code: 'GW_HTTP_UNAUTHORIZED',
    });
    expect(await policy.check(key('ka'), '/x', -1, CLIENT)).toMatchObject({ code: 'GW_HTTP_TOO_MANY_AUTH_FAILURES' });
  });
  it('null: never blocks', async () => {
    const policy = limited(null);
    for (let i = 0; i < 20; i++) await policy.check(key('wrong'), '/x', -1, CLIENT);
    expect(await policy.check(key('ka'), '/x', -1, CLIENT)).toEqual({ ok: true, consumer: 'alice' });
  });
  it('a password the bcrypt pool has no room for (503) does not count', async () => {
    const policy = withFullBcryptPool().compile(
      secured([req('basic')], { failureLimit: { failures: 1, windowMs: 60_000 } }),
    ).policy!;
    for (let i = 0; i < 3; i++)
      expect(await policy.check(['Authorization', basic('cat:secret')], '/x', -1, CLIENT)).toMatchObject({
        code: 'GW_HTTP_AUTH_BUSY',
      });
  });
});
