import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Gateway, Route } from '../../model/types.js';
import { planAuth, type NjsView, type RouteAuthView } from './auth-view.js';
import { CorsPlan, type CorsView, type PreflightView } from './cors-view.js';
import { nginxString } from './escape.js';
import { firstRoutes, inexactWarning, routesText } from './inexact-warning.js';
import { planRateLimits, type RouteLimitView, type ZoneView } from './rate-limit-view.js';
import { planUpstreamHeaders, type HeaderMapView } from './upstream-headers-view.js';

/**
 * The gateway policies of the NGINX target, put together: authentication (auth-view.ts), what
 * goes upstream instead of credentials (upstream-headers-view.ts), rate limits
 * (rate-limit-view.ts) and CORS (cors-view.ts). docs/targets/nginx.md explains each mapping and
 * where nginx differs from `gw serve`.
 */
export interface PoliciesView {
  /** gw-auth.js and the njs module, when some route checks credentials; null otherwise. */
  njs: NjsView | null;
  headers: HeaderMapView[];
  /** `proxy_set_header Cookie $gw_cookie` (credential cookies removed by gw-auth.js). */
  stripCookies: boolean;
  /** What the access log shows as the path: $gw_log_uri (credential query values as ***) or $request_uri. */
  logUri: string;
  redactLog: boolean;
  zones: ZoneView[];
  /** `map $http_<h> $gw_limit_h_<h>`: a header's value, or the address when the request lacks it. */
  limitHeaderKeys: { variable: string; source: string }[];
  rateLimits: boolean;
  cors: CorsView | null;
}

/** What a route's own location checks before it forwards or answers (templates/nginx/_checks.hbs). */
export interface RouteChecksView {
  /** `auth_request /__gw_auth;` (gw-auth.js checks the route's credentials). */
  auth: boolean;
  /** `limit_req …` arguments, or null. */
  limitReq: string | null;
}

/** Per route: what its location (and `if` block) adds. */
export interface RoutePolicyView {
  checks: RouteChecksView;
  /** `set $<variable> <value>;` lines, before the rewrite. */
  sets: { variable: string; value: string }[];
}

export interface Policies {
  view: PoliciesView;
  /** Per route (model order). */
  routes: Map<Route, RoutePolicyView>;
  /** Per path template: the preflight answers of its location, when a route on it has CORS. */
  preflight(group: readonly Route[], methodsServedBy: (r: Route) => string[]): PreflightView | null;
  diagnostics: Diagnostic[];
}

/** Decides every policy of the gateway for nginx. */
export function buildPolicies(gateway: Gateway): Policies {
  const auth = planAuth(gateway);
  const authOf = (r: Route) => auth.routes.get(r)!;
  const limits = planRateLimits(gateway, (r) => authOf(r).policy !== null);
  const cors = new CorsPlan();
  const headers = planUpstreamHeaders(auth.routes.values(), auth.njs !== null);
  const routes = new Map<Route, RoutePolicyView>();
  for (const route of gateway.routes) {
    const limit = limits.routes.get(route);
    routes.set(route, {
      checks: { auth: authOf(route).policy !== null, limitReq: limit?.limitReq ?? null },
      sets: routeSets(authOf(route), headers.routeText(authOf(route)), cors.route(route), limit),
    });
  }
  const njs = auth.njs && { ...auth.njs, consumerKey: limits.consumerKey };
  const redactLog = njs !== null && auth.redact.length > 0;
  return {
    view: {
      njs,
      headers: headers.headers,
      stripCookies: [...auth.routes.values()].some((a) => a.dropCookies),
      logUri: redactLog ? '$gw_log_uri' : '$request_uri',
      redactLog,
      zones: limits.zones,
      limitHeaderKeys: limits.headerKeys,
      rateLimits: limits.zones.length > 0,
      cors: cors.view(),
    },
    routes,
    preflight: (group, servedBy) => cors.preflight(group, servedBy),
    diagnostics: [...auth.diagnostics, ...limits.diagnostics, ...validationWarnings(gateway.routes)],
  };
}

function routeSets(
  auth: RouteAuthView,
  headersText: string | null,
  cors: number | null,
  limit: RouteLimitView | undefined,
): RoutePolicyView['sets'] {
  const sets: RoutePolicyView['sets'] = [];
  if (auth.policy !== null) sets.push({ variable: '$gw_auth', value: nginxString(String(auth.policy)) });
  if (headersText !== null) sets.push({ variable: '$gw_headers', value: nginxString(headersText) });
  if (auth.queryRead) sets.push({ variable: '$gw_args', value: '$args' });
  if (auth.queryDrop) sets.push({ variable: '$args', value: '$gw_stripped_args' });
  if (cors !== null) sets.push({ variable: '$gw_cors', value: nginxString(String(cors)) });
  if (limit) sets.push(...limit.sets);
  return sets;
}

/** nginx has no request validation: `validate: true` routes forward unchecked. */
function validationWarnings(routes: readonly Route[]): Diagnostic[] {
  const validated = routes.filter((r) => r.settings.validate);
  if (validated.length === 0) return [];
  return [
    inexactWarning(
      'nginx.validate',
      "nginx cannot validate requests against the operation's schemas; " +
        `${routesText(validated)} forward requests unchecked`,
      firstRoutes(validated),
      'validate in the upstream, or run gw serve or the node target where `validate: true` matters',
    ),
  ];
}
