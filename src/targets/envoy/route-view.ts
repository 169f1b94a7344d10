import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { templateParams } from '../../model/path.js';
import type { Gateway, PathRule, Route } from '../../model/types.js';
import type { RouteAuthView } from './auth-route-plan.js';
import type { DataSourceView } from './auth-sources.js';
import type { AuthPlan } from './auth-view.js';
import { type CorsPlan, type CorsPolicyView, originsRegex } from './cors-view.js';
import {
  handshakeRefusedDirect,
  badPathDirect,
  corsRejectedDirect,
  deniedDirect,
  type DirectView,
  methodNotAllowedDirect,
  mockDirect,
  composeUnsupportedDirect,
} from './direct-view.js';
import { envoyComment, envoyDuration, envoySubstitution, withQuery } from './escape.js';
import { problemsOf, type Problems } from './local-replies.js';
import { refusedPathMatches } from './refused-paths.js';
import { envoyPathMatch } from './route-match.js';
import { allowTruncatedNote, composeUnsupportedNote, mockStatusRewrittenNote, routeWarnings } from './inexact.js';
import { buildMethodNotAllowed, groupRoutesByPath } from './method-groups.js';
import type { LocalBucketView, RateLimitPlan, RouteRateLimitView } from './rate-limit-view.js';

/**
 * The route table of the Envoy target's one virtual host, in the order Envoy tries it: the CORS
 * preflight routes, one route per model route (model order: first match wins), then one 405 route
 * per path (method-groups.ts). No route at all is Envoy's own 404, rewritten by the local reply
 * mappers (local-replies.ts). Printed by templates/envoy/_route.hbs.
 */
export interface HeaderMatchView {
  name: string;
  exact: string | null;
  regex: string | null;
  /** Matches when the header is there, whatever its value (exact and regex null). */
  present: boolean;
  /** Matches when the regex does not (a missing header too). */
  invert: boolean;
}

export interface RouteView {
  comments: string[];
  name: string;
  /** Exactly one of path (literal paths) and regex (templates) is set. */
  path: string | null;
  regex: string | null;
  headers: HeaderMatchView[];
  proxy: ProxyView | null;
  direct: DirectView | null;
  policies: RoutePolicyView | null;
}

/** A route's per-filter configs and what the router does for the policies. */
export interface RoutePolicyView {
  cors: CorsPolicyView | null;
  /** jwt_authn requirement_map name. */
  jwtRequirement: string | null;
  basicUsers: DataSourceView | null;
  /** Route metadata for the gw-auth Lua filter (printed as JSON), or null. */
  lua: unknown;
  /** RBACPerRoute.rbac (printed as JSON), or null. */
  rbac: unknown;
  localRateLimit: LocalBucketView | null;
  /** RouteAction.rate_limits (printed as JSON), or null. */
  rateLimits: unknown;
  removeHeaders: string[];
}

export interface ProxyView {
  cluster: string;
  timeout: string;
  prefixRewrite: string | null;
  regexRewrite: { pattern: string; substitution: string } | null;
  autoHostRewrite: boolean;
  retry: { retryOn: string; numRetries: number } | null;
  maxRequestBytes: number;
  /** WebSocket handshakes (the model's effective.websocket): upgrade_configs, the idle timeout, the lifetime. */
  websocket: { idleTimeout: string; maxStreamDuration: string | null } | null;
}

/** What the policies decided, per route id. */
export interface PolicyPlans {
  auth: AuthPlan;
  rateLimits: RateLimitPlan;
  cors: CorsPlan;
}

/** The whole route table; `mapped`: statuses the local reply mappers rewrite (a mock with one is warned about). */
export function buildRoutes(
  gateway: Gateway,
  plans: PolicyPlans,
  mapped: ReadonlySet<number>,
  diagnostics: Diagnostic[],
): RouteView[] {
  const { auth, rateLimits, cors } = plans;
  const problems = problemsOf(gateway);
  const routes: RouteView[] = refusedPathRoutes(problems, gateway.edge.paths);
  routes.push(...gateway.routes.flatMap((r) => preflightRoute(problems, r, cors.policies.get(r.id))));
  const view = (r: Route) => {
    const policies = routePolicies(auth.routes.get(r.id), rateLimits.routes.get(r.id), cors.policies.get(r.id));
    const deny = auth.routes.get(r.id)?.deny ?? null;
    return routeView(problems, r, policies, deny, mapped, diagnostics);
  };
  routes.push(...handshakeRoutes(problems, gateway.routes, view));
  for (const r of gateway.routes) routes.push(view(r));
  routes.push(...methodNotAllowedRoutes(gateway.routes, diagnostics));
  return routes;
}

