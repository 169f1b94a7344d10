import { afterAll, describe, expect, it } from 'vitest';
import type { Gateway, Route, SecurityRequirement } from '../../../../src/model/types.js';
import { AuthCompiler } from '../../../../src/runtime/auth/auth-compiler.js';
import type { BcryptPool } from '../../../../src/runtime/auth/bcrypt-pool.js';
import type { AuthSecrets } from '../../../../src/runtime/auth/load-auth-secrets.js';
import { parseHtpasswd } from '../../../../src/runtime/auth/parse-htpasswd.js';
import { parseKeys } from '../../../../src/runtime/auth/parse-keys.js';
import { MemoryStore } from '../../../../src/runtime/rate-limit/memory-store.js';
import { route, settle } from '../../../helpers/routes.js';
import { GATEWAY_NAME, POLICY_ROWS, req, SCHEMES, SECRET_ENV, SECRET_FILES } from '../../../scenarios/policy-table.js';

/** The table's secrets as gw serve holds them once loaded (load-auth-secrets.ts parses them with these). */
const SECRETS: AuthSecrets = new Map([
  ['s.key', { kind: 'keys', keys: parseKeys(SECRET_ENV.K, 'env').keys }],
  ['s.qkey', { kind: 'keys', keys: parseKeys(SECRET_ENV.Q, 'env').keys }],
  ['s.ckey', { kind: 'keys', keys: parseKeys(SECRET_ENV.C, 'env').keys }],
  ['s.basic', { kind: 'htpasswd', users: parseHtpasswd(SECRET_FILES.h).users }],
  ['s.token', { kind: 'jwt', secret: new TextEncoder().encode(SECRET_ENV.S), jwks: null, jwksUrl: null }],
]);

/** The gateway as merge completes it (decideGateway): the table's schemes with their carriers. */
function gateway(): Gateway {
  return settle([], { name: GATEWAY_NAME, securitySchemes: SCHEMES });
}
/** A route as merge completes it: its answers and removals settled against the table's schemes. */
function secured(security: SecurityRequirement[], auth: Partial<Route['settings']['auth']> = {}): Route {
  const r = route('GET', '/x');
  const imported = { ...r, security, settings: { ...r.settings, auth: { ...r.settings.auth, ...auth } } };
  return settle([imported], { name: GATEWAY_NAME, securitySchemes: SCHEMES }).routes[0]!;
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

// The rows are shared with the NGINX target's gw-auth.js (test/unit/targets/nginx/gw-auth-js.test.ts).
describe("AuthCompiler: a route's requirements as OpenAPI means them", () => {
  for (const c of POLICY_ROWS) {
    it(c.name, async () => {
      const compiled = compilerFor(gateway(), SECRETS).compile(secured(c.given.security));
      const url = c.given.url ?? '/x';
      const outcome = compiled.policy!.check(c.given.headers ?? [], url, url.indexOf('?'), CLIENT);
      if (c.name.startsWith('a synchronous')) expect(outcome).not.toBeInstanceOf(Promise);
      expect(await outcome).toEqual(c.want);
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
  it('after `failures` wrong credentials: 429 with Retry-After for any credentials until the window ends', async () => {
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
