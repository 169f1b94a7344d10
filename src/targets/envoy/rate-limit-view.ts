import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Gateway, RateLimit, Route } from '../../model/types.js';
import { envoyDuration } from './escape.js';
import {
  counterLimitNote,
  type InexactNote,
  localBucketNote,
  mockNotLimitedNote,
  windowScaledNote,
} from './inexact.js';
import { sharedRateLimitError } from './shared-rate-limit.js';

/**
 * Rate limits of the Envoy target (docs/targets/envoy.md, "Rate limits").
 *
 * - Memory store (one gateway instance): `local_ratelimit` per route, a token bucket of
 *   `requests` tokens refilled in full every `window`. The shipped API's local descriptors need
 *   exact values, so the bucket counts every client of the route together (never per key), and
 *   each route has its own bucket: an error (shared-rate-limit.ts) unless build.envoy.sharedRateLimits.
 * - Redis store (several instances, one limit): the global `ratelimit` filter asks a rate limit
 *   service (envoyproxy/ratelimit, backed by Redis) over gRPC. Each route sends the descriptor
 *   (gw_counter, gw_window, key); envoy/ratelimit-config.yaml is that service's configuration.
 *   A header or consumer key falls back to the client address when the request lacks it, as gw
 *   serve does: a second descriptor that only a request without the header produces.
 */
export interface RateLimitView {
  /** local_ratelimit is in the filter chain. */
  local: boolean;
  global: GlobalRateLimitView | null;
}

export interface GlobalRateLimitView {
  domain: string;
  cluster: string;
  /** failMode closed: 503 while the service cannot answer; open: requests pass. */
  failClosed: boolean;
  timeout: string;
}

export interface RouteRateLimitView {
  local: LocalBucketView | null;
  /** RouteAction.rate_limits (printed as JSON), or null. */
  global: unknown;
}

export interface LocalBucketView {
  requests: number;
  fillInterval: string;
  /** Retry-After on a 429: the window in whole seconds (the most a client waits). */
  retryAfter: string;
}

/** envoy/ratelimit-config.yaml: domain, then gw_counter -> gw_window -> the key's descriptors. */
export interface RateLimitConfigView {
  domain: string;
  counters: { counter: string; windows: { window: string; comment: string; entries: RateLimitEntryView[] }[] }[];
}

export interface RateLimitEntryView {
  key: string;
  /** A fixed value (the "header absent" branch); null: every value counts apart. */
  value: string | null;
  /** The limit at this level, or null when `child` holds it. */
  limit: { unit: string; requests: number } | null;
  child: { key: string; limit: { unit: string; requests: number } } | null;
}

export interface RateLimitPlan {
  view: RateLimitView;
  routes: Map<string, RouteRateLimitView>;
  config: RateLimitConfigView | null;
  notes: Map<string, InexactNote[]>;
  /** GW_ENVOY_SHARED_RATE_LIMIT, one per limit (requests, window, key), when the memory store's buckets are refused. */
  errors: Diagnostic[];
}

