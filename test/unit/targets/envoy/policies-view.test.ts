import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { luaString } from '../../../../src/targets/envoy/auth-sources.js';
import { planAuth } from '../../../../src/targets/envoy/auth-view.js';
import { planCors } from '../../../../src/targets/envoy/cors-view.js';
import { envoyTarget } from '../../../../src/targets/envoy/index.js';
import { planRateLimits, unitOf } from '../../../../src/targets/envoy/rate-limit-view.js';
import { buildEnvoyView, type EnvoyView } from '../../../../src/targets/envoy/view.js';
import type { ImportedRoute } from '../../../../src/model/fragment.js';
import type { RateLimit } from '../../../../src/model/types.js';
import { rateLimit, route, settle } from '../../../helpers/routes.js';
import { gatewayOf, secured } from './policies-fixtures.js';

/** The route table without the routes refusing path forms (refused-paths.ts), which come first. */
const modelRoutes = (view: EnvoyView) => view.routes.filter((r) => !r.name.startsWith('refuse '));

const P = (p: string) => ({ provider_name: `s.${p}` });

describe("authentication: how a route's security becomes Envoy filters", () => {
  it.each([
    { name: 'one JWT scheme: its provider', given: [['jwt']], want: P('jwt') },
    {
      name: 'OR of JWT schemes: requires_any',
      given: [['jwt'], ['jwt2']],
      want: { requires_any: { requirements: [P('jwt'), P('jwt2')] } },
    },
    {
      name: 'AND of JWT schemes: requires_all',
      given: [['jwt', 'jwt2']],
      want: { requires_all: { requirements: [P('jwt'), P('jwt2')] } },
    },
    {
      name: 'OR of ANDs',
      given: [['jwt', 'jwt2'], ['hs']],
      want: { requires_any: { requirements: [{ requires_all: { requirements: [P('jwt'), P('jwt2')] } }, P('hs')] } },
    },
    {
      name: 'a JWT OR something nothing checks: only the JWT (fail closed)',
      given: [['jwt'], ['none']],
      want: P('jwt'),
    },
    {
      name: 'a JWT AND the basic scheme every requirement has: the JWT part, basic_auth on',
      given: [['jwt', 'basic']],
      want: P('jwt'),
    },
    {
      name: 'API keys in the mix: jwt_authn only verifies, gw-auth decides',
      given: [['jwt'], ['key']],
      want: { requires_any: { requirements: [P('jwt'), { allow_missing_or_failed: {} }] } },
    },
  ])('$name', ({ given, want }) => {
    const r = secured('GET', '/a', given);
    const plan = planAuth(gatewayOf([r]));
    const name = plan.routes.get(r.id)!.jwtRequirement;
    expect(plan.view.jwt!.requirements.find((x) => x.name === name)!.requirement).toEqual(want);
  });

  it.each([
    { name: 'public (security: [])', given: [], settings: {} },
    {
      name: 'enforce: false',
      given: [['jwt']],
      settings: {
        auth: { enforce: false, consumerHeader: 'X-Consumer', forwardCredentials: false, failureLimit: null },
      },
    },
  ])('no checks: $name', ({ given, settings }) => {
    const r = secured('GET', '/a', given, settings);
    expect(planAuth(gatewayOf([r])).routes.has(r.id)).toBe(false);
  });

  it('routes with the same requirement share one requirement_map entry', () => {
    const a = secured('GET', '/a', [['jwt']]);
    const b = secured('GET', '/b', [['jwt']]);
    const plan = planAuth(gatewayOf([a, b]));
    expect(plan.view.jwt!.requirements.map((x) => x.name)).toEqual([a.id]);
    expect(plan.routes.get(b.id)!.jwtRequirement).toBe(a.id);
  });

  it('scopes become RBAC rules on the payload jwt_authn puts in metadata (scope or scp)', () => {
    const r = secured('GET', '/a', [['jwt:read']]);
    const rbac = planAuth(gatewayOf([r])).routes.get(r.id)!.rbac as {
      rules: { action: string; policies: Record<string, { principals: unknown[] }> };
    };
    expect(rbac.rules.action).toBe('ALLOW');
    const [policy] = Object.values(rbac.rules.policies);
    const match = (claim: string) => ({
      metadata: {
        filter: 'envoy.filters.http.jwt_authn',
        path: [{ key: 's.jwt' }, { key: claim }],
        value: { list_match: { one_of: { string_match: { exact: 'read' } } } },
      },
    });
    expect(policy!.principals).toEqual([{ or_ids: { ids: [match('scope'), match('scp')] } }]);
  });

  it('no scopes anywhere: no RBAC', () => {
    const r = secured('GET', '/a', [['jwt'], ['jwt2']]);
    expect(planAuth(gatewayOf([r])).routes.get(r.id)!.rbac).toBeNull();
  });

  it('basic credentials every requirement needs: basic_auth with the htpasswd file', () => {
    const r = secured('GET', '/a', [['basic']]);
    const plan = planAuth(gatewayOf([r]));
    expect(plan.routes.get(r.id)).toMatchObject({
      basicUsers: { filename: 'users.htpasswd', env: null },
      jwtRequirement: null,
      lua: null,
    });
    expect(plan.view.basic).toEqual({ users: { filename: 'users.htpasswd', env: null }, usernameHeader: 'X-Consumer' });
    expect(plan.schemeNotes.map((n) => n.note.text)).toEqual([expect.stringContaining('{SHA}')]);
  });

  it('basic as one alternative of an OR: refused, with a note naming it', () => {
    const r = secured('GET', '/a', [['jwt'], ['basic']]);
    const plan = planAuth(gatewayOf([r]));
    expect(plan.routes.get(r.id)!.basicUsers).toBeNull();
    expect(plan.notes.get(r.id)).toEqual([
      { kind: 'envoy.basic-alternative', text: expect.stringContaining('s.basic is refused (401)') },
    ]);
  });

  it('nothing that can pass: a direct 401 with the challenges of every scheme', () => {
    const r = secured('GET', '/a', [['none']]);
    expect(planAuth(gatewayOf([r])).routes.get(r.id)!.deny).toEqual({
      challenge: 'ApiKey realm="g", in="header", name="X-None"',
    });
  });

  it('API keys: gw-auth gets the requirements; the keys only where they are read, never the keys', () => {
    const r = secured('GET', '/a', [['key'], ['qkey', 'jwt:read']]);
    const plan = planAuth(gatewayOf([r]));
    expect(plan.view.lua!.keySources).toEqual([
      { scheme: '"s.key"', file: '"keys.txt"', env: null },
      { scheme: '"s.qkey"', file: null, env: '"QKEYS"' },
    ]);
    expect(plan.routes.get(r.id)!.lua).toEqual({
      gw_auth: {
        consumer_header: 'x-consumer',
        strip: { headers: ['x-key', 'authorization'], query: ['api_key'], cookies: [] },
        requirements: [
          [{ kind: 'key', scheme: 's.key', in: 'header', name: 'x-key' }],
          [
            { kind: 'key', scheme: 's.qkey', in: 'query', name: 'api_key' },
            { kind: 'jwt', scheme: 's.jwt', providers: ['s.jwt'], scopes: ['read'] },
          ],
        ],
        challenge:
          'ApiKey realm="g", in="header", name="X-Key", ApiKey realm="g", in="query", name="api_key", Bearer realm="g"',
        challenge_invalid_token:
          'ApiKey realm="g", in="header", name="X-Key", ApiKey realm="g", in="query", name="api_key", ' +
          'Bearer realm="g", error="invalid_token"',
        forbidden: ['', 'Bearer realm="g", error="insufficient_scope", scope="read"'],
      },
    });
    expect(plan.routes.get(r.id)!.removeHeaders).toEqual(['x-key', 'authorization']);
  });

  it('forwardCredentials: true removes nothing', () => {
    const r = secured('GET', '/a', [['key'], ['jwt']], {
      auth: { enforce: true, consumerHeader: 'X-Who', forwardCredentials: true, failureLimit: null },
    });
    const plan = planAuth(gatewayOf([r]));
    expect(plan.routes.get(r.id)!.removeHeaders).toEqual([]);
    expect(plan.view.consumerHeaders).toEqual(['x-who']);
  });

  it('JWT providers: JWKS file, JWKS URL with its own cluster, HS256 secret as a JWKS the script makes', () => {
    const r = secured('GET', '/a', [['jwt'], ['jwt2'], ['hs']]);
    const plan = planAuth(gatewayOf([r]));
    expect(
      plan.view.jwt!.providers.map((p) => [p.name, p.localJwks, p.remoteJwks, p.issuer, p.clockSkewSeconds]),
    ).toEqual([
      ['s.hs', { filename: 'secrets/hs.secret.jwks.json', env: null }, null, 'https://id.example', 30],
      ['s.jwt', { filename: 'jwks.json', env: null }, null, 'https://id.example', 30],
      ['s.jwt2', null, { uri: 'https://login.example:8443/jwks', cluster: 'jwks:s.jwt2' }, null, 30],
    ]);
    expect(plan.view.jwksClusters).toEqual([
      { name: 'jwks:s.jwt2', url: 'https://login.example:8443/jwks', scheme: 's.jwt2' },
    ]);
    expect(plan.view.hs256).toEqual([
      {
        scheme: 's.hs',
        secretFile: 'secrets/hs.secret',
        secretEnv: null,
        jwks: { filename: 'secrets/hs.secret.jwks.json', env: null },
      },
    ]);
  });

  it.each([
    { given: 'plain', want: '"plain"' },
    { given: 'a"b\\c', want: '"a\\"b\\\\c"' },
    { given: 'é\n', want: '"\\195\\169\\010"' },
  ])('Lua string $given', ({ given, want }) => expect(luaString(given)).toBe(want));
});

