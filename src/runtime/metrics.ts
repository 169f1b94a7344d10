import diagnosticsChannel from 'node:diagnostics_channel';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CompiledGateway } from './compile.js';
import type { RateLimitStoreEvent, RequestEvent, UpstreamErrorEvent, WebSocketEvent } from './events.js';
import { isAvailable } from './target-state.js';

/**
 * Prometheus metrics fed from the runtime's diagnostics channels, so the request path pays
 * nothing when nobody scrapes: requests by route/service/status, latency, upstream errors,
 * rate-limited requests and rate-limit store errors. Target health is read from the targets'
 * state when scraped: 1 only for a target the balancer would pick now (healthy and not ejected).
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private compiled: CompiledGateway | undefined;
  private readonly requests = new Counter({
    name: 'gw_requests_total',
    help: 'Requests answered, by route, service and status.',
    labelNames: ['route', 'service', 'status'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'gw_request_duration_seconds',
    help: 'Time from request to the end of the response.',
    labelNames: ['route', 'service'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly upstreamErrors = new Counter({
    name: 'gw_upstream_errors_total',
    help: 'Failed upstream attempts, by upstream, target and kind.',
    labelNames: ['upstream', 'target', 'kind'],
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'gw_rate_limited_total',
    help: 'Requests refused with 429 by a rate limit, by route and service.',
    labelNames: ['route', 'service'],
    registers: [this.registry],
  });
  private readonly storeErrors = new Counter({
    name: 'gw_rate_limit_store_errors_total',
    help: 'Rate-limit store commands that failed (unreachable or too slow), by store.',
    labelNames: ['store'],
    registers: [this.registry],
  });
  private readonly tunnels = new Gauge({
    name: 'gw_websocket_tunnels',
    help: 'WebSocket tunnels open now, by route and service.',
    labelNames: ['route', 'service'],
    registers: [this.registry],
  });
  private readonly tunnelsClosed = new Counter({
    name: 'gw_websocket_tunnels_closed_total',
    help: 'WebSocket tunnels closed, by route, service and reason (closed by a peer, idle timeout, ...).',
    labelNames: ['route', 'service', 'reason'],
    registers: [this.registry],
  });
  private readonly healthy = new Gauge({
    name: 'gw_target_healthy',
    help: '1 when a target takes requests, 0 when health checks failed it or passive ejection took it out.',
    labelNames: ['upstream', 'target'],
    registers: [this.registry],
    collect: () => this.collectHealth(),
  });

  private readonly onRequest = (m: unknown) => {
    const e = m as RequestEvent;
    const route = e.route ?? e.code ?? 'none';
    this.requests.inc({ route, service: e.service ?? 'none', status: String(e.status) });
    this.latency.observe({ route, service: e.service ?? 'none' }, e.durationMs / 1000);
    if (e.code === 'GW_HTTP_TOO_MANY_REQUESTS') this.rateLimited.inc({ route, service: e.service ?? 'none' });
  };
  private readonly onWebSocket = (m: unknown) => {
    const e = m as WebSocketEvent;
    const labels = { route: e.route, service: e.service };
    if (e.kind === 'open') this.tunnels.inc(labels);
    else {
      this.tunnels.dec(labels);
      this.tunnelsClosed.inc({ ...labels, reason: e.reason ?? 'closed' });
    }
  };
  private readonly onStore = (m: unknown) => {
    const e = m as RateLimitStoreEvent;
    if (e.kind === 'error') this.storeErrors.inc({ store: e.store });
  };
  private readonly onUpstreamError = (m: unknown) => {
    const e = m as UpstreamErrorEvent;
    this.upstreamErrors.inc({ upstream: e.upstream, target: e.target, kind: e.kind });
  };

  constructor() {
    diagnosticsChannel.subscribe('gw:request', this.onRequest);
    diagnosticsChannel.subscribe('gw:upstream-error', this.onUpstreamError);
    diagnosticsChannel.subscribe('gw:rate-limit-store', this.onStore);
    diagnosticsChannel.subscribe('gw:websocket', this.onWebSocket);
  }

  /** The table whose targets the health gauge reports (the new one after a reload). */
  track(compiled: CompiledGateway): void {
    this.compiled = compiled;
  }

  /** Upstreams of mocked services are never contacted, so they have no gauge. */
  private collectHealth(): void {
    this.healthy.reset();
    if (!this.compiled) return;
    const now = Date.now();
    for (const u of this.compiled.upstreams.values()) {
      if (u.mocked) continue;
      for (const t of u.targets) this.healthy.set({ upstream: u.id, target: t.url }, isAvailable(t, now) ? 1 : 0);
    }
  }

  close(): void {
    diagnosticsChannel.unsubscribe('gw:request', this.onRequest);
    diagnosticsChannel.unsubscribe('gw:upstream-error', this.onUpstreamError);
    diagnosticsChannel.unsubscribe('gw:rate-limit-store', this.onStore);
    diagnosticsChannel.unsubscribe('gw:websocket', this.onWebSocket);
  }
}