export const RATE_LIMIT_CLUSTER = 'ratelimit:service';
/** envoyproxy/ratelimit's default gRPC port. */
export const RATE_LIMIT_SERVICE = { address: '127.0.0.1', port: 8081 };
const UNITS: [string, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** `sharedBuckets`: gw.yaml build.envoy.sharedRateLimits. */
export function planRateLimits(gateway: Gateway, sharedBuckets = false): RateLimitPlan {
  const limited = gateway.routes.filter((r) => r.settings.rateLimit !== null);
  const store = gateway.rateLimitStore;
  if (store.kind === 'memory') return planLocalLimits(limited, sharedBuckets);
  return planGlobalLimits(limited, gateway.name, store.failMode === 'closed');
}

/** Appends a note to a route's list. */
function addNote(notes: Map<string, InexactNote[]>, r: Route, note: InexactNote): void {
  notes.set(r.id, [...(notes.get(r.id) ?? []), note]);
}

/** Memory store: a local_ratelimit token bucket per route. */
function planLocalLimits(limited: readonly Route[], sharedBuckets: boolean): RateLimitPlan {
  const notes = new Map<string, InexactNote[]>();
  const refused = new Map<string, Route[]>();
  const routes = new Map<string, RouteRateLimitView>();
  const sharers = new Map<string, number>();
  for (const r of limited)
    sharers.set(r.settings.rateLimit!.counter, (sharers.get(r.settings.rateLimit!.counter) ?? 0) + 1);
  for (const r of limited) {
    const rl = r.settings.rateLimit!;
    routes.set(r.id, {
      local: {
        requests: rl.requests,
        fillInterval: envoyDuration(rl.windowMs),
        retryAfter: String(Math.max(1, Math.ceil(rl.windowMs / 1000))),
      },
      global: null,
    });
    if (!sharedBuckets) {
      const limit = `${rl.requests}|${rl.windowMs}|${keyLabel(rl)}`;
      const same = refused.get(limit);
      if (same) same.push(r);
      else refused.set(limit, [r]);
    } else addNote(notes, r, localBucketNote(keyLabel(rl), (sharers.get(rl.counter) ?? 0) > 1 ? rl.counter : null));
  }
  const errors = [...refused.values()].map((rs) => sharedRateLimitError(rs, keyLabel(rs[0]!.settings.rateLimit!)));
  return { view: { local: limited.length > 0, global: null }, routes, config: null, notes, errors };
}

/** Redis store: the rate limit service's descriptors per route, and its configuration (one limit per counter). */
function planGlobalLimits(limited: readonly Route[], domain: string, failClosed: boolean): RateLimitPlan {
  const notes = new Map<string, InexactNote[]>();
  const routes = new Map<string, RouteRateLimitView>();
  const limits = new Map<string, { route: Route; unit: string; requests: number }>();
  for (const r of limited) {
    const rl = r.settings.rateLimit!;
    if (r.mock !== null) {
      addNote(notes, r, mockNotLimitedNote());
      continue;
    }
    const { unit, requests, exact } = unitOf(rl);
    if (!exact) addNote(notes, r, windowScaledNote(rl.requests, envoyDuration(rl.windowMs), requests, unit));
    const id = `${rl.counter}\u0000${rl.windowMs}\u0000${keyLabel(rl)}`;
    const first = limits.get(id);
    if (!first) limits.set(id, { route: r, unit, requests });
    else if (first.requests !== requests)
      addNote(notes, r, counterLimitNote(rl.counter, first.route.id, first.requests, unit));
    routes.set(r.id, { local: null, global: rateLimitActions(r, rl) });
  }
  const view: RateLimitView = {
    local: false,
    global: limits.size > 0 ? { domain, cluster: RATE_LIMIT_CLUSTER, failClosed, timeout: '0.500s' } : null,
  };
  const config = limits.size > 0 ? rateLimitConfig(domain, [...limits.values()]) : null;
  return { view, routes, config, notes, errors: [] };
}

function keyLabel(rl: RateLimit): string {
  return rl.key.kind === 'header' ? `header ${rl.key.name}` : rl.key.kind === 'ip' ? 'client address' : 'consumer';
}

/**
 * The service's unit for a window: exact for 1 s, 1 min, 1 h, 1 day; otherwise the largest unit that divides it (or
 * seconds), the limit scaled.
 */
export function unitOf(rl: Pick<RateLimit, 'requests' | 'windowMs'>): {
  unit: string;
  requests: number;
  exact: boolean;
} {
  const same = UNITS.find(([, ms]) => ms === rl.windowMs);
  if (same) return { unit: same[0], requests: rl.requests, exact: true };
  const [unit, ms] = UNITS.find(([, ms]) => rl.windowMs % ms === 0) ?? ['second', 1000];
  return { unit, requests: Math.max(1, Math.round((rl.requests * ms) / rl.windowMs)), exact: false };
}

/** The key's header (a header key, or the consumer header), or null for the client address. */
function keyHeader(r: Route, rl: RateLimit): string | null {
  if (rl.key.kind === 'header') return rl.key.name.toLowerCase();
  // On a public route nobody is authenticated: gw counts by client address.
  if (rl.key.kind === 'consumer' && r.settings.auth.enforce && r.security.length > 0)
    return r.settings.auth.consumerHeader.toLowerCase();
  return null;
}

function rateLimitActions(r: Route, rl: RateLimit): unknown {
  const base = [
    { generic_key: { descriptor_key: 'gw_counter', descriptor_value: rl.counter } },
    { generic_key: { descriptor_key: 'gw_window', descriptor_value: envoyDuration(rl.windowMs) } },
  ];
  const header = keyHeader(r, rl);
  if (header === null) return [{ actions: [...base, { remote_address: {} }] }];
  const key = rl.key.kind === 'header' ? 'gw_header' : 'gw_consumer';
  return [
    { actions: [...base, { request_headers: { header_name: header, descriptor_key: key } }] },
    // Only a request without the header produces this one: counted by its address instead.
    {
      actions: [
        ...base,
        {
          header_value_match: {
            descriptor_key: `${key}_absent`,
            descriptor_value: 'true',
            expect_match: false,
            headers: [{ name: header, present_match: true }],
          },
        },
        { remote_address: {} },
      ],
    },
  ];
}

function rateLimitConfig(
  domain: string,
  limits: { route: Route; unit: string; requests: number }[],
): RateLimitConfigView {
  const counters = new Map<string, Map<string, { comment: string; entries: RateLimitEntryView[] }>>();
  for (const { route: r, unit, requests } of limits) {
    const rl = r.settings.rateLimit!;
    const window = envoyDuration(rl.windowMs);
    let windows = counters.get(rl.counter);
    if (!windows) {
      windows = new Map();
      counters.set(rl.counter, windows);
    }
    let w = windows.get(window);
    if (!w) {
      w = {
        comment: `${rl.requests} requests per ${window} (${r.id} and every route of this counter and window)`,
        entries: [],
      };
      windows.set(window, w);
    }
    const limit = { unit, requests };
    const header = keyHeader(r, rl);
    const wanted: RateLimitEntryView[] =
      header === null
        ? [{ key: 'remote_address', value: null, limit, child: null }]
        : [
            { key: rl.key.kind === 'header' ? 'gw_header' : 'gw_consumer', value: null, limit, child: null },
            {
              key: rl.key.kind === 'header' ? 'gw_header_absent' : 'gw_consumer_absent',
              value: 'true',
              limit: null,
              child: { key: 'remote_address', limit },
            },
          ];
    for (const e of wanted) if (!w.entries.some((x) => x.key === e.key)) w.entries.push(e);
  }
  const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    domain,
    counters: sorted(counters).map(([counter, windows]) => ({
      counter,
      windows: sorted(windows).map(([window, w]) => ({ window, ...w })),
    })),
  };
}
