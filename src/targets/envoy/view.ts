import { isIP } from 'node:net';
import { CODES, type Code } from '../../diagnostics/codes.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import { templateParams } from '../../model/path.js';
import type { Gateway, HttpMethod, MockResponse, Route, SecurityScheme, Upstream } from '../../model/types.js';
import { planAuth, type AuthView, type DataSourceView, type Hs256View, type RouteAuthView } from './auth-view.js';
import { planCors, type CorsPolicyView } from './cors-view.js';
import { envoyComment, envoyDuration, envoySubstitution, withQuery } from './escape.js';
import { buildMethodNotAllowed, groupRoutesByPath, MAX_PARTIAL_OVERLAPS } from './method-groups.js';
import {
  planRateLimits,
  RATE_LIMIT_CLUSTER,
  RATE_LIMIT_SERVICE,
  type LocalBucketView,
  type RateLimitConfigView,
  type RateLimitView,
  type RouteRateLimitView,
} from './rate-limit-view.js';
import { buildEnvoyEdgeView, type EnvoyEdgeView } from './edge-view.js';

/**
 * Every decision of the Envoy target; templates/envoy/envoy.yaml.hbs only prints this view.
 * One listener, one route table in model order (CORS preflight routes, method routes, then the
 * 405 blocks; no route at all is Envoy's own 404, turned into problem+json by the local reply
 * mappers), one cluster per upstream that has targets. The policies (auth-view.ts,
 * rate-limit-view.ts, cors-view.ts) add HTTP filters and per-route filter configs.
 */
export interface EnvoyView {
  name: string;
  listen: { address: string; port: number };
  /** How clients are treated (the model's edge): HttpConnectionManager fields. */
  edge: EnvoyEdgeView;
  admin: { address: string; port: number };
  /** CA bundle https targets are verified against (the system's, as gw serve). */
  caFile: string;
  /** The buffer filter's default limit: the largest route limit (each proxied route sets its own). */
  maxRequestBytes: number;
  /** Envoy refuses direct_response bodies over 4 KiB unless the route table raises this. */
  maxDirectResponseBytes: number | null;
  routes: RouteView[];
  replies: LocalReplyView[];
  clusters: ClusterView[];
  policies: PoliciesView;
  /** envoy/ratelimit-config.yaml (Redis-backed limits), or null. */
  rateLimitConfig: RateLimitConfigView | null;
  /** HS256 secrets envoy/hs256-jwks.sh turns into JWKS; empty: no script. */
  hs256: Hs256View[];
}

/** The HTTP filters the policies need (each null/false when no route needs it). */
export interface PoliciesView extends Omit<AuthView, 'jwksClusters' | 'hs256'> {
  cors: boolean;
  rateLimit: RateLimitView;
}

export interface HeaderMatchView {
  name: string;
  exact: string | null;
  regex: string | null;
  /** Matches when the header is there, whatever its value (exact and regex null). */
  present: boolean;
}

export interface RouteView {
  comments: string[];
  name: string;
  /** Exactly one of path (literal paths) and regex (templates) is set. */
  path: string | null;
  regex: string | null;
  headers: HeaderMatchView[];
  proxy: ProxyView | null;
  direct: DirectView | null;
  policies: RoutePolicyView | null;
}

/** A route's per-filter configs and what the router does for the policies. */
export interface RoutePolicyView {
  cors: CorsPolicyView | null;
  /** jwt_authn requirement_map name. */
  jwtRequirement: string | null;
  basicUsers: DataSourceView | null;
  /** Route metadata for the gw-auth Lua filter (printed as JSON), or null. */
  lua: unknown;
  /** RBACPerRoute.rbac (printed as JSON), or null. */
  rbac: unknown;
  localRateLimit: LocalBucketView | null;
  /** RouteAction.rate_limits (printed as JSON), or null. */
  rateLimits: unknown;
  removeHeaders: string[];
}

export interface ProxyView {
  cluster: string;
  timeout: string;
  prefixRewrite: string | null;
  regexRewrite: { pattern: string; substitution: string } | null;
  autoHostRewrite: boolean;
  retry: { retryOn: string; numRetries: number } | null;
  maxRequestBytes: number;
}

export interface DirectView {
  status: number;
  body: string | null;
  headers: { name: string; value: string }[];
}

