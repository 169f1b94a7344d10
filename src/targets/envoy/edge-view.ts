import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Edge } from '../../model/types.js';
import { envoyDuration } from './escape.js';
import { trustedProxiesWarning } from './inexact.js';

/** The model's edge (gw.yaml `edge`) as HttpConnectionManager fields. */
export interface EnvoyEdgeView {
  /** common_http_protocol_options.headers_with_underscores_action. */
  underscores: 'DROP_HEADER' | 'ALLOW';
  /** request_headers_timeout and request_timeout (never shorter than the headers', as gw serve). */
  headersTimeout: string;
  requestTimeout: string;
  /** max_request_headers_kb: edge.maxHeaderBytes in KiB, rounded up. */
  maxHeadersKb: number;
  /** xff_num_trusted_hops (edge.trustedProxies.hops); null: none, the TCP peer is the client. */
  trustedHops: number | null;
}

/**
 * What Envoy can say of the model's edge. Trusted proxies are a hop count only: the shipped API
 * (1.32.0-dev) has no xff_trusted_cidrs, so addresses without `hops` trust none (warned). The
 * body gap and send timeouts have no exact Envoy field (stream_idle_timeout, 5 minutes by
 * default, covers both directions and the wait for the upstream too), nor do the memory for
 * bodies and the bodies per client (docs/targets/envoy.md).
 */
export function buildEnvoyEdgeView(edge: Edge, diagnostics: Diagnostic[] = []): EnvoyEdgeView {
  const trusted = edge.trustedProxies;
  if (trusted !== null && trusted.hops === null) diagnostics.push(trustedProxiesWarning(trusted.addresses));
  return {
    underscores: edge.underscoresInHeaders === 'allow' ? 'ALLOW' : 'DROP_HEADER',
    headersTimeout: envoyDuration(edge.headerTimeoutMs),
    requestTimeout: envoyDuration(Math.max(edge.requestTimeoutMs, edge.headerTimeoutMs)),
    maxHeadersKb: Math.ceil(edge.maxHeaderBytes / 1024),
    trustedHops: trusted?.hops ?? null,
  };
}

/**
 * The virtual host's domains for edge.serverNames (`*` when none: any host): each name, and the same
 * with a trailing dot, which nginx and gw serve ignore; matched without the port
 * (ignore_port_in_host_matching) and, in Envoy, without case.
 */
export function serverDomains(edge: Edge): string[] {
  return edge.serverNames.length === 0 ? ['*'] : edge.serverNames.flatMap((n) => [n, `${n}.`]);
}
