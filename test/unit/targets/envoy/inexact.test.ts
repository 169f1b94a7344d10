import { describe, expect, it } from 'vitest';
import type { GatewayDraft } from '../../../../src/merge/decide-gateway.js';
import type { ImportedRoute } from '../../../../src/model/fragment.js';
import type { Gateway, RateLimit, Route } from '../../../../src/model/types.js';
import { buildEnvoyView } from '../../../../src/targets/envoy/view.js';
import { rateLimit, route, plainListen } from '../../../helpers/routes.js';
import { gatewayOf, secured } from './policies-fixtures.js';

/**
 * Every GW_TARGET_INEXACT warning the Envoy target gives (src/targets/envoy/inexact.ts), each
 * from the smallest model that needs it, with its whole text: what users read is pinned here.
 */
function warnings(gateway: Gateway): string[] {
  return buildEnvoyView(gateway, { sharedRateLimits: true }).diagnostics.map(
    (d) => `${d.code}[${d.kind}] ${d.message} @ ${d.locations[0]!.pointer}`,
  );
}

function withSettings(r: ImportedRoute, over: Partial<Route['settings']>): ImportedRoute {
  return { ...r, settings: { ...r.settings, ...over } };
}

function limited(path: string, rl: Partial<RateLimit>): ImportedRoute {
  const r = route('GET', path);
  return withSettings(r, {
    rateLimit: rateLimit({ windowMs: 60_000, counter: r.id, ...rl }),
  });
}

const REDIS: Partial<GatewayDraft> = { rateLimitStore: { kind: 'redis', url: { env: 'R' }, failMode: 'open' } };
const MOCK_405 = [{ status: 405, contentType: null, body: '', generated: false }];
/** The start of a warning of this kind. */
const W = (kind: string) => `GW_TARGET_INEXACT[envoy.${kind}] envoy:`;

