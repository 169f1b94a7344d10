import { isIP } from 'node:net';
import { CODES, type Code } from '../../diagnostics/codes.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import { templateParams } from '../../model/path.js';
import type { Gateway, HttpMethod, MockResponse, Route, Upstream } from '../../model/types.js';
import { envoyComment, envoyDuration, envoySubstitution, withQuery } from './escape.js';
import { buildMethodNotAllowed, groupRoutesByPath, MAX_PARTIAL_OVERLAPS } from './method-groups.js';

/**
 * Every decision of the Envoy target; templates/envoy/envoy.yaml.hbs only prints this view.
 * One listener, one route table in model order (method routes, then the 405 blocks; no route at
 * all is Envoy's own 404, turned into problem+json by the local reply mappers), one cluster per
 * upstream that has targets.
 */
export interface EnvoyView {
  name: string;
  listen: { address: string; port: number };
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
}

export interface HeaderMatchView {
  name: string;
  exact: string | null;
  regex: string | null;
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
/** Statuses the local reply mappers match by status alone: a mock answering one of them would be rewritten. */
const MAPPED_STATUSES = new Set([405, 413]);
export const ENVOY_CA_FILE = '/etc/ssl/certs/ca-certificates.crt';

export function buildEnvoyView(gateway: Gateway): { view: EnvoyView; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const maxRequestBytes = Math.max(0, ...gateway.routes.map((r) => r.settings.maxBodyBytes)) || 10 * 1024 * 1024;
  const ownHead = new Set(gateway.routes.filter((r) => r.method === 'HEAD').map((r) => r.match.regex));
  const routes: RouteView[] = gateway.routes.map((r) => routeView(r, ownHead.has(r.match.regex), diagnostics));
  const { blocks, truncated } = buildMethodNotAllowed(groupRoutesByPath(gateway.routes));
  for (const g of truncated) {
    diagnostics.push(inexact(gateway.routes.find((r) => r.match.regex === g.regex)!, `more than ${MAX_PARTIAL_OVERLAPS} later paths partly overlap this one, so Envoy's 405 Allow header lists only this path's methods and those of paths that contain it`));
  }
  for (const b of blocks) {
    routes.push({
      comments: [`405 for ${b.group.exactPath ?? b.group.regex}${b.alsoMatching.length ? ` when the path also matches ${b.alsoMatching.join(' and ')}` : ''}`],
      name: `405 ${b.group.regex}${b.alsoMatching.map((m) => ` & ${m}`).join('')}`,
      path: b.group.exactPath,
      regex: b.group.exactPath === null ? b.group.regex : null,
      headers: b.alsoMatching.map((m) => ({ name: ':path', exact: null, regex: withQuery(m) })),
      proxy: null,
      direct: { status: 405, body: null, headers: [{ name: 'allow', value: b.allow.join(', ') }] },
    });
  }
  const bodies = routes.flatMap((r) => (r.direct?.body != null ? [Buffer.byteLength(r.direct.body)] : []));
  const largestBody = Math.max(0, ...bodies);
  const usedUpstreams = new Set(gateway.routes.filter((r) => r.mock === null).map((r) => r.upstream));
  const view: EnvoyView = {
    name: gateway.name,
    listen: listenAddress(gateway, diagnostics),
    admin: { address: '127.0.0.1', port: 9901 },
    caFile: ENVOY_CA_FILE,
    maxRequestBytes,
    maxDirectResponseBytes: largestBody > 4096 ? largestBody : null,
    routes,
    replies: localReplies(),
    clusters: gateway.upstreams.filter((u) => u.targets.length > 0 && usedUpstreams.has(u.id)).map((u) => clusterView(u, gateway.routes)),
  };
  return { view, diagnostics };
}

function routeView(r: Route, pathHasHead: boolean, diagnostics: Diagnostic[]): RouteView {
  const exact = r.match.kind === 'exact';
  const headers = [methodMatch(r.method, pathHasHead)];
  const base = {
    comments: [`${r.id}: ${r.method} ${r.path}`, `from ${r.source.file} at ${r.source.pointer}`].map(envoyComment),
    name: r.id,
    path: exact ? r.path : null,
    regex: exact ? null : r.match.regex,
    headers,
  };
  if (r.mock !== null) {
    const first = r.mock[0];
    if (first && MAPPED_STATUSES.has(first.status)) {
      diagnostics.push(inexact(r, `its mock answer has status ${first.status}, which Envoy's local reply mapping turns into a gw problem+json body`));
    }
    return { ...base, proxy: null, direct: mockDirect(first) };
  }
  return { ...base, proxy: proxyView(r), direct: null };
}

/** HEAD is served by the GET route unless the path has a HEAD route of its own (gw serve's rule). */
function methodMatch(method: HttpMethod, pathHasHead: boolean): HeaderMatchView {
  if (method === 'GET' && !pathHasHead) return { name: ':method', exact: null, regex: '^(?:GET|HEAD)$' };
  return { name: ':method', exact: method, regex: null };
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
    retry: IDEMPOTENT.has(r.method) && r.settings.retries > 0 ? { retryOn: 'connect-failure,reset', numRetries: r.settings.retries } : null,
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
  return JSON.stringify(m.body ?? null, null, 2) + '\n';
}

function mockDirect(m: MockResponse | undefined): DirectView {
  if (!m) {
    const body = JSON.stringify({ type: problemType('GW_HTTP_BAD_REQUEST'), title: CODES.GW_HTTP_BAD_REQUEST.title, status: 400, detail: 'this operation documents no response', code: 'GW_HTTP_BAD_REQUEST' });
    return { status: 400, body, headers: [{ name: 'content-type', value: 'application/problem+json' }, { name: 'cache-control', value: 'no-store' }] };
  }
  const headers = [{ name: 'x-gw-mock', value: 'true' }];
  if (m.contentType !== null) headers.unshift({ name: 'content-type', value: m.contentType });
  return { status: m.status, body: mockBody(m), headers };
}

function problemType(code: Code): string {
  return `https://gw.dev/errors#${code.toLowerCase()}`;
}

function localReplies(): LocalReplyView[] {
  const reply = (comment: string, flags: string[] | null, matchStatus: number | null, code: Code, detail: string): LocalReplyView => {
    const info = CODES[code] as { title: string; status?: number };
    return { comment, flags, matchStatus, status: info.status!, code, type: problemType(code), title: info.title, detail };
  };
  return [
    reply('no route matched (Envoy: NR)', ['NR'], null, 'GW_HTTP_NOT_FOUND', 'no route matches this path'),
    reply('no healthy target, or too many requests queued (UH, UO)', ['UH', 'UO'], null, 'GW_HTTP_NO_HEALTHY_UPSTREAM', 'no healthy target for this service'),
    reply('the upstream did not answer in time (UT)', ['UT'], null, 'GW_HTTP_UPSTREAM_TIMEOUT', 'the service did not answer in time'),
    reply('connection refused, reset or failed; retries used up (UF, URX, UC, UR, UPE)', ['UF', 'URX', 'UC', 'UR', 'UPE'], null, 'GW_HTTP_UPSTREAM_FAILED', 'the service could not be reached'),
    reply('the 405 routes above', null, 405, 'GW_HTTP_METHOD_NOT_ALLOWED', '%REQ(:METHOD)% is not allowed here'),
    reply('the buffer filter refused a body over the route limit', null, 413, 'GW_HTTP_PAYLOAD_TOO_LARGE', 'the request body is larger than this route allows'),
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
  const tlsOf = (host: string): TlsView => ({ name: `tls ${host}`, sni: isIP(host) ? null : host, san: host, sanType: isIP(host) ? 'IP_ADDRESS' : 'DNS' });
  return {
    comments: [`upstream ${u.id} (service ${u.service}, ${u.balancing})`, `from ${u.source.file} at ${u.source.pointer}`].map(envoyComment),
    name: u.id,
    type: allIps ? 'STATIC' : 'STRICT_DNS',
    dnsLookupFamily: allIps ? null : 'V4_PREFERRED',
    lbPolicy: u.balancing === 'least-connections' ? 'LEAST_REQUEST' : 'ROUND_ROBIN',
    connectTimeout: envoyDuration(connectMs),
    idleTimeout: '4s',
    endpoints: u.targets.map((t) => ({
      comment: envoyComment(t.url),
      address: bareHost(t.host),
      port: t.port,
      hostname: (t.scheme === 'https' && t.port === 443) || (t.scheme === 'http' && t.port === 80) ? t.host : `${t.host}:${t.port}`,
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
    outlier: u.targets.length > 1 ? { maxEjectionPercent: Math.floor((100 * (u.targets.length - 1)) / u.targets.length) } : null,
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
    createDiagnostic('GW_TARGET_INEXACT', `envoy: listen.host "${gateway.listen.host}" is not an IP address, and Envoy listens on addresses only; the listener uses 0.0.0.0`, {
      locations: [{ file: 'gw.yaml', pointer: '#/listen/host' }],
      hints: ['set listen.host in gw.yaml to an IP address such as 127.0.0.1 or 0.0.0.0'],
    }),
  );
  return { address: '0.0.0.0', port: gateway.listen.port };
}

function inexact(r: Route, what: string): Diagnostic {
  return createDiagnostic('GW_TARGET_INEXACT', `envoy: ${r.method} ${r.path} (${r.id}): ${what}`, {
    locations: [{ file: r.source.file, pointer: r.source.pointer }],
    hints: ['see docs/targets/envoy.md, "What differs from gw serve"'],
  });
}
