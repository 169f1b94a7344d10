import type { Edge } from '../../model/types.js';
import { envoyDuration } from './escape.js';

/** The model's edge (gw.yaml `edge`) as HttpConnectionManager fields. */
export interface EnvoyEdgeView {
  /** common_http_protocol_options.headers_with_underscores_action. */
  underscores: 'DROP_HEADER' | 'ALLOW';
  /** request_headers_timeout and request_timeout (never shorter than the headers', as gw serve). */
  headersTimeout: string;
  requestTimeout: string;
  /** max_request_headers_kb: edge.maxHeaderBytes in KiB, rounded up. */
  maxHeadersKb: number;
}

/**
 * What Envoy can say of the model's edge. The body gap and send timeouts have no exact Envoy
 * field (stream_idle_timeout, 5 minutes by default, covers both directions and the wait for the
 * upstream too), nor do the memory for bodies and the bodies per client (docs/targets/envoy.md).
 */
export function buildEnvoyEdgeView(edge: Edge): EnvoyEdgeView {
  return {
    underscores: edge.underscoresInHeaders === 'allow' ? 'ALLOW' : 'DROP_HEADER',
    headersTimeout: envoyDuration(edge.headerTimeoutMs),
    requestTimeout: envoyDuration(Math.max(edge.requestTimeoutMs, edge.headerTimeoutMs)),
    maxHeadersKb: Math.ceil(edge.maxHeaderBytes / 1024),
  };
}
