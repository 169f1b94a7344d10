import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Gateway, RateLimit, Route } from '../../model/types.js';
import { nginxString } from './escape.js';
import { firstRoutes, inexactWarning, routesText } from './inexact-warning.js';

/** `limit_req_zone <key> zone=<name>:4m rate=<rate>;` */
export interface ZoneView {
  name: string;
  key: string;
  rate: string;
  comment: string;
}

/** What a limited route's location adds. */
export interface RouteLimitView {
  /** `limit_req …` arguments. */
  limitReq: string;
  /** $gw_limit and $gw_limit_retry, for the 429 answer and RateLimit-Limit. */
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

interface Zone extends ZoneView {
  routes: Route[];
  limit: RateLimit;
  exact: boolean;
}

/**
 * Rate limits in the NGINX target (docs/targets/nginx.md, "Rate limits"): a `limit_req_zone` per
 * distinct (counter, window, requests, key), and `limit_req` in each limited route's location.
 * `checked(route)` says whether the route checks credentials (a consumer key needs them).
 */
export function planRateLimits(gateway: Gateway, checked: (route: Route) => boolean): RateLimitPlan {
  const zones = new Map<string, Zone>();
  const headerKeys = new Map<string, { variable: string; source: string }>();
  let consumerKey = false;
  const keyOf = (l: RateLimit, route: Route): string => {
    if (l.key.kind === 'ip') return '$binary_remote_addr';
    if (l.key.kind === 'header') {
      const h = l.key.name.toLowerCase();
      const variable = `$gw_limit_h_${h.replace(/[^a-z0-9]/g, '_')}`;
      headerKeys.set(h, { variable, source: `$http_${h.replace(/-/g, '_')}` });
      return variable;
    }
    if (!checked(route)) return '$binary_remote_addr';
    consumerKey = true;
    return '$gw_limit_consumer';
  };
  const routes = new Map<Route, RouteLimitView>();
  for (const route of gateway.routes) {
    const l = route.settings.rateLimit;
    if (!l) continue;
    const zone = zoneOf(zones, l, keyOf(l, route));
    zone.routes.push(route);
    routes.set(route, routeLimit(zone, l));
  }
  const list = [...zones.values()];
  return {
    zones: list.map(({ name, key, rate, comment }) => ({ name, key, rate, comment })),
    headerKeys: [...headerKeys.values()].sort((a, b) => (a.variable < b.variable ? -1 : 1)),
    consumerKey,
    routes,
    diagnostics: rateLimitWarnings(list, gateway, checked),
  };
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
  const id = `${l.counter}|${l.windowMs}|${l.requests}|${key}`;
  let z = zones.get(id);
  if (!z) {
    const { rate, exact } = nginxRate(l.requests, l.windowMs);
    const by = l.key.kind === 'header' ? `header ${l.key.name}` : l.key.kind;
    z = {
      name: `gw_limit_${zones.size}`,
      key,
      rate,
      comment: `${l.counter}: ${l.requests} per ${l.windowMs} ms by ${by}`,
      routes: [],
      limit: l,
      exact,
    };
    zones.set(id, z);
  }
  return z;
}

function routeLimit(z: Zone, l: RateLimit): RouteLimitView {
  const retry = String(Math.max(1, Math.ceil(nginxRate(l.requests, l.windowMs).periodMs / 1000)));
  return {
    // nginx refuses burst=0: a limit of one request per window has no burst at all.
    limitReq: l.requests > 1 ? `zone=${z.name} burst=${l.requests - 1} nodelay` : `zone=${z.name}`,
    sets: [
      { variable: '$gw_limit', value: nginxString(String(l.requests)) },
      { variable: '$gw_limit_retry', value: nginxString(retry) },
    ],
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
      `rate limit ${l.requests} per ${l.windowMs} ms (${l.counter}) on ${routesText(z.routes)}: ` +
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
