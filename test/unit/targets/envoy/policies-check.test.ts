import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkEnvoyValue, formatPath } from '../../../../src/targets/envoy/check.js';
import { envoyTarget } from '../../../../src/targets/envoy/index.js';
import type { ImportedRoute } from '../../../../src/model/fragment.js';
import { gatewayOf, secured } from './policies-fixtures.js';

/**
 * The strict check reaches inside the policy filters' typed configs (Any by @type): a mistake in
 * jwt_authn, RBAC, local_ratelimit, ratelimit or a CorsPolicy is found with its path.
 */
// biome-ignore lint/suspicious/noExplicitAny: a parsed config, walked by hand in assertions
type Config = any;

async function rendered(routes: ImportedRoute[], redis = false): Promise<Config> {
  const gateway = gatewayOf(
    routes,
    redis ? { rateLimitStore: { kind: 'redis', url: { env: 'R' }, failMode: 'open' } } : {},
  );
  const result = await envoyTarget.render(gateway, { envoy: { sharedRateLimits: true } });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return parse(result.files[0]!.contents) as Config;
}

const hcm = (c: Config) => c.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
const filter = (c: Config, name: string) =>
  hcm(c).http_filters.find((f: { name: string }) => f.name === name).typed_config;
const routeNamed = (c: Config, name: string) =>
  hcm(c).route_config.virtual_hosts[0].routes.find((r: { name: string }) => r.name === name);

function problems(c: Config): string[] {
  return checkEnvoyValue(c)
    .filter((p) => p.severity === 'error')
    .map((p) => `${formatPath(p.path)}: ${p.message}`);
}

const limit = (r: ImportedRoute): ImportedRoute => ({
  ...r,
  settings: {
    ...r.settings,
    rateLimit: { requests: 5, windowMs: 1000, key: { kind: 'ip' }, counter: r.id, keys: 1, zoneBytes: 32_768 },
  },
});
const cors = (r: ImportedRoute): ImportedRoute => ({
  ...r,
  settings: {
    ...r.settings,
    cors: {
      origins: ['https://a.example'],
      methods: null,
      headers: ['x-a'],
      exposeHeaders: [],
      credentials: true,
      maxAgeSeconds: 60,
    },
  },
});

describe('the strict check on the policy filters', () => {
  it.each([
    {
      name: 'an unknown field in a jwt_authn provider',
      routes: [secured('GET', '/a', [['jwt']])],
      breakIt: (c: Config) => {
        filter(c, 'envoy.filters.http.jwt_authn').providers['s.jwt'].audience = 'api';
      },
      want: /providers\["s\.jwt"\]\.audience: .*unknown|providers\["s\.jwt"\]\.audience/,
    },
    {
      name: 'a jwt_authn requires_any with one requirement (min 2)',
      routes: [secured('GET', '/a', [['jwt']])],
      breakIt: (c: Config) => {
        filter(c, 'envoy.filters.http.jwt_authn').requirement_map['s.get:/a'] = {
          requires_any: { requirements: [{ provider_name: 's.jwt' }] },
        };
      },
      want: /requirement_map.*requires_any\.requirements/,
    },
    {
      name: 'a provider without any JWKS (a required oneof)',
      routes: [secured('GET', '/a', [['jwt']])],
      breakIt: (c: Config) => {
        delete filter(c, 'envoy.filters.http.jwt_authn').providers['s.jwt'].local_jwks;
      },
      want: /providers\["s\.jwt"\]/,
    },
    {
      name: 'an unknown RBAC principal',
      routes: [secured('GET', '/a', [['jwt:read']])],
      breakIt: (c: Config) => {
        routeNamed(c, 's.get:/a').typed_per_filter_config['envoy.filters.http.rbac'].rbac.rules.policies[
          'requirement 1: s.jwt[read]'
        ].principals = [{ scope: 'read' }];
      },
      want: /principals\[0\]/,
    },
    {
      name: "an unknown field in a route's local_ratelimit",
      routes: [limit(secured('GET', '/a', []))],
      breakIt: (c: Config) => {
        routeNamed(c, 's.get:/a').typed_per_filter_config['envoy.filters.http.local_ratelimit'].requests_per_unit = 5;
      },
      want: /local_ratelimit"\]\.requests_per_unit/,
    },
    {
      name: 'local_ratelimit headers of an RFC version that does not exist',
      routes: [limit(secured('GET', '/a', []))],
      breakIt: (c: Config) => {
        routeNamed(c, 's.get:/a').typed_per_filter_config[
          'envoy.filters.http.local_ratelimit'
        ].enable_x_ratelimit_headers = 'DRAFT_VERSION_07';
      },
      want: /enable_x_ratelimit_headers/,
    },
    {
      name: 'a token bucket without its fill interval',
      routes: [limit(secured('GET', '/a', []))],
      breakIt: (c: Config) => {
        delete routeNamed(c, 's.get:/a').typed_per_filter_config['envoy.filters.http.local_ratelimit'].token_bucket
          .fill_interval;
      },
      want: /token_bucket/,
    },
    {
      name: 'a CorsPolicy with a misspelt field',
      routes: [cors(secured('GET', '/a', []))],
      breakIt: (c: Config) => {
        routeNamed(c, 's.get:/a').typed_per_filter_config['envoy.filters.http.cors'].allow_origins = ['*'];
      },
      want: /cors"\]\.allow_origins/,
    },
  ])('rejects $name', async ({ routes, breakIt, want }) => {
    const config = await rendered(routes);
    expect(problems(config)).toEqual([]);
    breakIt(config);
    const found = problems(config);
    expect(found.length, 'the check found nothing').toBeGreaterThan(0);
    expect(found.join('\n')).toMatch(want);
  });

  it('rejects a global ratelimit filter without its service, and an unknown route rate limit action', async () => {
    const config = await rendered([limit(secured('GET', '/a', []))], true);
    expect(problems(config)).toEqual([]);
    delete filter(config, 'envoy.filters.http.ratelimit').rate_limit_service;
    routeNamed(config, 's.get:/a').route.rate_limits[0].actions.push({ client_ip: {} });
    const found = problems(config).join('\n');
    expect(found).toMatch(/rate_limit_service/);
    expect(found).toMatch(/rate_limits\[0\]\.actions\[3\]/);
  });
});