/** Before every route: one per refused path form the connection manager does not refuse itself (400). */
function refusedPathRoutes(problems: Problems, rule: PathRule): RouteView[] {
  return refusedPathMatches(rule).map(({ form, regex }) => ({
    comments: [`A path with ${form} is refused in every plane (the model's edge.paths).`],
    name: `refuse ${form}`,
    path: null,
    regex,
    headers: [],
    proxy: null,
    direct: badPathDirect(problems),
    policies: null,
  }));
}

/** `Upgrade: websocket`, as every plane reads it (a token of the header, without case). */
const HANDSHAKE: HeaderMatchView = {
  name: 'upgrade',
  exact: null,
  regex: '(?i)(.*[ ,])?websocket([ ,].*)?',
  present: false,
  invert: false,
};

/**
 * Before the model's routes, WebSocket handshakes (the model's effective.websocket): each WebSocket route's own
 * (origins its route does not allow refused 403, then the route with upgrade_configs), then any other handshake
 * refused 400 GW_HTTP_NOT_WEBSOCKET, never passed on as a plain GET.
 */
function handshakeRoutes(
  problems: Problems,
  modelRoutes: readonly Route[],
  view: (r: Route) => RouteView,
): RouteView[] {
  const out: RouteView[] = [];
  for (const r of modelRoutes) {
    const ws = r.effective.websocket;
    if (ws === null) continue;
    const own = view(r);
    const headers = [...own.headers, HANDSHAKE];
    if (ws.origins !== null) {
      out.push({
        ...own,
        comments: [`${r.id}: a WebSocket handshake from an origin its cors does not allow`].map(envoyComment),
        name: `${r.id} handshake origin`,
        headers: [
          ...headers,
          { name: 'origin', exact: null, regex: null, present: true, invert: false },
          { name: 'origin', exact: null, regex: originsRegex(ws.origins), present: false, invert: true },
        ],
        proxy: null,
        direct: handshakeRefusedDirect(problems, true),
        policies: null,
      });
    }
    out.push({ ...own, name: `${r.id} handshake`, headers });
  }
  out.push({
    comments: ['A WebSocket handshake no route above takes: refused, as in every plane.'],
    name: 'refuse handshake',
    path: null,
    regex: '.*',
    headers: [HANDSHAKE],
    proxy: null,
    direct: handshakeRefusedDirect(problems, false),
    policies: null,
  });
  return out;
}

/** After every route: one 405 route per path (and per combination of later paths that also match). */
function methodNotAllowedRoutes(modelRoutes: readonly Route[], diagnostics: Diagnostic[]): RouteView[] {
  const { blocks, truncated } = buildMethodNotAllowed(groupRoutesByPath(modelRoutes));
  for (const g of truncated) diagnostics.push(...routeWarnings(g.first, [allowTruncatedNote()]));
  return blocks.map((b) => ({
    comments: [
      `405 for ${b.group.exactPath ?? b.group.regex}` +
        (b.alsoMatching.length ? ` when the path also matches ${b.alsoMatching.join(' and ')}` : ''),
    ],
    name: `405 ${b.group.regex}${b.alsoMatching.map((m) => ` & ${m}`).join('')}`,
    path: b.group.exactPath,
    regex: b.group.exactPath === null ? b.group.regex : null,
    headers: b.alsoMatching.map((m) => ({
      name: ':path',
      exact: null,
      regex: withQuery(m),
      present: false,
      invert: false,
    })),
    proxy: null,
    direct: methodNotAllowedDirect(b.allow),
    policies: null,
  }));
}

function routePolicies(
  auth: RouteAuthView | undefined,
  rateLimit: RouteRateLimitView | undefined,
  cors: CorsPolicyView | undefined,
): RoutePolicyView | null {
  if (!auth && !rateLimit && !cors) return null;
  return {
    cors: cors ?? null,
    jwtRequirement: auth?.jwtRequirement ?? null,
    basicUsers: auth?.basicUsers ?? null,
    lua: auth?.lua ?? null,
    rbac: auth?.rbac ?? null,
    localRateLimit: rateLimit?.local ?? null,
    rateLimits: rateLimit?.global ?? null,
    removeHeaders: auth?.removeHeaders ?? [],
  };
}

/**
 * The preflight route of a route with CORS: its path, OPTIONS asking for its method, from an Origin; answered by the
 * cors filter, else 403.
 */
