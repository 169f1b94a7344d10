import type { Gateway, Route } from '../../src/model/types.js';
import type { EchoReport } from '../helpers/echo-upstream.js';
import { AUTH, credentialsFor } from './shop-credentials.js';
import { VALID_BODIES } from './limits-scenarios.js';

/**
 * The ONE scenario list every data plane is held to (gw serve now; the generated NGINX config and
 * Node gateway run the same list). A scenario is a request and what must come back, and what the
 * upstream must have received. Data-plane independent: only HTTP in, HTTP out.
 */
export interface Scenario {
  name: string;
  request: { method: string; path: string; headers?: Record<string, string>; body?: string };
  expect: {
    status: number;
    /** The echo upstream that must have answered (its service name). */
    upstream?: string;
    /** Path and query the upstream must have received. */
    upstreamUrl?: string;
    upstreamMethod?: string;
    /** Headers the upstream must have received (lower-case names; a RegExp to match). */
    upstreamHeaders?: Record<string, string | RegExp | null>;
    /** Response headers the client must get (null: must be absent). */
    headers?: Record<string, string | RegExp | null>;
    /** For answers from the gateway itself: the problem+json code. */
    problem?: string;
    /** The response body must match (e.g. the field a validation problem names). */
    body?: RegExp;
  };
  /**
   * Where a data plane cannot do what the others do: the plane, why, and what it answers instead
   * (matched against the differences `judge` reports, so a changed behaviour fails the test).
   */
  differs?: { plane: string; why: string; got: RegExp }[];
  /** What HTTP/2 cannot carry of the request, so every plane answers it otherwise over h2 (overHttps). */
  h2Differs?: { why: string; got: RegExp };
}

/** The transports the list runs over besides cleartext HTTP/1.1 (docs/tls.md). */
export type HttpsTransport = 'https/1.1' | 'https/h2';

/**
 * The list as it runs over https on planes named `<plane> <transport>`: X-Forwarded-Proto is https upstream, rate
 * limit keys (X-Client-Id) are the transport's own so each run starts with fresh windows, a plane's documented
 * differences carry over, and over h2 the differences HTTP/2 itself makes are added for every plane.
 */
export function overHttps(list: readonly Scenario[], transport: HttpsTransport, planes: readonly string[]): Scenario[] {
  return list.map((s) => {
    const headers = s.request.headers && { ...s.request.headers };
    if (headers?.['x-client-id'] !== undefined) headers['x-client-id'] += `@${transport}`;
    const upstreamHeaders = s.expect.upstreamHeaders && { ...s.expect.upstreamHeaders };
    if (upstreamHeaders?.['x-forwarded-proto'] === 'http') upstreamHeaders['x-forwarded-proto'] = 'https';
    const h2 = transport === 'https/h2' && s.h2Differs ? planes.map((p) => ({ plane: p, ...s.h2Differs! })) : [];
    const own = (s.differs ?? []).filter((d) => !h2.some((h) => h.plane === d.plane));
    const differs = [...own, ...h2].map((d) => ({ ...d, plane: `${d.plane} ${transport}` }));
    return {
      ...s,
      request: { ...s.request, ...(headers ? { headers } : {}) },
      expect: { ...s.expect, ...(upstreamHeaders ? { upstreamHeaders } : {}) },
      ...(differs.length > 0 ? { differs } : {}),
    };
  });
}

/** Values a typed parameter takes in generated requests. */
function sampleValue(route: Route, name: string): string {
  const s = route.params.find((p) => p.name === name)?.schema ?? {};
  if (s.enum?.length) return String(s.enum[0]);
  if (s.type === 'integer' || s.type === 'number') return '42';
  if (s.format === 'uuid') return '3f2a1c4e-9b8d-4e2f-a1b2-c3d4e5f60718';
  return 'blue-mug-7';
}