function limited(rl: Partial<RateLimit>, over: Partial<ImportedRoute> = {}): ImportedRoute {
  const r = route('GET', '/l');
  return {
    ...r,
    settings: {
      ...r.settings,
      rateLimit: rateLimit({ windowMs: 60_000, counter: r.id, ...rl }),
    },
    ...over,
  };
}

describe('rate limits', () => {
  it('memory store: one bucket for all clients of a route is an error, each naming its limit', () => {
    const r = limited({});
    const errors = planRateLimits(gatewayOf([r])).errors;
    expect(errors.map((d) => [d.code, d.severity, d.locations[0]!.pointer])).toEqual([
      ['GW_ENVOY_SHARED_RATE_LIMIT', 'error', r.source.pointer],
    ]);
    expect(errors[0]!.message).toContain('one token bucket for all clients');
    expect(errors[0]!.hints.join(' ')).toMatch(/rateLimitStore.*redis.*build\.envoy\.sharedRateLimits/);
  });

  it('memory store: one error per limit, naming its routes, not one per route', () => {
    const a = limited({}, { id: 's.a', path: '/a' });
    const b = limited({}, { id: 's.b', path: '/b' });
    const c = limited({ requests: 5 }, { id: 's.c', path: '/c' });
    const errors = planRateLimits(gatewayOf([a, b, c])).errors;
    expect(errors.map((d) => d.locations.map((l) => l.pointer))).toEqual([
      [a.source.pointer, b.source.pointer],
      [c.source.pointer],
    ]);
    expect(errors[0]!.message).toContain('2 routes (GET /a (s.a), GET /b (s.b)) are limited to 10 requests per client');
  });

  it('memory store with build.envoy.sharedRateLimits: a local token bucket per route, and a note', () => {
    const r = limited({});
    const plan = planRateLimits(gatewayOf([r]), true);
    expect(plan.errors).toEqual([]);
    expect(plan.routes.get(r.id)!.local).toEqual({ requests: 10, fillInterval: '60s', retryAfter: '60' });
    expect(plan.notes.get(r.id)).toEqual([
      { kind: 'envoy.local-rate-limit', text: expect.stringContaining('one token bucket for all clients') },
    ]);
    expect(plan.config).toBeNull();
  });

  const redis = { rateLimitStore: { kind: 'redis' as const, url: { env: 'R' }, failMode: 'open' as const } };

  it('redis store: descriptors counter, window, client address; the service config holds the limit', () => {
    const r = limited({ counter: 'gateway' });
    const plan = planRateLimits(gatewayOf([r], redis));
    expect(plan.routes.get(r.id)!.global).toEqual([
      {
        actions: [
          { generic_key: { descriptor_key: 'gw_counter', descriptor_value: 'gateway' } },
          { generic_key: { descriptor_key: 'gw_window', descriptor_value: '60s' } },
          { remote_address: {} },
        ],
      },
    ]);
    expect(plan.config!.counters).toEqual([
      {
        counter: 'gateway',
        windows: [
          {
            window: '60s',
            comment: expect.any(String),
            entries: [{ key: 'remote_address', value: null, limit: { unit: 'minute', requests: 10 }, child: null }],
          },
        ],
      },
    ]);
    expect(plan.view.global).toMatchObject({ failClosed: false });
    expect(plan.notes.size).toBe(0);
  });

  it('redis store, header key: the header, or the client address when the request has none', () => {
    const r = limited({ key: { kind: 'header', name: 'X-Session' } });
    const actions = planRateLimits(gatewayOf([r], redis)).routes.get(r.id)!.global as {
      actions: Record<string, unknown>[];
    }[];
    expect(actions.map((a) => a.actions.slice(2))).toEqual([
      [{ request_headers: { header_name: 'x-session', descriptor_key: 'gw_header' } }],
      [
        {
          header_value_match: {
            descriptor_key: 'gw_header_absent',
            descriptor_value: 'true',
            expect_match: false,
            headers: [{ name: 'x-session', present_match: true }],
          },
        },
        { remote_address: {} },
      ],
    ]);
  });

  it('redis store, consumer key on a public route: the client address, as gw serve', () => {
    const r = limited({ key: { kind: 'consumer' } });
    const actions = planRateLimits(gatewayOf([r], redis)).routes.get(r.id)!.global as { actions: unknown[] }[];
    expect(actions).toHaveLength(1);
    expect(actions[0]!.actions[2]).toEqual({ remote_address: {} });
  });

  it.each([
    { given: { requests: 5, windowMs: 1000 }, want: { unit: 'second', requests: 5, exact: true } },
    { given: { requests: 100, windowMs: 3_600_000 }, want: { unit: 'hour', requests: 100, exact: true } },
    { given: { requests: 100, windowMs: 10_000 }, want: { unit: 'second', requests: 10, exact: false } },
    { given: { requests: 50, windowMs: 120_000 }, want: { unit: 'minute', requests: 25, exact: false } },
  ])('window $given.windowMs ms: $want.unit', ({ given, want }) => expect(unitOf(given)).toEqual(want));

  it('redis store: a window the service has no unit for is a note', () => {
    const r = limited({ windowMs: 10_000, requests: 100 });
    expect(planRateLimits(gatewayOf([r], redis)).notes.get(r.id)).toEqual([
      { kind: 'envoy.rate-limit-unit', text: expect.stringContaining('100 per 10s becomes 10 per second') },
    ]);
  });
});

