import type { Edge } from '../../model/types.js';
import { nginxSize, nginxTime } from './escape.js';

/** The model's edge (gw.yaml `edge`) as server-level nginx directives. */
export interface NginxEdgeView {
  /** underscores_in_headers: off ignores headers with "_" in their names (they reach no variable and no upstream). */
  underscores: 'on' | 'off';
  /** client_header_timeout, client_body_timeout (between two reads), send_timeout (between two writes). */
  headerTimeout: string;
  bodyTimeout: string;
  sendTimeout: string;
  /** large_client_header_buffers' size: edge.maxHeaderBytes. */
  maxHeaderSize: string;
}

/**
 * What nginx can say of the model's edge. The whole-request timeout, the memory for bodies and
 * the bodies per client have no nginx directive here: nginx streams request bodies
 * (proxy_request_buffering off) on upstream connections of its own, with no pool to exhaust
 * (docs/targets/nginx.md).
 */
export function buildNginxEdgeView(edge: Edge): NginxEdgeView {
  return {
    underscores: edge.underscoresInHeaders === 'allow' ? 'on' : 'off',
    headerTimeout: nginxTime(edge.headerTimeoutMs),
    bodyTimeout: nginxTime(edge.bodyTimeoutMs),
    sendTimeout: nginxTime(edge.sendTimeoutMs),
    maxHeaderSize: nginxSize(edge.maxHeaderBytes),
  };
}