/**
 * One scenario per route of the model (composites aside): the right upstream gets the right method and path. Each
 * sends valid credentials for the route's first security requirement (a query key goes first
 * in the query, and the gateway removes it before forwarding).
 */
export function routingScenarios(gateway: Gateway): Scenario[] {
  // A composite route forwards nowhere: compose-scenarios.ts holds it to its answers.
  return gateway.routes
    .filter((r) => r.compose === undefined)
    .map((route) => {
      const fill = (template: string) => template.replace(/\{([^{}]+)\}/g, (_, n: string) => sampleValue(route, n));
      const isHead = route.method === 'HEAD';
      const credentials = credentialsFor(gateway, route);
      // A route that validates its body refuses a request without one (limits-scenarios.ts).
      const body = VALID_BODIES[route.id];
      return {
        name: `routes ${route.method} ${route.path} to ${route.service}`,
        request: {
          method: route.method,
          path: `${fill(route.path)}?${credentials.query}trace=${encodeURIComponent(route.id)}`,
          headers:
            body !== undefined ? { ...credentials.headers, 'content-type': 'application/json' } : credentials.headers,
          ...(body !== undefined ? { body } : {}),
        },
        expect: {
          status: 200,
          ...(isHead
            ? {}
            : {
                upstream: route.service,
                upstreamMethod: route.method,
                upstreamUrl: `${fill(route.upstreamPath)}?trace=${encodeURIComponent(route.id)}`,
              }),
        },
      };
    });
}

/**
 * Hand-written scenarios for the shop project (scenarios/project.ts): typing, 404/405, prefixes, headers, edge
 * safety.
 */