describe('CORS', () => {
  const cors = {
    origins: ['https://a.example'],
    methods: null,
    headers: null,
    exposeHeaders: ['x-id'],
    credentials: false,
    maxAgeSeconds: 600,
  };

  it('a policy per route: origins by the model rule, the path CORS methods, "*" headers without credentials', () => {
    const get = { ...route('GET', '/c'), settings: { ...route('GET', '/c').settings, cors } };
    const post = { ...route('POST', '/c'), settings: { ...route('POST', '/c').settings, cors } };
    const plan = planCors(settle([get, post]).routes);
    expect(plan.policies.get(get.id)).toEqual({
      origins: ['(?i)https://a\\.example/*'],
      methods: 'GET, HEAD, POST',
      headers: '*',
      exposeHeaders: 'x-id',
      maxAge: '600',
      credentials: false,
    });
    expect(plan.notes.size).toBe(0);
  });

  it('credentials without listed headers: a note (Envoy does not echo them)', () => {
    const r = {
      ...route('GET', '/c'),
      settings: { ...route('GET', '/c').settings, cors: { ...cors, credentials: true } },
    };
    expect(planCors(settle([r]).routes).notes.get(r.id)).toEqual([
      { kind: 'envoy.cors-request-headers', text: expect.stringContaining('list them in cors.headers') },
    ]);
  });

  it('a preflight route per CORS route comes first: OPTIONS, the method asked, an Origin, else 403', () => {
    const r = { ...route('GET', '/c'), settings: { ...route('GET', '/c').settings, cors } };
    const { view } = buildEnvoyView(gatewayOf([r]));
    expect(modelRoutes(view)[0]).toMatchObject({
      name: `preflight ${r.id}`,
      path: '/c',
      headers: [
        { name: ':method', exact: 'OPTIONS' },
        { name: 'access-control-request-method', regex: '^(?:GET|HEAD)$' },
        { name: 'origin', present: true },
      ],
      direct: { status: 403 },
    });
    expect(view.replies.find((m) => m.code === 'GW_HTTP_CORS_REJECTED')).toMatchObject({
      matchStatus: 403,
      requestHeader: 'access-control-request-method',
    });
  });
});

