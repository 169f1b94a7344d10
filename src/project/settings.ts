import type {
  AuthFailureLimit,
  Balancing,
  Cors,
  HealthCheck,
  RateLimit,
  RateLimitKey,
  RouteSettings,
  WebSocketSettings,
} from '../model/types.js';
import type {
  CorsInput,
  DurationInput,
  FailureLimitInput,
  RateLimitInput,
  SettingsInput,
  SizeInput,
} from './config.js';
import { DEFAULT_RATE_LIMIT_KEYS, rateLimitZoneBytes } from './rate-limit-memory.js';

/** Gateway defaults: the lowest layer of every setting. docs/x-gw.md lists them. */
export const DEFAULT_ROUTE_SETTINGS: RouteSettings = {
  connectTimeoutMs: 5_000,
  requestTimeoutMs: 30_000,
  retries: 1,
  maxBodyBytes: 10 * 1024 * 1024,
  preserveHost: false,
  auth: {
    enforce: true,
    consumerHeader: 'X-Consumer',
    forwardCredentials: false,
    failureLimit: { failures: 10, windowMs: 60_000 },
  },
  rateLimit: null,
  cors: null,
  validate: false,
  websocket: null,
};

/** `websocket: true` takes these (docs/serve.md, "WebSocket"): nginx's proxy_read_timeout, no lifetime limit. */
export const DEFAULT_WEBSOCKET: WebSocketSettings = { idleTimeoutMs: 60_000, maxLifetimeMs: null };

export const DEFAULT_CORS_MAX_AGE_SECONDS = 600;

export const DEFAULT_HEALTH_CHECK: HealthCheck = {
  path: '/health',
  intervalMs: 10_000,
  timeoutMs: 2_000,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
};

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** 250 -> 250, "250ms" -> 250, "5s" -> 5000, "1.5m" -> 90000. The schema has already checked the form. */
export function parseDuration(value: DurationInput): number {
  return parseWithUnit(value, DURATION_UNITS);
}

/** 1024 -> 1024, "512kb" -> 524288, "10mb" -> 10485760. */
export function parseSize(value: SizeInput): number {
  return parseWithUnit(value, SIZE_UNITS);
}

function parseWithUnit(value: number | string, units: Record<string, number>): number {
  if (typeof value === 'number') return value;
  const m = /^([0-9]+(?:\.[0-9]+)?)([a-z]+)$/.exec(value);
  const factor = m ? units[m[2]!] : undefined;
  if (!m || factor === undefined) throw new Error(`not a valid value: "${value}"`);
  return Math.round(Number(m[1]) * factor);
}

/**
 * Settings that are one unit: a higher layer replaces them whole (a route's limit never inherits a gateway-wide
 * scope).
 */
const WHOLE_KEYS: ReadonlySet<keyof SettingsInput> = new Set(['rateLimit', 'cors', 'compose']);

/**
 * Layers from lowest to highest precedence; a key set in a higher layer wins, sub-objects merge by key (except
 * WHOLE_KEYS).
 */
export function mergeSettings(layers: readonly (SettingsInput | undefined)[]): SettingsInput {
  const out: SettingsInput = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer) as [keyof SettingsInput, unknown][]) {
      const prev = out[key];
      const both = !WHOLE_KEYS.has(key) && isPlainObject(prev) && isPlainObject(value);
      (out as Record<string, unknown>)[key] = both ? { ...prev, ...value } : value;
    }
  }
  return out;
}

/** Where the route sits, for the settings that depend on it (a rate limit's counter). */
export interface RouteContext {
  routeId: string;
  service: string;
}

export function resolveRouteSettings(s: SettingsInput, at: RouteContext): RouteSettings {
  const d = DEFAULT_ROUTE_SETTINGS;
  return {
    connectTimeoutMs: s.timeouts?.connect !== undefined ? parseDuration(s.timeouts.connect) : d.connectTimeoutMs,
    requestTimeoutMs: s.timeouts?.request !== undefined ? parseDuration(s.timeouts.request) : d.requestTimeoutMs,
    retries: s.retries ?? d.retries,
    maxBodyBytes: s.maxBodySize !== undefined ? parseSize(s.maxBodySize) : d.maxBodyBytes,
    preserveHost: s.preserveHost ?? d.preserveHost,
    auth: {
      enforce: s.auth?.enforce ?? d.auth.enforce,
      consumerHeader: s.auth?.consumerHeader ?? d.auth.consumerHeader,
      forwardCredentials: s.auth?.forwardCredentials ?? d.auth.forwardCredentials,
      failureLimit: resolveFailureLimit(s.auth?.failureLimit),
    },
    rateLimit: s.rateLimit ? resolveRateLimit(s.rateLimit, at) : null,
    cors: s.cors ? resolveCors(s.cors) : null,
    validate: s.validate ?? d.validate,
    websocket: resolveWebSocket(s.websocket),
  };
}

