import { isIP } from 'node:net';
import { CODES, type Code, type CodeInfo } from '../../diagnostics/codes.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import type { Gateway, MockResponse, Route, Upstream } from '../../model/types.js';
import type { RenderOptions } from '../types.js';
import {
  nginxComment,
  nginxName,
  nginxRegex,
  nginxReplacement,
  nginxSize,
  nginxString,
  nginxTemplateString,
  nginxTime,
} from './escape.js';
import {
  DISPATCH_ROOT,
  PATH_VARIABLE,
  buildLocationTree,
  literalOf,
  type LocationNode,
  type PathTemplate,
} from './locations.js';
import { buildPolicies, type PoliciesView, type PreflightView, type RoutePolicyView } from './policies.js';
import { buildNginxEdgeView, type NginxEdgeView } from './edge-view.js';

/**
 * Every decision of the NGINX target; the templates (templates/nginx/) only print this view.
 * The model's routes are grouped by path template (one location each, all methods), literal
 * paths get exact locations, and templates are nested as locations.ts explains.
 */
export interface NginxView {
  name: string;
  listen: string;
  /** How clients are treated (the model's edge): server-level directives. */
  edge: NginxEdgeView;
  resolver: string | null;
  /** The access_log directive's arguments (`access.log gw_json`, `off`, ...). */
  accessLog: string;
  upstreams: UpstreamView[];
  splits: SplitView[];
  problems: ProblemView[];
  /** Named locations for the other documented responses of mocked routes (`Prefer: code=NNN`). */
  mockAnswers: { named: string; status: number; contentType: string; body: string }[];
  /** Named locations answering mocked routes that check credentials or limits first (reached after those phases). */
  mockGuards: { named: string; answer: MockAnswerView }[];
  exact: LocationView[];
  tree: NodeView[];
  /** Dispatch branches (locations.ts): server-level internal prefix locations; empty when no level dispatches. */
  branches: NodeView[];
  internals: InternalView[];
  named: NamedView[];
  methodMaps: MethodMapView[];
  /** Authentication, rate limits, CORS (policies.ts). */
  policies: PoliciesView;
  /** The CORS preflight maps of the locations that answer preflights. */
  preflights: PreflightView[];
  /** `recursive_error_pages on`: a route served from a named location still gets gw's error answers (401, 429, ...). */
  recursiveErrorPages: boolean;
  /** Shared forwarding locations: `error_page <status> = <name>` at server level, one named location each. */
  forwards: SharedForwardView[];
}

/**
 * Routes that forward alike (same upstream, body limit, timeouts, retries, TLS name; no auth
 * request or rate limit, which run in the route's own location; the path forwarded unchanged)
 * share one named location that proxies: the route's location sets its variables and answers an
 * unused status that `error_page` turns into a jump there. nginx then touches the same proxy
 * configuration for all of them instead of one per route, which is what most of a request's cost
 * is once the location search is cheap (docs/targets/nginx.md).
 */
export interface SharedForwardView {
  status: number;
  name: string;
  forward: ForwardView;
}

export interface UpstreamView {
  name: string;
  comment: string;
  balancing: string | null;
  servers: { address: string; params: string }[];
}

/** Upstreams whose targets are hostnames: resolved per request through `resolver`, picked by weight. */
export interface SplitView {
  variable: string;
  comment: string;
  choices: { share: string; url: string }[];
}

export interface ProblemView {
  status: number;
  name: string;
  body: string;
  /** Mapped with `error_page <status>` at server level (the CORS refusal is reached from its preflight `if` instead). */
  intercept: boolean;
  /** Extra response headers (Allow, WWW-Authenticate, Retry-After, ...). */
  headers: { name: string; value: string }[];
}

export interface NodeView {
  prefix: string | null;
  nest: string | null;
  /** An internal prefix location (a dispatch branch). */
  internal: boolean;
  children: NodeView[];
  location: LocationView | null;
  /** `rewrite <regex> <target> last;`: this level dispatches on a segment's value. */
  dispatch: { regex: string; target: string } | null;
}