describe('the warnings of the Envoy target', () => {
  it.each([
    {
      name: 'listen.host is a name',
      gateway: gatewayOf([], { listen: plainListen('gw.internal', 8080) }),
      want: [
        `${W('listen-host')} listen.host "gw.internal" is not an IP address, and Envoy listens on addresses ` +
          'only; the listener uses 0.0.0.0 @ #/listen/host',
      ],
    },
    {
      name: 'more partial overlaps than the 405 routes can follow',
      gateway: gatewayOf(['/{p}/x', '/a/{q}', '/b/{q}', '/c/{q}', '/d/{q}'].map((p) => route('GET', p))),
      want: [
        `${W('allow-header')} GET /{p}/x (s.get:/{p}/x): ` +
          "more than 3 later paths partly overlap this one, so Envoy's 405 " +
          "Allow header lists only this path's methods and those of paths that contain it @ #",
      ],
    },
    {
      name: 'a mock answer with a status the local replies rewrite',
      gateway: gatewayOf([{ ...route('GET', '/m'), mock: MOCK_405 }]),
      want: [
        `${W('mock-status')} GET /m (s.get:/m): ` +
          "its mock answer has status 405, which Envoy's local reply mapping turns " +
          'into a gw problem+json body @ #',
      ],
    },
    {
      name: 'validate: true',
      gateway: gatewayOf([withSettings(route('GET', '/v'), { validate: true })]),
      want: [
        `${W('validate')} GET /v (s.get:/v): Envoy does not check requests against the operation's schemas ` +
          '(validate: true), so invalid requests reach the upstream @ #',
      ],
    },
    {
      name: 'optional credentials',
      gateway: gatewayOf([secured('GET', '/o', [['jwt'], []])]),
      want: [
        `${W('optional-auth')} GET /o (s.get:/o): ` +
          'credentials are optional here (an empty requirement); Envoy checks none ' +
          'and names no consumer @ #/paths//o/get',
      ],
    },
    {
      name: 'scopes on an API key, and basic as one alternative (one warning per kind)',
      gateway: gatewayOf([secured('GET', '/k', [['key:read'], ['jwt'], ['basic']])]),
      want: [
        `${W('scopes-without-jwt')} GET /k (s.get:/k): the requirement s.key[read] lists scopes an API key or basic ` +
          'credentials cannot prove, so it never passes (gw serve answers 403 when its credentials are valid, ' +
          'Envoy 401) @ #/paths//k/get',
        `${W('basic-alternative')} GET /k (s.get:/k): Envoy's basic_auth filter checks every request of a route ` +
          'or none, so it cannot be one alternative among others: s.basic is refused (401) @ #/paths//k/get',
      ],
    },
    {
      name: 'two routes name the consumer of one JWT scheme in different headers',
      gateway: gatewayOf([
        secured('GET', '/a', [['jwt']]),
        secured('GET', '/b', [['jwt']], { auth: { ...route('GET', '/b').settings.auth, consumerHeader: 'X-User' } }),
      ]),
      want: [
        `${W('consumer-header')} GET /b (s.get:/b): s.jwt names the consumer in X-Consumer (set once per jwt_authn ` +
          "provider), not in this route's X-User @ #/paths//b/get",
      ],
    },
    {
      name: 'basic credentials and an HS256 secret (one warning per scheme)',
      gateway: gatewayOf([secured('GET', '/b', [['basic']]), secured('GET', '/h', [['hs']])]),
      want: [
        `${W('basic-sha-only')} security scheme s.basic: Envoy's basic_auth filter reads only {SHA} lines ` +
          '(htpasswd -s) of the file users.htpasswd; a bcrypt or $apr1$ line makes Envoy refuse the whole ' +
          'configuration @ #/components/securitySchemes/basic',
        `${W('hs256-jwks')} security scheme s.hs: jwt_authn takes the HS256 secret only as a JWKS, so Envoy ` +
          'reads it from the file secrets/hs.secret.jwks.json, which envoy/hs256-jwks.sh makes from the file ' +
          'secrets/hs.secret (run it where Envoy runs; the secret never goes into envoy.yaml) ' +
          '@ #/components/securitySchemes/hs',
      ],
    },
    {
      name: 'local buckets (build.envoy.sharedRateLimits), one of a shared counter',
      gateway: gatewayOf([limited('/a', { counter: 'shop' }), limited('/b', { counter: 'shop' }), limited('/c', {})]),
      want: [
        `${W('local-rate-limit')} GET /a (s.get:/a): ` +
          'local_ratelimit keeps one token bucket for all clients of the route ' +
          '(gw counts per client address) and apart from the other routes of counter "shop" @ #',
        `${W('local-rate-limit')} GET /b (s.get:/b): ` +
          'local_ratelimit keeps one token bucket for all clients of the route ' +
          '(gw counts per client address) and apart from the other routes of counter "shop" @ #',
        `${W('local-rate-limit')} GET /c (s.get:/c): ` +
          'local_ratelimit keeps one token bucket for all clients of the route ' +
          '(gw counts per client address) @ #',
      ],
    },
    {
      name: 'the rate limit service: a mock, a scaled window, one limit per counter',
      gateway: gatewayOf(
        [
          { ...limited('/m', {}), mock: [{ status: 200, contentType: null, body: '', generated: false }] },
          limited('/w', { requests: 100, windowMs: 10_000 }),
          limited('/x', { counter: 'shop' }),
          limited('/y', { counter: 'shop', requests: 20 }),
        ],
        REDIS,
      ),
      want: [
        `${W('rate-limit-mock')} GET /m (s.get:/m): ` +
          'is not rate-limited: a mock answer (direct_response) has no route action ' +
          'to carry rate_limits @ #',
        `${W('rate-limit-unit')} GET /w (s.get:/w): ` +
          'the rate limit service counts per second, so 100 per 10s becomes 10 per ' +
          'second @ #',
        `${W('rate-limit-shared-counter')} GET /y (s.get:/y): ` +
          'shares counter "shop" with s.get:/x, and the rate limit service holds ' +
          'one limit per counter, 10 per minute @ #',
      ],
    },
    {
      name: 'CORS with credentials and no headers',
      gateway: gatewayOf([
        withSettings(route('GET', '/c'), {
          cors: {
            origins: ['https://a.example'],
            methods: null,
            headers: null,
            exposeHeaders: [],
            credentials: true,
            maxAgeSeconds: 600,
          },
        }),
      ]),
      want: [
        `${W('cors-request-headers')} GET /c (s.get:/c): ` +
          'Envoy does not echo Access-Control-Request-Headers and "*" does not ' +
          'cover credentialed requests, so preflights allow no request headers beyond the CORS-safelisted ones; ' +
          'list them in cors.headers @ #',
      ],
    },
  ])('$name', ({ gateway, want }) => expect(warnings(gateway)).toEqual(want));
});
