import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Gateway, RateLimit, Route } from '../../model/types.js';
import { nginxString } from './escape.js';
import { firstRoutes, inexactWarning, routesText } from './inexact-warning.js';

/** `limit_req_zone <key> zone=<name>:<size> rate=<rate>;` */
export interface ZoneView {
  name: string;
  key: string;
  /** `1276k`: the limit's zoneBytes in KiB. */
  size: string;
  rate: string;
  comment: string;
}

/** What a limited route's location adds. */
export interface RouteLimitView {
  /** `limit_req …` arguments. */
  limitReq: string;
  /** $gw_limit and $gw_limit_retry, for the 429 answer and RateLimit-Limit; $gw_limit_counter in a shared zone. */
  sets: { variable: string; value: string }[];
}

export interface RateLimitPlan {
  zones: ZoneView[];
  /** `map $http_<h> $gw_limit_h_<h>`: a header's value, or the address when the request lacks it. */
  headerKeys: { variable: string; source: string }[];
  /** Some consumer limit keys on the credentials sent ($gw_limit_consumer, made by gw-auth.js). */
  consumerKey: boolean;
  routes: Map<Route, RouteLimitView>;
  diagnostics: Diagnostic[];
}

interface Zone {
  name: string;
  /** What each request is counted by: the address, a header map or the consumer's digest. */
  key: string;
  rate: string;
  exact: boolean;
  limit: RateLimit;
  routes: Route[];
  /** The key prefix of each counter (model `RateLimit.counter`) counted in the zone, in order of first use. */
  counters: Map<string, string>;
}

/** Counters of the same limit, key and size share one zone, told apart by a prefix of their key. */
const COUNTER_VARIABLE = '$gw_limit_counter';

/**
 * Rate limits in the NGINX target (docs/targets/nginx.md, "Rate limits"): a `limit_req_zone` per
 * distinct (requests, window, key, size), shared by every counter (model `RateLimit.counter`) that
 * counts so, and `limit_req` in each limited route's location. `checked(route)` says whether the
 * route checks credentials (a consumer key needs them).
 */
export function planRateLimits(gateway: Gateway, checked: (route: Route) => boolean): RateLimitPlan {
  const zones = new Map<string, Zone>();
  const keys = new LimitKeys(checked);
  const limited: { route: Route; zone: Zone; counter: string }[] = [];
  for (const route of gateway.routes) {
    const l = route.settings.rateLimit;
    if (!l) continue;
    const zone = zoneOf(zones, l, keys.of(l, route));
    if (!zone.counters.has(l.counter)) zone.counters.set(l.counter, `${zone.counters.size}:`);
    zone.routes.push(route);
    limited.push({ route, zone, counter: l.counter });
  }
  const list = [...zones.values()];
  const shared = (z: Zone) => z.counters.size > 1;
  return {
    zones: list.map((z) => ({
      name: z.name,
      key: shared(z) ? `${COUNTER_VARIABLE}${z.key}` : z.key,
      size: `${z.limit.zoneBytes / 1024}k`,
      rate: z.rate,
      comment: zoneComment(z),
    })),
    headerKeys: keys.headerKeys(),
    consumerKey: keys.consumer,
    routes: new Map(
      limited.map(({ route, zone, counter }) => [
        route,
        routeLimit(zone, route.settings.rateLimit!, shared(zone) ? zone.counters.get(counter)! : null),
      ]),
    ),
    diagnostics: rateLimitWarnings(list, gateway, checked),
  };
}

/** The nginx variable each limit counts by, and the header maps and consumer digest they need. */
class LimitKeys {
  private readonly headers = new Map<string, { variable: string; source: string }>();
  consumer = false;

  constructor(private readonly checked: (route: Route) => boolean) {}

  of(l: RateLimit, route: Route): string {
    if (l.key.kind === 'ip') return '$binary_remote_addr';
    if (l.key.kind === 'header') {
      const h = l.key.name.toLowerCase();
      const variable = `$gw_limit_h_${h.replace(/[^a-z0-9]/g, '_')}`;
      this.headers.set(h, { variable, source: `$http_${h.replace(/-/g, '_')}` });
      return variable;
    }
    if (!this.checked(route)) return '$binary_remote_addr';
    this.consumer = true;
    return '$gw_limit_consumer';
  }

  headerKeys(): { variable: string; source: string }[] {
    return [...this.headers.values()].sort((a, b) => (a.variable < b.variable ? -1 : 1));
  }
}

/**
 * nginx's limit_req rate for N requests per window: exact when it is a whole number per second or
 * minute, else the nearest (at least 1r/m).
 */