export interface LocationView {
  match: string;
  comments: string[];
  /** `if (<notMethods>)`: true for methods this location does not answer (a map lookup, no regex). */
  notMethods: string;
  /** What happens to other methods: a 405 (allow set), or the fallback location for routes of later templates. */
  allow: string;
  fallback: string | null;
  /** Other routes of the same path: served in place when their location settings are the primary's, else through a named location. */
  dispatch: DispatchView[];
  /** CORS preflights answered here, before the method check. */
  preflight: PreflightView | null;
  handler: HandlerView;
}

export interface DispatchView {
  /** An `if` condition on the method. */
  when: string;
  /** Served inside the `if` block (same location-level settings as the primary route)… */
  inline: ForwardView | null;
  /** …or by this named location (other timeouts; a jump, no second location search)… */
  named: string | null;
  /**
   * …or, when the body limit differs, through `rewrite … last` to the route's internal location:
   * nginx checks client_max_body_size against Content-Length only when it finds a location by
   * URI, not when it jumps to a named one.
   */
  uri: string | null;
}

/** Named locations for routes dispatched from another route's location. */
export interface NamedView {
  name: string;
  comments: string[];
  handler: HandlerView;
}

/** `map $request_method $<variable> { GET 1; HEAD 1; default 0; }` */
export interface MethodMapView {
  variable: string;
  methods: string[];
}

export interface InternalView {
  prefix: string;
  comments: string[];
  /** For a fallback location: per method, the later template's regex and the route location to go to. */
  fallbacks: { when: string; regex: string; uri: string }[];
  allow: string;
  handler: HandlerView | null;
}

export interface HandlerView {
  forward: ForwardView | null;
  mock: MockView | null;
}

export interface ForwardView {
  route: string;
  service: string;
  setUpstream: string | null;
  proxyPass: string;
  host: string;
  rewrite: { regex: string; replacement: string };
  maxBody: string;
  connectTimeout: string;
  readTimeout: string;
  tries: number;
  tlsName: string | null;
  /** `auth_request /__gw_auth;` (gw-auth.js checks the route's credentials). */
  auth: boolean;
  /** `return <status>`: forwarded by the shared location of that status (SharedForwardView), or null. */
  shared: number | null;
  /** `limit_req …` arguments, or null. */
  limitReq: string | null;
  /** `set` lines for the route's policies (before the rewrite). */
  sets: RoutePolicyView['sets'];
}

export interface MockView {
  route: string;
  service: string;
  /** The route's policy variables ($gw_auth, $gw_headers, $gw_limit, ...), as a forwarding route sets them. */
  sets: RoutePolicyView['sets'];
  auth: boolean;
  limitReq: string | null;
  /**
   * The named location that answers, when credentials or a rate limit must be checked first: nginx runs
   * `return` in the rewrite phase, before limit_req and auth_request, so such a route jumps with
   * try_files (precontent phase, after both) instead. null: the answer is given in place.
   */
  guard: string | null;
  answer: MockAnswerView;
}

/** The answer of a mocked route: its first documented response, the others picked by `Prefer: code=NNN`. */
export interface MockAnswerView {
  status: number;
  contentType: string;
  body: string;
  alternatives: { named: string; prefer: string; status: number; contentType: string; body: string }[];
}

const REQUEST_ID = '$gw_request_id';