function preflightRoute(problems: Problems, r: Route, cors: CorsPolicyView | undefined): RouteView[] {
  if (!cors) return [];
  const match = envoyPathMatch(r);
  const asked = methodMatch(r);
  return [
    {
      comments: [`CORS preflight for ${r.id}: ${r.method} ${r.path}`].map(envoyComment),
      name: `preflight ${r.id}`,
      path: match.exactPath,
      regex: match.exactPath === null ? match.regex : null,
      headers: [
        { name: ':method', exact: 'OPTIONS', regex: null, present: false, invert: false },
        { ...asked, name: 'access-control-request-method' },
        { name: 'origin', exact: null, regex: null, present: true, invert: false },
      ],
      proxy: null,
      direct: corsRejectedDirect(problems),
      policies: routePolicies(undefined, undefined, cors),
    },
  ];
}

function routeView(
  problems: Problems,
  r: Route,
  policies: RoutePolicyView | null,
  deny: { challenge: string } | null,
  mapped: ReadonlySet<number>,
  diagnostics: Diagnostic[],
): RouteView {
  const match = envoyPathMatch(r);
  const headers = [methodMatch(r)];
  const base = {
    comments: [`${r.id}: ${r.method} ${r.path}`, `from ${r.source.file} at ${r.source.pointer}`].map(envoyComment),
    name: r.id,
    path: match.exactPath,
    regex: match.exactPath === null ? match.regex : null,
    headers,
    policies,
  };
  if (deny) {
    // Every requirement needs something nothing checks: refused, as gw serve refuses it.
    return {
      ...base,
      policies: policies && {
        ...policies,
        jwtRequirement: null,
        basicUsers: null,
        lua: null,
        rbac: null,
        removeHeaders: [],
      },
      proxy: null,
      direct: deniedDirect(problems, deny.challenge),
    };
  }
  if (r.compose !== undefined) {
    diagnostics.push(...routeWarnings(r, [composeUnsupportedNote(r.compose.steps.length)]));
    return { ...base, proxy: null, direct: composeUnsupportedDirect(problems) };
  }
  if (r.mock !== null) {
    const first = r.mock[0];
    if (first && mapped.has(first.status))
      diagnostics.push(...routeWarnings(r, [mockStatusRewrittenNote(first.status)]));
    return { ...base, proxy: null, direct: mockDirect(problems, first) };
  }
  return { ...base, proxy: proxyView(r), direct: null };
}

/** The methods the route answers (the model's `effective.methods`: HEAD with GET unless the path has its own). */
function methodMatch(r: Route): HeaderMatchView {
  const [only, ...more] = r.effective.methods;
  if (more.length === 0) return { name: ':method', exact: only!, regex: null, present: false, invert: false };
  return {
    name: ':method',
    exact: null,
    regex: `^(?:${r.effective.methods.join('|')})$`,
    present: false,
    invert: false,
  };
}

function proxyView(r: Route): ProxyView {
  const match = envoyPathMatch(r);
  const exact = match.exactPath !== null;
  // Literal text a client may have escaped (envoyPathMatch) is rewritten, so it goes upstream as gw serve sends it.
  const same = r.upstreamPath === r.path && match.regex === r.match.regex;
  const ws = r.effective.websocket;
  return {
    cluster: r.upstream,
    // A tunnel lasts past the answer's head: no route timeout, its idle timeout instead (Envoy's WebSocket advice).
    timeout: ws ? '0s' : envoyDuration(r.settings.requestTimeoutMs),
    prefixRewrite: exact && !same ? r.upstreamPath : null,
    regexRewrite: !exact && !same ? { pattern: match.regex, substitution: rewriteSubstitution(r) } : null,
    autoHostRewrite: !r.settings.preserveHost,
    retry: r.effective.retries > 0 ? { retryOn: 'connect-failure,reset', numRetries: r.effective.retries } : null,
    maxRequestBytes: r.settings.maxBodyBytes,
    websocket: ws
      ? {
          idleTimeout: envoyDuration(ws.idleTimeoutMs),
          maxStreamDuration: ws.maxLifetimeMs === null ? null : envoyDuration(ws.maxLifetimeMs),
        }
      : null,
  };
}

/**
 * `/v1/orders/{orderId}` -> `/v1/orders/\1`, numbering captures as the route regex does (one per parameter, in order).
 */
export function rewriteSubstitution(r: Pick<Route, 'segments' | 'upstreamPath'>): string {
  const order = templateParams(r.segments);
  const parts: (string | number)[] = [];
  for (const piece of r.upstreamPath.split(/(\{[^{}]+\})/)) {
    const name = /^\{([^{}]+)\}$/.exec(piece)?.[1];
    const index = name !== undefined ? order.indexOf(name) : -1;
    parts.push(index >= 0 ? index + 1 : piece);
  }
  return envoySubstitution(parts.filter((p) => p !== ''));
}