function resolveWebSocket(w: SettingsInput['websocket']): WebSocketSettings | null {
  if (w === undefined || w === false) return null;
  if (w === true) return { ...DEFAULT_WEBSOCKET };
  return {
    idleTimeoutMs: w.idleTimeout !== undefined ? parseDuration(w.idleTimeout) : DEFAULT_WEBSOCKET.idleTimeoutMs,
    maxLifetimeMs: w.maxLifetime !== undefined ? parseDuration(w.maxLifetime) : DEFAULT_WEBSOCKET.maxLifetimeMs,
  };
}

export function resolveRateLimit(r: RateLimitInput, at: RouteContext): RateLimit {
  const key = r.key ?? 'ip';
  const parsed: RateLimitKey =
    key === 'ip'
      ? { kind: 'ip' }
      : key === 'consumer'
        ? { kind: 'consumer' }
        : { kind: 'header', name: key.slice('header:'.length).toLowerCase() };
  const scope = r.scope ?? 'route';
  const keys = r.keys ?? DEFAULT_RATE_LIMIT_KEYS;
  return {
    requests: r.requests,
    windowMs: parseDuration(r.window),
    key: parsed,
    counter: scope === 'route' ? at.routeId : scope === 'service' ? `service:${at.service}` : 'gateway',
    keys,
    zoneBytes: rateLimitZoneBytes(keys, parsed),
  };
}

/** auth.failureLimit: the default when unset, null for false, a window of 1m unless given. */
function resolveFailureLimit(f: false | FailureLimitInput | undefined): AuthFailureLimit | null {
  const d = DEFAULT_ROUTE_SETTINGS.auth.failureLimit!;
  if (f === undefined) return { ...d };
  if (f === false) return null;
  return { failures: f.failures, windowMs: f.window !== undefined ? parseDuration(f.window) : d.windowMs };
}

/**
 * An allowed origin as the model holds it: lower-case, without trailing slashes (`*` as it is).
 * Every data plane matches a request's Origin by the same rule (model/types.ts, `Cors.origins`).
 */
function normalizeOrigin(origin: string): string {
  return origin === '*' ? origin : origin.toLowerCase().replace(/\/+$/, '');
}

export function resolveCors(c: CorsInput): Cors {
  return {
    origins: [...new Set(c.origins.map(normalizeOrigin))],
    methods: c.methods ? [...c.methods] : null,
    headers: c.headers ? c.headers.map((h) => h.toLowerCase()) : null,
    exposeHeaders: (c.exposeHeaders ?? []).map((h) => h.toLowerCase()),
    credentials: c.credentials ?? false,
    maxAgeSeconds: c.maxAge !== undefined ? Math.round(parseDuration(c.maxAge) / 1000) : DEFAULT_CORS_MAX_AGE_SECONDS,
  };
}

/** Connections to one target at once, unless the service sets upstreamConnections. */
export const DEFAULT_UPSTREAM_CONNECTIONS = 256;

export function resolveHealthCheck(s: SettingsInput): HealthCheck | null {
  const h = s.healthCheck;
  if (h === undefined || h === false) return null;
  if (h === true) return { ...DEFAULT_HEALTH_CHECK };
  const d = DEFAULT_HEALTH_CHECK;
  return {
    path: h.path ?? d.path,
    intervalMs: h.interval !== undefined ? parseDuration(h.interval) : d.intervalMs,
    timeoutMs: h.timeout !== undefined ? parseDuration(h.timeout) : d.timeoutMs,
    healthyThreshold: h.healthyThreshold ?? d.healthyThreshold,
    unhealthyThreshold: h.unhealthyThreshold ?? d.unhealthyThreshold,
  };
}

/** round-robin unless set; weighted when unset and any target carries a weight other than 1. */
export function resolveBalancing(s: SettingsInput, weighted: boolean): Balancing {
  return s.loadBalancing ?? (weighted ? 'weighted' : 'round-robin');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