export function buildNginxView(
  gateway: Gateway,
  options: RenderOptions = {},
): { view: NginxView; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const upstreams = new Map(gateway.upstreams.map((u) => [u.id, u]));
  const policies = buildPolicies(gateway);
  const preflights: PreflightView[] = [];
  const resolver = options.nginx?.resolver?.length ? `${options.nginx.resolver.join(' ')} valid=30s ipv6=off` : null;

  const blocks: UpstreamView[] = [];
  const unresolved: Upstream[] = [];
  const splits: SplitView[] = [];
  for (const u of gateway.upstreams) {
    if (u.targets.length === 0) continue;
    if (byAddress(u)) blocks.push(upstreamBlock(u));
    else {
      splits.push(splitFor(u));
      unresolved.push(u);
      if (u.targets.length > 1)
        diagnostics.push(
          inexact(
            `upstream "${u.id}" has several hostname targets; nginx picks one per request by weight, without keep-alive, passive ejection or retries to another target`,
            u,
            'use IP addresses in gw.yaml upstreams to get an nginx upstream block',
          ),
        );
    }
    if (u.healthCheck)
      diagnostics.push(
        inexact(
          `upstream "${u.id}" has an active health check; open-source nginx has none, so only passive checks (max_fails=3 fail_timeout=10s) apply`,
          u,
          'run gw serve, the node target or Envoy where active checks matter',
        ),
      );
  }

  if (unresolved.length > 0 && !resolver) {
    diagnostics.push(
      createDiagnostic(
        'GW_TARGET_INEXACT',
        `nginx: ${unresolved.length === 1 ? 'upstream' : 'upstreams'} ${unresolved.map((u) => `"${u.id}"`).join(', ')} ${unresolved.length === 1 ? 'has' : 'have'} hostname targets, which nginx resolves at run time; without build.nginx.resolver in gw.yaml they answer 502`,
        {
          kind: 'nginx.resolver',
          locations: unresolved.map((u) => ({ file: u.source.file, pointer: u.source.pointer })),
          hints: [
            'set build.nginx.resolver to your DNS servers (e.g. [127.0.0.11] in Docker), or use IP addresses in gw.yaml upstreams',
          ],
        },
      ),
    );
  }

  // One location per path template, in model order.
  const groups: Route[][] = [];
  const byPath = new Map<string, Route[]>();
  for (const r of gateway.routes) {
    let g = byPath.get(r.path);
    if (!g) {
      g = [];
      byPath.set(r.path, g);
      groups.push(g);
    }
    g.push(r);
  }
  const templates: PathTemplate[] = groups.map((g, order) => ({
    order,
    segments: g[0]!.segments,
    params: g[0]!.params,
    exact: g[0]!.match.kind === 'exact',
  }));
  const groupRegexes = groups.map((g) => new RegExp(g[0]!.match.regex));
  const internals = new Map<string, InternalView>();
  const named = new Map<string, NamedView>();
  const methodMaps = new Map<string, MethodMapView>();
  const routeIndex = new Map(gateway.routes.map((r, i) => [r, i]));
  // The location tree first: whether any level dispatches decides how handlers of stripping routes match.
  const locationTree = buildLocationTree(templates);
  const dispatching = locationTree.branches.length > 0;
  const forwards = new Map<string, SharedForwardView>();
  /** The shared forwarding location for a handler that can use one (see SharedForwardView). */
  const share = (h: HandlerView): HandlerView => {
    const f = h.forward;
    if (!f || f.auth || f.limitReq || f.rewrite.replacement !== PATH_VARIABLE) return h;
    const key = JSON.stringify([f.proxyPass, f.maxBody, f.connectTimeout, f.readTimeout, f.tries, f.tlsName]);
    let shared = forwards.get(key);
    if (!shared) {
      if (forwards.size >= SHARED_STATUSES.length) return h;
      shared = { status: SHARED_STATUSES[forwards.size]!, name: `@gw_forward_${forwards.size + 1}`, forward: f };
      forwards.set(key, shared);
    }
    return { ...h, forward: { ...f, shared: shared.status } };
  };
  const handlerOf = (r: Route) =>
    share(
      handler(
        r,
        upstreams.get(r.upstream),
        policies.routes.get(r)!,
        dispatching ? `^(?:${DISPATCH_ROOT}[0-9]+/[^/]*)?${r.match.regex.slice(1)}` : r.match.regex,
      ),
    );
  /** An `if` condition true for these methods: a plain comparison for one, a map lookup for several. */
  const methodTest = (methods: readonly string[], want: 0 | 1): string => {
    const sorted = [...new Set(methods)].sort();
    if (sorted.length === 1 && want === 1) return `$request_method = ${sorted[0]}`;
    const variable = `$gw_methods_${sorted.join('_').toLowerCase()}`;
    if (!methodMaps.has(variable)) methodMaps.set(variable, { variable, methods: sorted });
    return `${variable} = ${want}`;
  };
  const routeUri = (r: Route): string => {
    const i = routeIndex.get(r)!;
    const prefix = `/__gw_route/${i}/`;
    if (!internals.has(prefix)) {
      internals.set(prefix, {
        prefix,
        comments: [nginxComment(`internal: ${r.method} ${r.path} (${sourceOf(r)})`)],
        fallbacks: [],
        allow: '',
        handler: share(
          handler(r, upstreams.get(r.upstream), policies.routes.get(r)!, `^/__gw_route/${i}${r.match.regex.slice(1)}`),
        ),
      });
    }
    return `/__gw_route/${i}${PATH_VARIABLE}`;
  };
  const namedFor = (r: Route): string => {
    const name = `@gw_route_${routeIndex.get(r)!}`;
    if (!named.has(name))
      named.set(name, {
        name,
        comments: [nginxComment(`${r.method} ${r.path} -> ${r.id} (${sourceOf(r)})`)],
        handler: handlerOf(r),
      });
    return name;
  };

  /** The location of path template `order`; `at` is what precedes the path in the URI there (a dispatch branch's prefix, as regex). */
  const locationFor = (order: number, at = ''): LocationView => {
    const group = groups[order]!;
    const t = templates[order]!;
    const literalPath = t.exact ? group[0]!.path : undefined;
    // Which route answers each method: this template's routes first, then (for other methods) later templates that can match.
    const later: Route[][] = [];
    for (let j = order + 1; j < groups.length; j++) {
      const overlaps = literalPath !== undefined ? groupRegexes[j]!.test(literalPath) : mayOverlap(t, templates[j]!);
      if (overlaps) later.push(groups[j]!);
    }
    const own = methodsOf(group);
    const primary = group[0]!;
    const primaryHandler = handlerOf(primary);
    const dispatch: DispatchView[] = [];
    for (const r of group) {
      if (r === primary) continue;
      const h = handlerOf(r);
      const when = methodTest(methodsServedBy(r, group), 1);
      const pf = primaryHandler.forward;
      if (h.forward && pf && sameLocationSettings(h.forward, pf))
        dispatch.push({ when, inline: h.forward, named: null, uri: null });
      else if (h.forward && pf && h.forward.maxBody === pf.maxBody)
        dispatch.push({ when, inline: null, named: namedFor(r), uri: null });
      else dispatch.push({ when, inline: null, named: null, uri: routeUri(r) });
    }
    const allowSet = new Set(own);
    const fallbacks: InternalView['fallbacks'] = [];
    for (const g of later) {
      for (const r of g) {
        const ms = methodsServedBy(r, g).filter((m) => !allowSet.has(m));
        for (const m of methodsOf([r])) allowSet.add(m);
        if (ms.length)
          fallbacks.push({
            when: methodTest(ms, 1),
            regex: nginxRegex(`^/__gw_fallback/${order}(${g[0]!.match.regex.slice(1, -1)})$`),
            uri: `${routeUri(r).replace(PATH_VARIABLE, '')}$1`,
          });
      }
    }
    const allow = [...allowSet].sort().join(', ');
    let fallback: string | null = null;
    if (fallbacks.length > 0) {
      const prefix = `/__gw_fallback/${order}/`;
      internals.set(prefix, {
        prefix,
        comments: [nginxComment(`internal: methods of other paths that also match ${primary.path}`)],
        fallbacks,
        allow: nginxString(allow),
        handler: null,
      });
      fallback = `/__gw_fallback/${order}${PATH_VARIABLE}`;
    }
    const preflight = policies.preflight(group, (r) => methodsServedBy(r, group));
    if (preflight) preflights.push(preflight);
    return {
      match:
        literalPath !== undefined
          ? `= ${nginxRegex(literalPath)}`
          : `~ ${nginxRegex(`^${at}${primary.match.regex.slice(1)}`)}`,
      comments: group.map((r) => nginxComment(`${r.method} ${r.path} -> ${r.id} (${sourceOf(r)})`)),
      notMethods: methodTest(own, 0),
      allow: nginxString(allow),
      fallback,
      dispatch,
      preflight,
      handler: primaryHandler,
    };
  };

  const toNode = (n: LocationNode): NodeView => {
    const none = { prefix: null, nest: null, internal: false, children: [], location: null, dispatch: null };
    if (n.kind === 'template') return { ...none, location: locationFor(n.order, n.at) };
    if (n.kind === 'dispatch') return { ...none, dispatch: { regex: nginxRegex(n.regex), target: n.target } };
    return {
      ...none,
      prefix: n.kind === 'prefix' ? n.prefix : null,
      nest: n.kind === 'nest' ? nginxRegex(n.regex) : null,
      children: n.children.map(toNode),
    };
  };

  const exact = templates.filter((t) => t.exact).map((t) => locationFor(t.order));
  const tree = locationTree.nodes.map(toNode);
  // Dispatch branches, and the root of their namespace: a client's own /__gw_d/... request is answered 404.
  const branch = (prefix: string, children: NodeView[]): NodeView => ({
    prefix: nginxRegex(prefix),
    nest: null,
    internal: true,
    children,
    location: null,
    dispatch: null,
  });
  const branches = dispatching
    ? [...locationTree.branches.map((b) => branch(b.prefix, b.children.map(toNode))), branch(DISPATCH_ROOT, [])]
    : [];
  return {
    view: {
      name: gateway.name,
      listen: `${gateway.listen.host.includes(':') ? `[${gateway.listen.host}]` : gateway.listen.host}:${gateway.listen.port}`,
      edge: buildNginxEdgeView(gateway.edge),
      resolver,
      accessLog: accessLogOf(options.nginx?.accessLog),
      upstreams: blocks,
      splits,
      problems: problems(policies.view),
      mockAnswers: collectMocks(gateway),
      mockGuards: collectGuards(gateway, policies.routes),
      exact,
      tree,
      branches,
      internals: [...internals.values()].sort((a, b) => (a.prefix < b.prefix ? -1 : 1)),
      named: [...named.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
      methodMaps: [...methodMaps.values()].sort((a, b) => (a.variable < b.variable ? -1 : 1)),
      policies: policies.view,
      preflights,
      // A shared forwarding location is itself reached through error_page: nginx's own errors there (502, 504) need this too.
      recursiveErrorPages: policies.view.njs !== null || policies.view.rateLimits || forwards.size > 0,
      forwards: [...forwards.values()],
    },
    diagnostics: [...diagnostics, ...policies.diagnostics],
  };
}

/**
 * gw.yaml `build.nginx.accessLog`: a file under nginx's prefix by default, which works whatever nginx's
 * standard output is (a socket under systemd, where /dev/stdout cannot be opened, or /dev/null after a
 * reload in daemon mode); `stdout` for `daemon off` containers; `off`; or a path or `syslog:` address as given.
 */
function accessLogOf(setting = 'access.log'): string {
  if (setting === 'off') return 'off';
  // The schema allows no white space, quotes, `;`, braces or `$` (a variable would reopen the file per request).
  return `${setting === 'stdout' ? '/dev/stdout' : setting} gw_json`;
}

/** Methods a path's routes answer, HEAD included where GET is. */
function methodsOf(routes: readonly Route[]): string[] {
  const out = new Set<string>();
  for (const r of routes) {
    out.add(r.method);
    if (r.method === 'GET') out.add('HEAD');
  }
  return [...out].sort();
}

/** The methods route `r` serves among its path's routes: its own, and HEAD for a GET route when the path has no HEAD route. */
function methodsServedBy(r: Route, group: readonly Route[]): string[] {
  if (r.method === 'GET' && !group.some((o) => o.method === 'HEAD')) return ['GET', 'HEAD'];
  return [r.method];
}

/** Location-level directives (not allowed inside `if`) that two routes must share to be served from one location. */
function sameLocationSettings(a: ForwardView, b: ForwardView): boolean {
  return (
    a.maxBody === b.maxBody &&
    a.connectTimeout === b.connectTimeout &&
    a.readTimeout === b.readTimeout &&
    a.tries === b.tries &&
    a.tlsName === b.tlsName &&
    a.auth === b.auth &&
    a.limitReq === b.limitReq
  );
}

/** Could a later template match some path this one matches? Segment by segment: literals must be equal, anything else may overlap. */
function mayOverlap(t: PathTemplate, other: PathTemplate): boolean {
  if (t.segments.length !== other.segments.length) return false;
  return t.segments.every((seg, i) => {
    const a = literalOf(seg);
    const b = literalOf(other.segments[i]);
    if (a !== undefined && b !== undefined) return a === b;
    return true;
  });
}

/**
 * Statuses nothing answers (after 451, before nginx's own 494-499), turned by `error_page` into jumps to
 * the shared forwarding locations; a gateway with more distinct forwarding settings than this forwards
 * the rest from the routes' own locations.
 */
const SHARED_STATUSES = Array.from({ length: 493 - 460 + 1 }, (_, i) => 460 + i);

function handler(r: Route, u: Upstream | undefined, policy: RoutePolicyView, regex = r.match.regex): HandlerView {
  if (r.mock) return { forward: null, mock: mockView(r, r.mock, policy) };
  if (!u || u.targets.length === 0) return { forward: null, mock: null };
  const first = u.targets[0]!;
  const block = byAddress(u);
  return {
    forward: {
      route: nginxString(r.id),
      service: nginxString(r.service),
      setUpstream: block ? null : `$${nginxName(u.id)}`,
      proxyPass: block ? `${first.scheme}://${nginxName(u.id)}` : `$${nginxName(u.id)}`,
      host: r.settings.preserveHost ? '$http_host' : nginxString(authority(first.host, first.port, first.scheme)),
      // The upstream path: the saved request path when it is the route's own (no regex needed), else built from the captures.
      rewrite:
        r.upstreamPath === r.path
          ? { regex: nginxRegex('^'), replacement: PATH_VARIABLE }
          : { regex: nginxRegex(regex), replacement: upstreamReplacement(r) },
      maxBody: nginxSize(r.settings.maxBodyBytes),
      connectTimeout: nginxTime(r.settings.connectTimeoutMs),
      readTimeout: nginxTime(r.settings.requestTimeoutMs),
      // nginx never retries POST, PATCH or LOCK on another target (proxy_next_upstream), as gw.
      tries: r.settings.retries + 1,
      tlsName: first.scheme === 'https' ? first.host : null,
      auth: policy.auth,
      limitReq: policy.limitReq,
      sets: policy.sets,
      shared: null,
    },
    mock: null,
  };
}

/** The upstream path with `$1`… in place of the parameters, in the order the route regex captures them. */
function upstreamReplacement(r: Route): string {
  const order = new Map<string, number>();
  let n = 0;
  for (const seg of r.segments)
    for (const p of seg.parts) if ('param' in p && !order.has(p.param)) order.set(p.param, ++n);
  const parts: (string | number)[] = [];
  let rest = r.upstreamPath;
  for (let m = /\{([^{}]+)\}/.exec(rest); m; m = /\{([^{}]+)\}/.exec(rest)) {
    parts.push(rest.slice(0, m.index), order.get(m[1]!) ?? m[0]);
    rest = rest.slice(m.index + m[0].length);
  }
  parts.push(rest);
  return nginxReplacement(parts.filter((p) => p !== ''));
}

function mockView(r: Route, responses: readonly MockResponse[], policy: RoutePolicyView): MockView {
  const guarded = policy.auth || policy.limitReq !== null;
  return {
    route: nginxString(r.id),
    service: nginxString(r.service),
    // Nothing is forwarded: the upstream headers ($gw_headers) and the query without credentials ($args) stay unset.
    sets: policy.sets.filter((x) => x.variable !== '$gw_headers' && x.variable !== '$args'),
    auth: policy.auth,
    limitReq: policy.limitReq,
    guard: guarded ? guardName(r) : null,
    answer: mockAnswer(r, responses),
  };
}

function guardName(r: Route): string {
  return `@gw_answer_${nginxName(r.id).slice(3)}`;
}

function mockAnswer(r: Route, responses: readonly MockResponse[]): MockAnswerView {
  const [first, ...others] = responses;
  const text = (m: MockResponse) =>
    nginxString(
      m.body === null || m.body === undefined ? '' : typeof m.body === 'string' ? m.body : JSON.stringify(m.body),
    );
  return {
    status: first!.status,
    contentType: nginxString(first!.contentType ?? 'text/plain'),
    body: text(first!),
    alternatives: others.map((m) => ({
      named: `@gw_mock_${nginxName(r.id).slice(3)}_${m.status}`,
      prefer: nginxRegex(`(^|[ ,;])code=${m.status}([ ,;]|$)`),
      status: m.status,
      contentType: nginxString(m.contentType ?? 'text/plain'),
      body: text(m),
    })),
  };
}

function collectMocks(gateway: Gateway): NginxView['mockAnswers'] {
  return gateway.routes.flatMap((r) =>
    r.mock
      ? mockAnswer(r, r.mock).alternatives.map(({ named, status, contentType, body }) => ({
          named,
          status,
          contentType,
          body,
        }))
      : [],
  );
}

function collectGuards(gateway: Gateway, policies: ReadonlyMap<Route, RoutePolicyView>): NginxView['mockGuards'] {
  return gateway.routes.flatMap((r) => {
    const p = policies.get(r)!;
    return r.mock && (p.auth || p.limitReq !== null) ? [{ named: guardName(r), answer: mockAnswer(r, r.mock) }] : [];
  });
}

function problems(policies: PoliciesView): ProblemView[] {
  const list: [Code, string, ProblemView['headers']][] = [
    ['GW_HTTP_BAD_REQUEST', 'the request is malformed', []],
    ['GW_HTTP_NOT_FOUND', 'no route matches this path', []],
    ['GW_HTTP_METHOD_NOT_ALLOWED', '$request_method is not allowed here', [{ name: 'Allow', value: '$gw_allow' }]],
    ['GW_HTTP_REQUEST_TIMEOUT', 'the request was not received in time', []],
    ['GW_HTTP_PAYLOAD_TOO_LARGE', 'the request body is larger than this route allows', []],
    ['GW_HTTP_HEADERS_TOO_LARGE', 'the request headers are too large', []],
    ['GW_HTTP_UPSTREAM_FAILED', 'service \\"$gw_service\\" could not be reached', []],
    ['GW_HTTP_NO_HEALTHY_UPSTREAM', 'no healthy target for service \\"$gw_service\\"', []],
    ['GW_HTTP_UPSTREAM_TIMEOUT', 'service \\"$gw_service\\" did not answer in time', []],
    // nginx's own 501: a Transfer-Encoding other than chunked, as gw serve refuses it (check-head.ts).
    ['GW_HTTP_TRANSFER_ENCODING', 'the request body uses a transfer coding other than chunked', []],
  ];
  // gw-auth.js sets $gw_auth_detail (JSON-escaped) and $gw_challenge; an empty challenge sends no header.
  if (policies.njs) {
    list.push(['GW_HTTP_UNAUTHORIZED', '$gw_auth_detail', [{ name: 'WWW-Authenticate', value: '$gw_challenge' }]]);
    list.push(['GW_HTTP_FORBIDDEN', '$gw_auth_detail', [{ name: 'WWW-Authenticate', value: '$gw_challenge' }]]);
  }
  if (policies.rateLimits) {
    list.push([
      'GW_HTTP_TOO_MANY_REQUESTS',
      'the limit of $gw_limit requests per window is used up; retry in $gw_limit_retry s',
      [
        { name: 'Retry-After', value: '$gw_limit_retry' },
        { name: 'RateLimit-Limit', value: '$gw_limit' },
        { name: 'RateLimit-Remaining', value: '0' },
        { name: 'RateLimit-Reset', value: '$gw_limit_retry' },
      ],
    ]);
  }
  if (policies.cors) list.push(['GW_HTTP_CORS_REJECTED', 'the origin may not call this route', []]);
  return list
    .map(([code, detail, headers]) => {
      const status = (CODES[code] as CodeInfo).status!;
      const json = `{"type":"https://gw.dev/errors#${code.toLowerCase()}","title":${JSON.stringify(CODES[code].title)},"status":${status},"detail":"${detail}","code":"${code}","requestId":"${REQUEST_ID}"}`;
      const cors = code === 'GW_HTTP_CORS_REJECTED';
      return {
        status,
        name: cors ? '/__gw_error/cors' : `/__gw_error/${status}`,
        body: nginxTemplateString(json),
        intercept: !cors,
        headers,
      };
    })
    .sort((a, b) => a.status - b.status || (a.name < b.name ? -1 : 1));
}

/** Targets nginx can use in an upstream block: IP addresses and localhost (a hostname must resolve when nginx starts). */
function byAddress(u: Upstream): boolean {
  return u.targets.every((t) => isIP(t.host) !== 0 || t.host === 'localhost' || /^\[.*\]$/.test(t.host));
}

function upstreamBlock(u: Upstream): UpstreamView {
  return {
    name: nginxName(u.id),
    comment: nginxComment(
      `${u.id}: ${u.origin === 'config' ? 'gw.yaml upstreams' : `${u.source.file}${u.source.pointer}`}`,
    ),
    balancing: u.balancing === 'least-connections' ? 'least_conn;' : null,
    servers: u.targets.map((t) => ({
      address: authority(t.host, t.port, 'none'),
      params: `${u.balancing === 'weighted' && t.weight !== 1 ? `weight=${t.weight} ` : ''}max_fails=3 fail_timeout=10s`,
    })),
  };
}

function splitFor(u: Upstream): SplitView {
  const total = u.targets.reduce((n, t) => n + t.weight, 0);
  const choices = u.targets.map((t, i) => ({
    share: i === u.targets.length - 1 ? '*' : `${((t.weight / total) * 100).toFixed(2)}%`,
    url: nginxString(`${t.scheme}://${authority(t.host, t.port, t.scheme)}`),
  }));
  return {
    variable: `$${nginxName(u.id)}`,
    comment: nginxComment(`${u.id}: ${u.source.file}${u.source.pointer}`),
    choices,
  };
}

function authority(host: string, port: number, scheme: 'http' | 'https' | 'none'): string {
  const h = isIP(host) === 6 ? `[${host}]` : host;
  if ((scheme === 'http' && port === 80) || (scheme === 'https' && port === 443)) return h;
  return `${h}:${port}`;
}

function sourceOf(r: Route): string {
  return nginxComment(`${r.source.file}${r.source.pointer}`);
}

function inexact(message: string, u: Upstream, hint: string): Diagnostic {
  return createDiagnostic('GW_TARGET_INEXACT', `nginx: ${message}`, {
    locations: [{ file: u.source.file, pointer: u.source.pointer }],
    hints: [hint],
  });
}
