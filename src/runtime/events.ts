import diagnosticsChannel from 'node:diagnostics_channel';

/** What one finished request looks like to subscribers (access log, metrics). Built only when someone listens. */
export interface RequestEvent {
  time: number;
  requestId: string;
  /** The client's address: the TCP peer's, or the one trusted proxies forwarded (edge.trustedProxies). */
  client: string;
  method: string;
  path: string;
  route: string | null;
  service: string | null;
  target: string | null;
  status: number;
  durationMs: number;
  bytesIn: number;
  bytesOut: number;
  /** GW code when the gateway answered itself (404, 502, ...). */
  code: string | null;
  /** The authenticated caller (API key consumer, basic user, token `sub`); null when none. */
  consumer: string | null;
}

export interface UpstreamErrorEvent {
  upstream: string;
  target: string;
  /** protocol: the answer broke HTTP/1.1 framing (the connection was closed). */
  kind: 'connect' | 'timeout' | 'reset' | 'status' | 'protocol';
}

export interface HealthEvent {
  upstream: string;
  target: string;
  healthy: boolean;
}

/** The rate-limit store: an outage begins ('down', once) or ends ('up'), or one command failed ('error'). */
export interface RateLimitStoreEvent {
  kind: 'down' | 'up' | 'error';
  /** `redis://host:port`, never a password. */
  store: string;
  failMode: 'open' | 'closed';
  message: string | null;
}

/** A WebSocket tunnel opened (after the upstream's 101) or closed. */
export interface WebSocketEvent {
  kind: 'open' | 'close';
  route: string;
  service: string;
  /** Why it closed: `closed` (a peer closed), `idle timeout`, `maximum lifetime`, `gateway shutting down`. */
  reason: string | null;
  /** How long it was open, on close. */
  durationMs: number;
}

/** Channels the runtime publishes on; the hot path checks hasSubscribers before building a message. */
export const requestChannel = diagnosticsChannel.channel('gw:request');
export const upstreamErrorChannel = diagnosticsChannel.channel('gw:upstream-error');
export const healthChannel = diagnosticsChannel.channel('gw:health');
export const rateLimitStoreChannel = diagnosticsChannel.channel('gw:rate-limit-store');
export const websocketChannel = diagnosticsChannel.channel('gw:websocket');