describe('the rendered policies pass the strict check', () => {
  it('every kind of route at once, memory store', async () => {
    const cors = {
      origins: ['*'],
      methods: null,
      headers: null,
      exposeHeaders: [],
      credentials: false,
      maxAgeSeconds: 60,
    };
    const routes = [
      secured('GET', '/jwt', [['jwt:read'], ['jwt2', 'hs']]),
      secured('GET', '/basic', [['basic', 'jwt'], ['basic']]),
      secured('GET', '/keys', [['key'], ['qkey'], ['ckey', 'jwt:a,b']], { cors }),
      secured('GET', '/deny', [['none']]),
      limited({ key: { kind: 'header', name: 'X-S' } }),
    ];
    const result = await envoyTarget.render(gatewayOf(routes), { envoy: { sharedRateLimits: true } });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.files.map((f) => [f.path, f.mode])).toEqual([
      ['envoy/envoy.yaml', undefined],
      ['envoy/hs256-jwks.sh', 0o755],
    ]);
    const config = parse(result.files[0]!.contents) as { static_resources: { clusters: { name: string }[] } };
    expect(config.static_resources.clusters.map((c) => c.name)).toEqual(['s', 'jwks:s.jwt2']);
  });

  it('redis store: the rate limit service cluster and its configuration file', async () => {
    const r = limited({ key: { kind: 'consumer' } });
    const result = await envoyTarget.render(
      gatewayOf([r], { rateLimitStore: { kind: 'redis', url: { url: 'redis://r:6379' }, failMode: 'closed' } }),
      {},
    );
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.files.map((f) => f.path)).toEqual(['envoy/envoy.yaml', 'envoy/ratelimit-config.yaml']);
    expect(parse(result.files[1]!.contents)).toMatchObject({
      domain: 'g',
      descriptors: [{ key: 'gw_counter', value: r.id }],
    });
  });

  it('no secret ever reaches a rendered file: only where Envoy reads them', async () => {
    const routes = [secured('GET', '/a', [['key'], ['qkey'], ['basic'], ['hs']])];
    const result = await envoyTarget.render(gatewayOf(routes), {});
    const all = result.files.map((f) => f.contents).join('\n');
    expect(all).toContain('"keys.txt"');
    expect(all).toContain('"QKEYS"');
    expect(result.files.every((f) => f.mode === undefined || f.mode === 0o755)).toBe(true);
  });
});