/** One local_reply_config mapper: Envoy's own answers rewritten to gw's problem+json. */
export interface LocalReplyView {
  comment: string;
  /** Matched by response flags (Envoy's reason), or else by status. */
  flags: string[] | null;
  matchStatus: number | null;
  /** With matchStatus: only when the request has this header too. */
  requestHeader: string | null;
  status: number;
  code: Code;
  type: string;
  title: string;
  detail: string;
}

export interface ClusterView {
  comments: string[];
  name: string;
  type: 'STATIC' | 'STRICT_DNS';
  /** Hostnames resolve to IPv4 first (STRICT_DNS only). */
  dnsLookupFamily: 'V4_PREFERRED' | null;
  lbPolicy: 'ROUND_ROBIN' | 'LEAST_REQUEST';
  connectTimeout: string;
  idleTimeout: string;
  /** HTTP/2 to the endpoints (gRPC services). */
  http2: boolean;
  endpoints: EndpointView[];
  /** Cluster-wide TLS when every target is https to the same host; else per-endpoint matches. */
  tls: TlsView | null;
  tlsMatches: TlsView[];
  healthCheck: HealthCheckView | null;
  /** null for one target: gw never ejects an upstream's last target. */
  outlier: { maxEjectionPercent: number } | null;
}

export interface EndpointView {
  comment: string;
  address: string;
  port: number;
  /** The Host header gw sends (auto_host_rewrite and health checks use it). */
  hostname: string;
  weight: number | null;
  /** Key of the TLS match this endpoint uses (per-endpoint TLS only). */
  tlsMatch: string | null;
}

export interface TlsView {
  name: string;
  sni: string | null;
  san: string;
  sanType: 'DNS' | 'IP_ADDRESS';
}

