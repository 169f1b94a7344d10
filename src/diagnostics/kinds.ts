import type { Code } from './codes.js';

export interface KindInfo {
  /** The code whose diagnostics this kind sorts. */
  code: Code;
  /** What the kind means, in one line; docs/errors.md lists each kind under its code. */
  title: string;
}

/**
 * Kinds: stable sub-codes for the diagnostics of one code that differ in what they are about, so
 * a reader (or a script, or a filter) can tell them apart without parsing the message. Text output
 * prints `warning GW_TARGET_INEXACT[nginx.bcrypt] ...`, JSON a `kind` field. Like codes, kinds
 * are never reused or renamed, and test/guards/kinds.test.ts keeps docs/errors.md in sync.
 */
export const KINDS = {
  'openapi.webhooks': {
    code: 'GW_TARGET_INEXACT',
    title: 'The public spec leaves out webhooks: they are calls the service makes, not routes of the gateway.',
  },
  'openapi.collection-format': {
    code: 'GW_TARGET_INEXACT',
    title: 'A Swagger 2.0 collectionFormat has no OpenAPI 3 style; the public spec keeps the default style.',
  },
  'openapi.nested-collection-format': {
    code: 'GW_TARGET_INEXACT',
    title: 'A collectionFormat on nested items has no OpenAPI 3 equivalent; the public spec has a plain array.',
  },
  'openapi.unfollowable-ref': {
    code: 'GW_TARGET_INEXACT',
    title: 'A $ref gw cannot follow (an anchor, an $id) stays as written in the public spec.',
  },
  'openapi.tag-description': {
    code: 'GW_TARGET_INEXACT',
    title: "Two services describe one tag differently; the public spec keeps the first service's description.",
  },
  'node.env-collision': {
    code: 'GW_TARGET_INEXACT',
    title: 'Two upstreams would share one override variable of the node gateway; the second gets none.',
  },
  'nginx.compose': {
    code: 'GW_TARGET_INEXACT',
    title: 'nginx does not run composite operations yet: such a route answers 501 GW_HTTP_COMPOSE_UNSUPPORTED.',
  },
  'nginx.resolver': {
    code: 'GW_TARGET_INEXACT',
    title: 'Hostname targets without build.nginx.resolver: nginx cannot resolve them and answers 502.',
  },
  'nginx.hostname-balancing': {
    code: 'GW_TARGET_INEXACT',
    title: 'Several hostname targets: nginx picks one per request, without keep-alive, ejection or retries.',
  },
  'nginx.upstream-host': {
    code: 'GW_TARGET_INEXACT',
    title: "An upstream block's targets differ in host or port: nginx sends each the first one's Host.",
  },
  'nginx.health-check': {
    code: 'GW_TARGET_INEXACT',
    title: 'Active health checks: open-source nginx has only passive ones.',
  },
  'nginx.bcrypt': {
    code: 'GW_TARGET_INEXACT',
    title: 'htpasswd bcrypt ($2y$) lines: the njs check refuses those users.',
  },
  'nginx.jwks-url': {
    code: 'GW_TARGET_INEXACT',
    title: 'A JWKS URL: nginx reads key sets from files only, so RS256/ES256 tokens are refused.',
  },
  'nginx.auth-scheme': {
    code: 'GW_TARGET_INEXACT',
    title: 'A security scheme nginx cannot check (not apiKey, basic or bearer): its requests are refused.',
  },
  'nginx.rate-limit-window': {
    code: 'GW_TARGET_INEXACT',
    title: "A rate limit: nginx's limit_req is a leaky bucket, not gw's fixed window.",
  },
  'nginx.rate-limit-store': {
    code: 'GW_TARGET_INEXACT',
    title: 'A Redis rate-limit store: each nginx instance counts alone, in its own shared memory.',
  },
  'nginx.validate': {
    code: 'GW_TARGET_INEXACT',
    title: 'validate: true: nginx forwards requests without checking them against the schemas.',
  },
  'nginx.trusted-hops': {
    code: 'GW_TARGET_INEXACT',
    title: 'A hop count above 1: nginx passes every trusted address of X-Forwarded-For, or one hop without addresses.',
  },
  'nginx.h2c': {
    code: 'GW_TARGET_INEXACT',
    title: 'listen.h2c: nginx 1.22 cannot take HTTP/2 and HTTP/1.1 on one cleartext port; the listener stays HTTP/1.1.',
  },
  'nginx.websocket-lifetime': {
    code: 'GW_TARGET_INEXACT',
    title: "websocket.maxLifetime: nginx has no limit on a tunnel's life, only its idle timeout.",
  },
  'envoy.trusted-proxies': {
    code: 'GW_TARGET_INEXACT',
    title: 'Trusted proxy addresses without hops: Envoy counts hops only, so it ignores X-Forwarded-For.',
  },
  'envoy.listen-host': {
    code: 'GW_TARGET_INEXACT',
    title: 'listen.host is a hostname: Envoy listens on addresses only, so it listens on 0.0.0.0.',
  },
  'envoy.allow-header': {
    code: 'GW_TARGET_INEXACT',
    title: "Too many partly overlapping paths: a 405's Allow header lists only some methods.",
  },
  'envoy.mock-status': {
    code: 'GW_TARGET_INEXACT',
    title: "A mock answer's status is one Envoy's local reply mapping rewrites into a problem+json body.",
  },
  'envoy.compose': {
    code: 'GW_TARGET_INEXACT',
    title: 'Envoy does not run composite operations yet: such a route answers 501 GW_HTTP_COMPOSE_UNSUPPORTED.',
  },
  'envoy.validate': {
    code: 'GW_TARGET_INEXACT',
    title: 'validate: true: Envoy forwards requests without checking them against the schemas.',
  },
  'envoy.basic-sha-only': {
    code: 'GW_TARGET_INEXACT',
    title: "Envoy's basic_auth reads only {SHA} htpasswd lines; any other line fails the whole configuration.",
  },
  'envoy.hs256-jwks': {
    code: 'GW_TARGET_INEXACT',
    title: 'An HS256 secret reaches jwt_authn only as a JWKS file that envoy/hs256-jwks.sh makes.',
  },
  'envoy.consumer-header': {
    code: 'GW_TARGET_INEXACT',
    title: "A scheme names its consumer in one header for every route, not in this route's consumerHeader.",
  },
  'envoy.optional-auth': {
    code: 'GW_TARGET_INEXACT',
    title: 'Optional credentials (an empty requirement): Envoy checks none and names no consumer.',
  },
  'envoy.scopes-without-jwt': {
    code: 'GW_TARGET_INEXACT',
    title: 'Scopes on an API key or basic requirement: it never passes, and Envoy answers 401, not 403.',
  },
  'envoy.basic-alternative': {
    code: 'GW_TARGET_INEXACT',
    title: 'Basic credentials as one alternative among others: basic_auth cannot, so that alternative is refused.',
  },
  'envoy.local-rate-limit': {
    code: 'GW_TARGET_INEXACT',
    title: 'The memory store: local_ratelimit keeps one bucket per route for all clients.',
  },
  'envoy.rate-limit-mock': {
    code: 'GW_TARGET_INEXACT',
    title: 'A mocked route is not rate-limited: a direct_response carries no rate_limits.',
  },
  'envoy.rate-limit-unit': {
    code: 'GW_TARGET_INEXACT',
    title: 'The rate limit service counts per second, minute, hour or day; the limit is rounded to one.',
  },
  'envoy.rate-limit-shared-counter': {
    code: 'GW_TARGET_INEXACT',
    title: 'Routes sharing a counter with different limits: the rate limit service holds one limit per counter.',
  },
  'envoy.cors-request-headers': {
    code: 'GW_TARGET_INEXACT',
    title: 'Credentialed CORS without cors.headers: preflights allow only the CORS-safelisted headers.',
  },
} as const satisfies Record<string, KindInfo>;

export type Kind = keyof typeof KINDS;

/** The kinds of one code (never, for a code without kinds). */
export type KindOf<C extends Code> = { [K in Kind]: (typeof KINDS)[K]['code'] extends C ? K : never }[Kind];