export const shopScenarios: Scenario[] = [
  {
    name: 'an integer parameter does not match a word',
    request: { method: 'GET', path: '/users/abc' },
    expect: { status: 404, problem: 'GW_HTTP_NOT_FOUND', headers: { 'content-type': /^application\/problem\+json/ } },
  },
  {
    name: 'a literal beats a parameter',
    request: { method: 'GET', path: '/users/me', headers: AUTH.usersKey },
    expect: { status: 200, upstream: 'users', upstreamUrl: '/api/v1/users/me' },
  },
  {
    name: 'an enum parameter outside its values does not match',
    request: { method: 'GET', path: '/catalog/categories/garden/products' },
    expect: { status: 404, problem: 'GW_HTTP_NOT_FOUND' },
  },
  {
    name: 'a pattern parameter outside its pattern does not match',
    request: { method: 'GET', path: '/catalog/products/Blue_Mug' },
    expect: { status: 404, problem: 'GW_HTTP_NOT_FOUND' },
  },
  {
    name: 'unknown path: 404 problem+json with request id',
    request: { method: 'GET', path: '/nowhere' },
    expect: { status: 404, problem: 'GW_HTTP_NOT_FOUND', headers: { 'x-request-id': /.+/ } },
  },
  {
    name: 'known path, other method: 405 with Allow',
    request: { method: 'PATCH', path: '/orders' },
    expect: { status: 405, problem: 'GW_HTTP_METHOD_NOT_ALLOWED', headers: { allow: 'GET, HEAD, POST' } },
  },
  {
    name: 'a method the literal path lacks goes to the parameter route that has it',
    request: { method: 'PUT', path: `/catalog/products/featured?${AUTH.catalogQuery}`, body: '{}' },
    expect: { status: 200, upstream: 'catalog', upstreamMethod: 'PUT', upstreamUrl: '/products/featured' },
  },
  {
    name: '405 lists the methods of every route matching the path',
    request: { method: 'DELETE', path: '/catalog/products/featured' },
    expect: { status: 405, problem: 'GW_HTTP_METHOD_NOT_ALLOWED', headers: { allow: 'GET, HEAD, PUT' } },
  },
  {
    name: 'HEAD is served by the GET route',
    request: { method: 'HEAD', path: '/users/me', headers: AUTH.usersKey },
    expect: { status: 200 },
  },
  {
    name: 'the prefix is stripped before forwarding',
    request: { method: 'GET', path: '/catalog/products?q=mug' },
    expect: { status: 200, upstream: 'catalog', upstreamUrl: '/products?q=mug' },
  },
  {
    name: 'without its prefix a prefixed service is not reachable',
    request: { method: 'GET', path: '/products' },
    expect: { status: 404 },
  },
  {
    name: "X-Forwarded-* set, Host is the upstream's, X-Request-Id kept when valid",
    request: {
      method: 'GET',
      path: '/orders',
      headers: {
        ...AUTH.orders,
        'x-request-id': 'req-123',
        'x-forwarded-for': '203.0.113.9',
        host: 'api.example.test',
      },
    },
    expect: {
      status: 200,
      upstream: 'orders',
      upstreamHeaders: {
        'x-forwarded-for': /^203\.0\.113\.9, 127\.0\.0\.1$/,
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'api.example.test',
        'x-request-id': 'req-123',
        host: /^127\.0\.0\.1:\d+$/,
      },
      headers: { 'x-request-id': 'req-123' },
    },
  },
  {
    name: 'an invalid X-Request-Id is replaced',
    request: { method: 'GET', path: '/orders', headers: { ...AUTH.orders, 'x-request-id': 'bad id with spaces' } },
    expect: {
      status: 200,
      upstreamHeaders: { 'x-request-id': /^[0-9a-f-]{36}$/ },
      headers: { 'x-request-id': /^[0-9a-f-]{36}$/ },
    },
  },
  {
    name: 'hop-by-hop headers and those named in Connection are not forwarded',
    request: {
      method: 'GET',
      path: '/orders',
      headers: {
        ...AUTH.orders,
        connection: 'keep-alive, x-secret-hop',
        'x-secret-hop': '1',
        te: 'trailers',
        'x-kept': 'yes',
      },
    },
    expect: { status: 200, upstreamHeaders: { 'x-secret-hop': null, te: null, 'x-kept': 'yes' } },
    h2Differs: {
      why: 'HTTP/2 has no Connection header (RFC 9113 8.2.2): a client cannot name x-secret-hop hop-by-hop there',
      got: /^upstream header x-secret-hop is "1", want it absent$/,
    },
    differs: [
      {
        plane: 'nginx',
        why: 'nginx removes the standard hop-by-hop headers but cannot remove headers a request names in Connection',
        got: /^upstream header x-secret-hop is "1", want it absent$/,
      },
    ],
  },
  {
    name: 'the query string is kept as sent',
    request: { method: 'GET', path: '/orders?status=paid&x=%20y', headers: AUTH.orders },
    expect: { status: 200, upstreamUrl: '/v1/orders?status=paid&x=%20y' },
  },
  {
    // Every plane refuses the path forms they would read differently (the model's edge.paths, docs/routing.md).
    name: 'a dot segment is refused: Envoy and nginx would resolve it in different orders',
    request: { method: 'GET', path: '/users/x/../me', headers: AUTH.usersKey },
    expect: { status: 400, problem: 'GW_HTTP_BAD_REQUEST' },
  },
  {
    name: 'an escaped unreserved character is refused: Envoy would not decode it',
    request: { method: 'GET', path: '/users/%6De', headers: AUTH.usersKey },
    expect: { status: 400, problem: 'GW_HTTP_BAD_REQUEST' },
  },
  {
    name: 'a path that climbs above the root is refused',
    request: { method: 'GET', path: '/../etc/passwd' },
    expect: { status: 400, problem: 'GW_HTTP_BAD_REQUEST' },
  },
  {
    name: 'an encoded slash is refused: a separator to nginx, data to Envoy',
    request: { method: 'GET', path: '/orders/a%2Fb/items' },
    expect: { status: 400, problem: 'GW_HTTP_BAD_REQUEST' },
  },
  {
    name: 'a backslash is refused: a separator to Envoy, data to nginx',
    request: { method: 'GET', path: '/orders/a\\b/items' },
    expect: { status: 400, problem: 'GW_HTTP_BAD_REQUEST' },
  },
  {
    name: 'escapes are decoded, and forwarded escaped the nginx way',
    request: { method: 'GET', path: '/orders/a%3Ab%20c%7b/items', headers: AUTH.orders },
    expect: { status: 200, upstreamUrl: '/v1/orders/a:b%20c%7B/items' },
  },
  {
    name: 'a malformed escape is refused',
    request: { method: 'GET', path: '/orders/a%zz/items' },
    expect: { status: 400, problem: 'GW_HTTP_BAD_REQUEST' },
  },
  {
    name: 'a body is forwarded',
    request: {
      method: 'POST',
      path: '/orders',
      body: '{"items":[1,2,3]}',
      headers: { ...AUTH.orders, 'content-type': 'application/json' },
    },
    expect: { status: 200, upstreamMethod: 'POST', upstreamHeaders: { 'content-length': '17' } },
  },
  {
    name: 'a body over maxBodySize is refused with 413',
    request: { method: 'POST', path: '/orders', body: 'x'.repeat(300 * 1024), headers: AUTH.orders },
    expect: { status: 413, problem: 'GW_HTTP_PAYLOAD_TOO_LARGE' },
  },
  {
    name: 'upstream status codes and headers pass through',
    request: { method: 'GET', path: '/orders', headers: { ...AUTH.orders, 'x-echo-status': '418' } },
    expect: { status: 418, upstream: 'orders', headers: { 'x-upstream': 'orders' } },
  },
];

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Checks one answer against a scenario; returns what differs, in words (empty when it passes). */
export function judge(s: Scenario, a: Answer): string[] {
  const out: string[] = [];
  const e = s.expect;
  if (a.status !== e.status) out.push(`status ${a.status}, want ${e.status} (body: ${a.body.slice(0, 200)})`);
  if (e.body && !e.body.test(a.body)) out.push(`body ${a.body.slice(0, 300)}, want it to match ${String(e.body)}`);
  for (const [k, want] of Object.entries(e.headers ?? {}))
    out.push(...compare(`response header ${k}`, a.headers[k], want));
  if (e.problem) {
    if (!/^application\/problem\+json/.test(a.headers['content-type'] ?? ''))
      out.push(`content-type ${a.headers['content-type']}, want application/problem+json`);
    else if ((JSON.parse(a.body) as { code?: string }).code !== e.problem)
      out.push(`problem code in ${a.body}, want ${e.problem}`);
  }
  if (e.upstream || e.upstreamUrl || e.upstreamMethod || e.upstreamHeaders) {
    let report: EchoReport | undefined;
    try {
      report = JSON.parse(a.body) as EchoReport;
    } catch {
      out.push(`the body is not an upstream report: ${a.body.slice(0, 200)}`);
    }
    if (report) {
      if (e.upstream && report.name !== e.upstream) out.push(`answered by ${report.name}, want ${e.upstream}`);
      if (e.upstreamUrl && report.url !== e.upstreamUrl) out.push(`upstream got ${report.url}, want ${e.upstreamUrl}`);
      if (e.upstreamMethod && report.method !== e.upstreamMethod)
        out.push(`upstream got method ${report.method}, want ${e.upstreamMethod}`);
      for (const [k, want] of Object.entries(e.upstreamHeaders ?? {}))
        out.push(...compare(`upstream header ${k}`, report.headers?.[k] as string | undefined, want));
    }
  }
  return out;
}

function compare(what: string, got: string | undefined, want: string | RegExp | null): string[] {
  if (want === null) return got === undefined ? [] : [`${what} is "${got}", want it absent`];
  if (got === undefined) return [`${what} is missing, want ${String(want)}`];
  if (typeof want === 'string' ? got !== want : !want.test(got)) return [`${what} is "${got}", want ${String(want)}`];
  return [];
}
