import { isIP } from 'node:net';
import type { Edge, Gateway, Target, Upstream } from '../../model/types.js';
import { envoyComment, envoyDuration } from './escape.js';
import type { JwksClusterView } from './jwt-view.js';
import { RATE_LIMIT_CLUSTER, RATE_LIMIT_SERVICE } from './rate-limit-view.js';

/**
 * The clusters of the Envoy target (docs/targets/envoy.md, "What maps to what"): one per model
 * upstream a proxied route uses, and the clusters Envoy itself calls for the policies (a JWKS URL,
 * the rate limit service). Printed by templates/envoy/_cluster.hbs.
 */
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
  /** The DEFAULT priority's thresholds, from the model's connectionsPerTarget (null: Envoy's defaults). */
  circuitBreakers: CircuitBreakersView | null;
}

/**
 * An upstream's limits in Envoy (docs/targets/envoy.md, "Circuit breakers"): as many connections
 * and requests in flight as gw serve's pools hold (connectionsPerTarget per target; HTTP/1.1 has
 * one request a connection), as many again waiting; retries within Envoy's retry budget.
 */
export interface CircuitBreakersView {
  maxConnections: number;
  maxPendingRequests: number;
  maxRequests: number;
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

/** Every cluster: the upstreams proxied routes use (in model order), then the JWKS URLs, then the rate limit service. */
export function buildClusters(
  gateway: Gateway,
  jwksClusters: readonly JwksClusterView[],
  rateLimitService: boolean,
): ClusterView[] {
  const usedUpstreams = new Set(gateway.routes.filter((r) => r.mock === null).map((r) => r.upstream));
  const clusters = gateway.upstreams
    .filter((u) => u.targets.length > 0 && usedUpstreams.has(u.id))
    .map((u) => clusterView(u, gateway.edge));
  for (const j of jwksClusters) clusters.push(urlCluster(j.name, j.url, `fetches the JWKS of ${j.scheme}`));
  if (rateLimitService) {
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
  return clusters;
}

/** One upstream; its connect timeout is the model's (`connectTimeoutMs`, one per cluster as in gw serve). */
function clusterView(u: Upstream, edge: Edge): ClusterView {
  // Envoy resolves hostnames (STRICT_DNS): a name that does not resolve yet does not stop it loading.
  const allIps = u.targets.every((t) => isIP(bareHost(t.host)) !== 0);
  const https = u.targets.filter((t) => t.scheme === 'https');
  const httpsHosts = [...new Set(https.map((t) => bareHost(t.host)))].sort();
  const clusterTls = https.length === u.targets.length && httpsHosts.length === 1;
  return {
    comments: [
      `upstream ${u.id} (service ${u.service}, ${u.balancing})`,
      `from ${u.source.file} at ${u.source.pointer}`,
    ].map(envoyComment),
    name: u.id,
    type: allIps ? 'STATIC' : 'STRICT_DNS',
    dnsLookupFamily: allIps ? null : 'V4_PREFERRED',
    lbPolicy: u.balancing === 'least-connections' ? 'LEAST_REQUEST' : 'ROUND_ROBIN',
    connectTimeout: envoyDuration(u.connectTimeoutMs),
    idleTimeout: envoyDuration(edge.upstreamIdleTimeoutMs),
    http2: false,
    endpoints: u.targets.map((t) => endpointView(u, t, clusterTls)),
    tls: clusterTls ? tlsOf(httpsHosts[0]!) : null,
    tlsMatches: clusterTls ? [] : httpsHosts.map(tlsOf),
    healthCheck: healthCheckView(u),
    outlier:
      u.targets.length > 1
        ? { maxEjectionPercent: Math.floor((100 * (u.targets.length - 1)) / u.targets.length) }
        : null,
    circuitBreakers: circuitBreakersOf(u),
  };
}

function circuitBreakersOf(u: Upstream): CircuitBreakersView {
  const connections = u.connectionsPerTarget * u.targets.length;
  return { maxConnections: connections, maxPendingRequests: connections, maxRequests: connections };
}

function endpointView(u: Upstream, t: Target, clusterTls: boolean): EndpointView {
  return {
    comment: envoyComment(t.url),
    address: bareHost(t.host),
    port: t.port,
    hostname: t.authority,
    weight: u.balancing === 'round-robin' ? null : t.weight,
    tlsMatch: t.scheme === 'https' && !clusterTls ? bareHost(t.host) : null,
  };
}

function tlsOf(host: string): TlsView {
  return {
    name: `tls ${host}`,
    sni: isIP(host) ? null : host,
    san: host,
    sanType: isIP(host) ? 'IP_ADDRESS' : 'DNS',
  };
}

function healthCheckView(u: Upstream): HealthCheckView | null {
  return (
    u.healthCheck && {
      path: u.healthCheck.path,
      interval: envoyDuration(u.healthCheck.intervalMs),
      timeout: envoyDuration(u.healthCheck.timeoutMs),
      healthyThreshold: u.healthCheck.healthyThreshold,
      unhealthyThreshold: u.healthCheck.unhealthyThreshold,
    }
  );
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
    tls: https ? tlsOf(host) : null,
    tlsMatches: [],
    healthCheck: null,
    outlier: null,
    circuitBreakers: null,
  };
}

/** `[::1]` -> `::1`: Envoy addresses are bare. */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