export interface HealthCheckView {
  path: string;
  interval: string;
  timeout: string;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

const IDEMPOTENT = new Set<HttpMethod>(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
export const ENVOY_CA_FILE = '/etc/ssl/certs/ca-certificates.crt';

export function buildEnvoyView(gateway: Gateway): { view: EnvoyView; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const maxRequestBytes = Math.max(0, ...gateway.routes.map((r) => r.settings.maxBodyBytes)) || 10 * 1024 * 1024;
  const ownHead = new Set(gateway.routes.filter((r) => r.method === 'HEAD').map((r) => r.match.regex));
  const auth = planAuth(gateway);
  const rateLimits = planRateLimits(gateway);
  const cors = planCors(gateway.routes);
  const replies = localReplies(auth.routes.size > 0, cors.policies.size > 0, rateLimits.routes.size > 0);
  const mappedStatuses = new Set(
    replies.flatMap((m) => (m.matchStatus !== null && m.requestHeader === null ? [m.matchStatus] : [])),
  );
  const routes: RouteView[] = gateway.routes.flatMap((r) =>
    preflightRoute(r, ownHead.has(r.match.regex), cors.policies.get(r.id)),
  );
  for (const r of gateway.routes) {
    const policies = routePolicies(auth.routes.get(r.id), rateLimits.routes.get(r.id), cors.policies.get(r.id));
    routes.push(
      routeView(
        r,
        ownHead.has(r.match.regex),
        policies,
        auth.routes.get(r.id)?.deny ?? null,
        mappedStatuses,
        diagnostics,
      ),
    );
  }
  const { blocks, truncated } = buildMethodNotAllowed(groupRoutesByPath(gateway.routes));
  for (const g of truncated) {
    diagnostics.push(
      inexact(
        gateway.routes.find((r) => r.match.regex === g.regex)!,
        `more than ${MAX_PARTIAL_OVERLAPS} later paths partly overlap this one, so Envoy's 405 Allow header lists only this path's methods and those of paths that contain it`,
      ),
    );
  }
  for (const b of blocks) {
    routes.push({
      comments: [
        `405 for ${b.group.exactPath ?? b.group.regex}${b.alsoMatching.length ? ` when the path also matches ${b.alsoMatching.join(' and ')}` : ''}`,
      ],
      name: `405 ${b.group.regex}${b.alsoMatching.map((m) => ` & ${m}`).join('')}`,
      path: b.group.exactPath,
      regex: b.group.exactPath === null ? b.group.regex : null,
      headers: b.alsoMatching.map((m) => ({ name: ':path', exact: null, regex: withQuery(m), present: false })),
      proxy: null,
      direct: { status: 405, body: null, headers: [{ name: 'allow', value: b.allow.join(', ') }] },
      policies: null,
    });
  }
  for (const r of gateway.routes) {
    const notes = [
      ...(auth.notes.get(r.id) ?? []),
      ...(rateLimits.notes.get(r.id) ?? []),
      ...(cors.notes.get(r.id) ?? []),
    ];
    if (r.settings.validate)
      notes.push(
        "Envoy does not check requests against the operation's schemas (validate: true), so invalid requests reach the upstream",
      );
    if (notes.length > 0) diagnostics.push(inexact(r, notes.join('; ')));
  }
  for (const { scheme, message } of auth.schemeNotes) diagnostics.push(schemeNote(scheme, message));
  const bodies = routes.flatMap((r) => (r.direct?.body != null ? [Buffer.byteLength(r.direct.body)] : []));
  const largestBody = Math.max(0, ...bodies);
  const usedUpstreams = new Set(gateway.routes.filter((r) => r.mock === null).map((r) => r.upstream));
  const { jwksClusters, hs256, ...authFilters } = auth.view;
  const clusters = gateway.upstreams
    .filter((u) => u.targets.length > 0 && usedUpstreams.has(u.id))
    .map((u) => clusterView(u, gateway.routes));
  for (const j of jwksClusters) clusters.push(urlCluster(j.name, j.url, `fetches the JWKS of ${j.scheme}`));
  if (rateLimits.view.global) {
    const { address, port } = RATE_LIMIT_SERVICE;
    clusters.push(
      urlCluster(
        RATE_LIMIT_CLUSTER,
        `http://${address}:${port}`,
        'the rate limit service (envoyproxy/ratelimit, gRPC) that keeps the counters in Redis',
        true,
      ),
    );
  }
  const view: EnvoyView = {
    name: gateway.name,
    listen: listenAddress(gateway, diagnostics),
    edge: buildEnvoyEdgeView(gateway.edge),
    admin: { address: '127.0.0.1', port: 9901 },
    caFile: ENVOY_CA_FILE,
    maxRequestBytes,
    maxDirectResponseBytes: largestBody > 4096 ? largestBody : null,
    routes,
    replies,
    clusters,
    policies: { ...authFilters, cors: cors.policies.size > 0, rateLimit: rateLimits.view },
    rateLimitConfig: rateLimits.config,
    hs256,
  };
  return { view, diagnostics };
}

function routePolicies(
  auth: RouteAuthView | undefined,
  rateLimit: RouteRateLimitView | undefined,
  cors: CorsPolicyView | undefined,
): RoutePolicyView | null {
  if (!auth && !rateLimit && !cors) return null;
  return {
    cors: cors ?? null,
    jwtRequirement: auth?.jwtRequirement ?? null,
    basicUsers: auth?.basicUsers ?? null,
    lua: auth?.lua ?? null,
    rbac: auth?.rbac ?? null,
    localRateLimit: rateLimit?.local ?? null,
    rateLimits: rateLimit?.global ?? null,
    removeHeaders: auth?.removeHeaders ?? [],
  };
}

/** The preflight route of a route with CORS: its path, OPTIONS asking for its method, from an Origin; answered by the cors filter, else 403. */
function preflightRoute(r: Route, pathHasHead: boolean, cors: CorsPolicyView | undefined): RouteView[] {
  if (!cors) return [];
  const exact = r.match.kind === 'exact';
  const asked = methodMatch(r.method, pathHasHead);
  const body = problemBody('GW_HTTP_CORS_REJECTED', 403, 'this origin may not call this route');
  return [
    {
      comments: [`CORS preflight for ${r.id}: ${r.method} ${r.path}`].map(envoyComment),
      name: `preflight ${r.id}`,
      path: exact ? r.path : null,
      regex: exact ? null : r.match.regex,
      headers: [
        { name: ':method', exact: 'OPTIONS', regex: null, present: false },
        { ...asked, name: 'access-control-request-method' },
        { name: 'origin', exact: null, regex: null, present: true },
      ],
      proxy: null,
      direct: {
        status: 403,
        body,
        headers: [
          { name: 'content-type', value: 'application/problem+json' },
          { name: 'cache-control', value: 'no-store' },
        ],
      },
      policies: routePolicies(undefined, undefined, cors),
    },
  ];
}

function routeView(
  r: Route,
  pathHasHead: boolean,
  policies: RoutePolicyView | null,
  deny: { challenge: string } | null,
  mapped: ReadonlySet<number>,
  diagnostics: Diagnostic[],
): RouteView {
  const exact = r.match.kind === 'exact';
  const headers = [methodMatch(r.method, pathHasHead)];
  const base = {
    comments: [`${r.id}: ${r.method} ${r.path}`, `from ${r.source.file} at ${r.source.pointer}`].map(envoyComment),
    name: r.id,
    path: exact ? r.path : null,
    regex: exact ? null : r.match.regex,
    headers,
    policies,
  };
  if (deny) {
    // Every requirement needs something nothing checks: refused, as gw serve refuses it.
    const body = problemBody(
      'GW_HTTP_UNAUTHORIZED',
      401,
      "no credentials this gateway checks can meet this operation's security",
    );
    const denyHeaders = [
      { name: 'content-type', value: 'application/problem+json' },
      { name: 'cache-control', value: 'no-store' },
    ];
    if (deny.challenge !== '') denyHeaders.push({ name: 'www-authenticate', value: deny.challenge });
    return {
      ...base,
      policies: policies && {
        ...policies,
        jwtRequirement: null,
        basicUsers: null,
        lua: null,
        rbac: null,
        removeHeaders: [],
      },
      proxy: null,
      direct: { status: 401, body, headers: denyHeaders },
    };
  }
  if (r.mock !== null) {
    const first = r.mock[0];
    if (first && mapped.has(first.status)) {
      diagnostics.push(
        inexact(
          r,
          `its mock answer has status ${first.status}, which Envoy's local reply mapping turns into a gw problem+json body`,
        ),
      );
    }
    return { ...base, proxy: null, direct: mockDirect(first) };
  }
  return { ...base, proxy: proxyView(r), direct: null };
}

/** HEAD is served by the GET route unless the path has a HEAD route of its own (gw serve's rule). */
function methodMatch(method: HttpMethod, pathHasHead: boolean): HeaderMatchView {
  if (method === 'GET' && !pathHasHead)
    return { name: ':method', exact: null, regex: '^(?:GET|HEAD)$', present: false };
  return { name: ':method', exact: method, regex: null, present: false };
}

function proxyView(r: Route): ProxyView {
  const exact = r.match.kind === 'exact';
  const same = r.upstreamPath === r.path;
  return {
    cluster: r.upstream,
    timeout: envoyDuration(r.settings.requestTimeoutMs),
    prefixRewrite: exact && !same ? r.upstreamPath : null,
    regexRewrite: !exact && !same ? { pattern: r.match.regex, substitution: rewriteSubstitution(r) } : null,
    autoHostRewrite: !r.settings.preserveHost,
    retry:
      IDEMPOTENT.has(r.method) && r.settings.retries > 0
        ? { retryOn: 'connect-failure,reset', numRetries: r.settings.retries }
        : null,
    maxRequestBytes: r.settings.maxBodyBytes,
  };
}

/** `/v1/orders/{orderId}` -> `/v1/orders/\1`, numbering captures as the route regex does (one per parameter, in order). */
export function rewriteSubstitution(r: Pick<Route, 'segments' | 'upstreamPath'>): string {
  const order = templateParams(r.segments);
  const parts: (string | number)[] = [];
  for (const piece of r.upstreamPath.split(/(\{[^{}]+\})/)) {
    const name = /^\{([^{}]+)\}$/.exec(piece)?.[1];
    const index = name !== undefined ? order.indexOf(name) : -1;
    parts.push(index >= 0 ? index + 1 : piece);
  }
  return envoySubstitution(parts.filter((p) => p !== ''));
}

/** The body gw serve sends for a mock (same serialisation as runtime/compile.ts). */
export function mockBody(m: MockResponse): string | null {
  if (m.contentType === null) return null;
  if (typeof m.body === 'string' && !/json/i.test(m.contentType)) return m.body;
  return `${JSON.stringify(m.body ?? null, null, 2)}\n`;
}

function problemBody(code: Code, status: number, detail: string): string {
  return JSON.stringify({ type: problemType(code), title: CODES[code].title, status, detail, code });
}

function mockDirect(m: MockResponse | undefined): DirectView {
  if (!m) {
    const body = problemBody('GW_HTTP_BAD_REQUEST', 400, 'this operation documents no response');
    return {
      status: 400,
      body,
      headers: [
        { name: 'content-type', value: 'application/problem+json' },
        { name: 'cache-control', value: 'no-store' },
      ],
    };
  }
  const headers = [{ name: 'x-gw-mock', value: 'true' }];
  if (m.contentType !== null) headers.unshift({ name: 'content-type', value: m.contentType });
  return { status: m.status, body: mockBody(m), headers };
}

function problemType(code: Code): string {
  return `https://gw.dev/errors#${code.toLowerCase()}`;
}

/** The local reply mappers, first match wins; those of the policies only when some route has them. */
function localReplies(auth: boolean, cors: boolean, rateLimit: boolean): LocalReplyView[] {
  const reply = (
    comment: string,
    flags: string[] | null,
    matchStatus: number | null,
    code: Code,
    detail: string,
    requestHeader: string | null = null,
  ): LocalReplyView => {
    const info = CODES[code] as { title: string; status?: number };
    return {
      comment,
      flags,
      matchStatus,
      requestHeader,
      status: info.status!,
      code,
      type: problemType(code),
      title: info.title,
      detail,
    };
  };
  return [
    reply('no route matched (Envoy: NR)', ['NR'], null, 'GW_HTTP_NOT_FOUND', 'no route matches this path'),
    reply(
      'no healthy target, or too many requests queued (UH, UO)',
      ['UH', 'UO'],
      null,
      'GW_HTTP_NO_HEALTHY_UPSTREAM',
      'no healthy target for this service',
    ),
    reply(
      'the upstream did not answer in time (UT)',
      ['UT'],
      null,
      'GW_HTTP_UPSTREAM_TIMEOUT',
      'the service did not answer in time',
    ),
    reply(
      'connection refused, reset or failed; retries used up (UF, URX, UC, UR, UPE)',
      ['UF', 'URX', 'UC', 'UR', 'UPE'],
      null,
      'GW_HTTP_UPSTREAM_FAILED',
      'the service could not be reached',
    ),
    ...(rateLimit
      ? [
          reply(
            'a rate limit is used up (RL): local_ratelimit or the rate limit service',
            ['RL'],
            null,
            'GW_HTTP_TOO_MANY_REQUESTS',
            'the rate limit of this route is used up; X-RateLimit-Reset says when to come back',
          ),
          reply(
            'the rate limit service could not answer and failMode is closed (RLSE)',
            ['RLSE'],
            null,
            'GW_HTTP_RATE_LIMIT_UNAVAILABLE',
            'the rate limit cannot be checked right now',
          ),
        ]
      : []),
    reply('the 405 routes above', null, 405, 'GW_HTTP_METHOD_NOT_ALLOWED', '%REQ(:METHOD)% is not allowed here'),
    reply(
      'the buffer filter refused a body over the route limit',
      null,
      413,
      'GW_HTTP_PAYLOAD_TOO_LARGE',
      'the request body is larger than this route allows',
    ),
    ...(cors
      ? [
          reply(
            'a preflight from an origin the route does not allow (its preflight route)',
            null,
            403,
            'GW_HTTP_CORS_REJECTED',
            'the origin %REQ(ORIGIN)% may not call this route',
            'access-control-request-method',
          ),
        ]
      : []),
    ...(auth
      ? [
          reply(
            'no valid credentials: jwt_authn, basic_auth, gw-auth, or a route nothing can pass',
            null,
            401,
            'GW_HTTP_UNAUTHORIZED',
            'this operation needs valid credentials; WWW-Authenticate says which',
          ),
          reply(
            'valid credentials without the scopes the route needs: RBAC or gw-auth',
            null,
            403,
            'GW_HTTP_FORBIDDEN',
            'the credentials are valid but lack a scope this operation needs',
          ),
        ]
      : []),
  ];
}

function clusterView(u: Upstream, routes: readonly Route[]): ClusterView {
  const mine = routes.filter((r) => r.upstream === u.id && r.mock === null);
  // As gw serve: one connect timeout per upstream, the longest any of its routes asks for.
  const connectMs = Math.max(0, ...mine.map((r) => r.settings.connectTimeoutMs)) || 5000;
  // Hostnames are resolved by Envoy (STRICT_DNS), so a name that does not resolve yet does not stop it loading.
  const allIps = u.targets.every((t) => isIP(bareHost(t.host)) !== 0);
  const https = u.targets.filter((t) => t.scheme === 'https');
  const httpsHosts = [...new Set(https.map((t) => bareHost(t.host)))].sort();
  const clusterTls = https.length === u.targets.length && httpsHosts.length === 1;
  const tlsOf = (host: string): TlsView => ({
    name: `tls ${host}`,
    sni: isIP(host) ? null : host,
    san: host,
    sanType: isIP(host) ? 'IP_ADDRESS' : 'DNS',
  });
  return {
    comments: [
      `upstream ${u.id} (service ${u.service}, ${u.balancing})`,
      `from ${u.source.file} at ${u.source.pointer}`,
    ].map(envoyComment),
    name: u.id,
    type: allIps ? 'STATIC' : 'STRICT_DNS',
    dnsLookupFamily: allIps ? null : 'V4_PREFERRED',
    lbPolicy: u.balancing === 'least-connections' ? 'LEAST_REQUEST' : 'ROUND_ROBIN',
    connectTimeout: envoyDuration(connectMs),
    idleTimeout: '4s',
    http2: false,
    endpoints: u.targets.map((t) => ({
      comment: envoyComment(t.url),
      address: bareHost(t.host),
      port: t.port,
      hostname:
        (t.scheme === 'https' && t.port === 443) || (t.scheme === 'http' && t.port === 80)
          ? t.host
          : `${t.host}:${t.port}`,
      weight: u.balancing === 'round-robin' ? null : t.weight,
      tlsMatch: t.scheme === 'https' && !clusterTls ? bareHost(t.host) : null,
    })),
    tls: clusterTls ? tlsOf(httpsHosts[0]!) : null,
    tlsMatches: clusterTls ? [] : httpsHosts.map(tlsOf),
    healthCheck: u.healthCheck && {
      path: u.healthCheck.path,
      interval: envoyDuration(u.healthCheck.intervalMs),
      timeout: envoyDuration(u.healthCheck.timeoutMs),
      healthyThreshold: u.healthCheck.healthyThreshold,
      unhealthyThreshold: u.healthCheck.unhealthyThreshold,
    },
    outlier:
      u.targets.length > 1
        ? { maxEjectionPercent: Math.floor((100 * (u.targets.length - 1)) / u.targets.length) }
        : null,
  };
}

/** A cluster Envoy itself calls (a JWKS URL, the rate limit service): one target, TLS for https. */
function urlCluster(name: string, url: string, what: string, http2 = false): ClusterView {
  const u = new URL(url);
  const https = u.protocol === 'https:';
  const host = bareHost(u.hostname);
  const port = u.port !== '' ? Number(u.port) : https ? 443 : 80;
  const ip = isIP(host) !== 0;
  return {
    comments: [`${name}: ${what}`, url].map(envoyComment),
    name,
    type: ip ? 'STATIC' : 'STRICT_DNS',
    dnsLookupFamily: ip ? null : 'V4_PREFERRED',
    lbPolicy: 'ROUND_ROBIN',
    connectTimeout: '5s',
    idleTimeout: '60s',
    http2,
    endpoints: [
      {
        comment: envoyComment(`${u.protocol}//${u.host}`),
        address: host,
        port,
        hostname: u.host,
        weight: null,
        tlsMatch: null,
      },
    ],
    tls: https ? { name: `tls ${host}`, sni: ip ? null : host, san: host, sanType: ip ? 'IP_ADDRESS' : 'DNS' } : null,
    tlsMatches: [],
    healthCheck: null,
    outlier: null,
  };
}

/** `[::1]` -> `::1`: Envoy addresses are bare. */
function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function listenAddress(gateway: Gateway, diagnostics: Diagnostic[]): { address: string; port: number } {
  const host = bareHost(gateway.listen.host);
  if (isIP(host) !== 0) return { address: host, port: gateway.listen.port };
  if (host === 'localhost') return { address: '127.0.0.1', port: gateway.listen.port };
  diagnostics.push(
    createDiagnostic(
      'GW_TARGET_INEXACT',
      `envoy: listen.host "${gateway.listen.host}" is not an IP address, and Envoy listens on addresses only; the listener uses 0.0.0.0`,
      {
        kind: 'envoy.listen-host',
        locations: [{ file: 'gw.yaml', pointer: '#/listen/host' }],
        hints: ['set listen.host in gw.yaml to an IP address such as 127.0.0.1 or 0.0.0.0'],
      },
    ),
  );
  return { address: '0.0.0.0', port: gateway.listen.port };
}

function schemeNote(s: SecurityScheme, what: string): Diagnostic {
  return createDiagnostic('GW_TARGET_INEXACT', `envoy: security scheme ${s.id}: ${what}`, {
    locations: [{ file: s.source.file, pointer: s.source.pointer }],
    hints: ['see docs/targets/envoy.md, "Authentication"'],
  });
}

function inexact(r: Route, what: string): Diagnostic {
  return createDiagnostic('GW_TARGET_INEXACT', `envoy: ${r.method} ${r.path} (${r.id}): ${what}`, {
    locations: [{ file: r.source.file, pointer: r.source.pointer }],
    hints: ['see docs/targets/envoy.md, "What differs from gw serve"'],
  });
}
