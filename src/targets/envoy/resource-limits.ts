import type { Edge } from '../../model/types.js';

/**
 * Envoy's resource limits (docs/targets/envoy.md, "Resource limits"), with the values of Envoy's
 * "Configuring Envoy as an edge proxy" page (configuration/best_practices/edge): the overload
 * manager's heap actions, 32 KiB connection buffers, HTTP/2 stream limits and windows. The
 * client connection limit is the model's (edge.maxConnections), as in gw serve; the heap size is
 * gw.yaml build.envoy.maxHeapSize, since only the operator knows how much memory Envoy has.
 */
export interface EnvoyLimitsView {
  /** Listener and cluster per_connection_buffer_limit_bytes. */
  connectionBufferBytes: number;
  /** fixed_heap: the heap the overload actions measure against, and their thresholds. */
  maxHeapBytes: number;
  shrinkHeapAt: number;
  stopRequestsAt: number;
  /** The global downstream connection limit (resource monitor). */
  maxConnections: number;
  http2: Http2LimitsView;
}

export interface Http2LimitsView {
  maxConcurrentStreams: number;
  initialStreamWindowSize: number;
  initialConnectionWindowSize: number;
}

/** The edge page's example: "TODO: Tune for your system". */
export const DEFAULT_MAX_HEAP_BYTES = 2 * 1024 ** 3;

export const EDGE_HTTP2_LIMITS: Http2LimitsView = {
  maxConcurrentStreams: 100,
  initialStreamWindowSize: 64 * 1024,
  initialConnectionWindowSize: 1024 * 1024,
};

export function buildEnvoyLimits(edge: Edge, maxHeapBytes = DEFAULT_MAX_HEAP_BYTES): EnvoyLimitsView {
  return {
    connectionBufferBytes: 32 * 1024,
    maxHeapBytes,
    shrinkHeapAt: 0.95,
    stopRequestsAt: 0.98,
    maxConnections: edge.maxConnections,
    http2: EDGE_HTTP2_LIMITS,
  };
}