export function nginxRate(requests: number, windowMs: number): { rate: string; exact: boolean; periodMs: number } {
  if ((requests * 1000) % windowMs === 0) {
    const n = (requests * 1000) / windowMs;
    return { rate: `${n}r/s`, exact: true, periodMs: 1000 / n };
  }
  const perMinute = (requests * 60_000) / windowMs;
  const n = Math.max(1, Math.round(perMinute));
  return { rate: `${n}r/m`, exact: Number.isInteger(perMinute), periodMs: 60_000 / n };
}

function zoneOf(zones: Map<string, Zone>, l: RateLimit, key: string): Zone {
  const { rate, exact } = nginxRate(l.requests, l.windowMs);
  const id = `${l.requests}|${l.windowMs}|${key}|${l.zoneBytes}`;
  let z = zones.get(id);
  if (!z) {
    z = { name: `gw_limit_${zones.size}`, key, rate, exact, limit: l, routes: [], counters: new Map() };
    zones.set(id, z);
  }
  return z;
}

function zoneComment(z: Zone): string {
  const l = z.limit;
  const by = l.key.kind === 'header' ? `header ${l.key.name}` : l.key.kind;
  const what = z.counters.size > 1 ? countersText(z) : l.counter;
  return `${what}: ${l.requests} per ${l.windowMs} ms by ${by}, ${l.keys} keys`;
}

/** The counters a shared zone holds, in words: `a counter per route`, `a counter per service`, `3 counters`. */
function countersText(z: Zone): string {
  const counters = new Set(z.routes.map((r) => r.settings.rateLimit!.counter));
  if (z.routes.every((r) => r.settings.rateLimit!.counter === r.id)) return 'a counter per route';
  if ([...counters].every((c) => c.startsWith('service:'))) return 'a counter per service';
  return `${z.counters.size} counters`;
}

function routeLimit(z: Zone, l: RateLimit, prefix: string | null): RouteLimitView {
  const retry = String(Math.max(1, Math.ceil(nginxRate(l.requests, l.windowMs).periodMs / 1000)));
  const sets = [
    { variable: '$gw_limit', value: nginxString(String(l.requests)) },
    { variable: '$gw_limit_retry', value: nginxString(retry) },
  ];
  if (prefix !== null) sets.push({ variable: COUNTER_VARIABLE, value: nginxString(prefix) });
  return {
    // nginx refuses burst=0: a limit of one request per window has no burst at all.
    limitReq: l.requests > 1 ? `zone=${z.name} burst=${l.requests - 1} nodelay` : `zone=${z.name}`,
    sets,
  };
}

/** Every limit is a leaky bucket in nginx, counted before the credential check and per nginx instance. */
function rateLimitWarnings(zones: readonly Zone[], gateway: Gateway, checked: (r: Route) => boolean): Diagnostic[] {
  const out = zones.map((z) => {
    const l = z.limit;
    const period = Math.round(nginxRate(l.requests, l.windowMs).periodMs);
    const by =
      z.key === '$gw_limit_consumer'
        ? '; a consumer limit counts per credential sent (limit_req runs before the credential check), ' +
          'so a consumer with several keys or tokens gets a count for each, and requests that are then refused (401) ' +
          'count too'
        : z.routes.some(checked)
          ? '; requests later refused (401, 403) count too, since limit_req runs before the credential check'
          : '';
    return inexactWarning(
      'nginx.rate-limit-window',
      `rate limit ${l.requests} per ${l.windowMs} ms (${z.counters.size > 1 ? countersText(z) : l.counter}) ` +
        `on ${routesText(z.routes)}: ` +
        `nginx's limit_req is a leaky bucket, not gw's fixed window: ${l.requests} requests pass at once, ` +
        `then one more every ${period} ms (rate=${z.rate}${z.exact ? '' : ', the nearest nginx can express'}); ` +
        `answers carry RateLimit-Limit but no RateLimit-Remaining or -Reset${by}`,
      firstRoutes(z.routes),
      'expect bursts of `requests`, then a steady rate; ' +
        'run gw serve or the node target where exact fixed windows matter',
    );
  });
  if (zones.length > 0 && gateway.rateLimitStore.kind === 'redis')
    out.push(
      inexactWarning(
        'nginx.rate-limit-store',
        'rateLimitStore is Redis, but nginx keeps its counters in its own shared memory: ' +
          'each nginx instance enforces the limits alone',
        firstRoutes(zones.flatMap((z) => z.routes)),
        'run one nginx instance, or gw serve instances sharing the Redis store',
      ),
    );
  return out;
}
