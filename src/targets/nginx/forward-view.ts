import type { Route, Upstream } from '../../model/types.js';
import { nginxRegex, nginxReplacement, nginxSize, nginxString, nginxTime } from './escape.js';
import { PATH_VARIABLE } from './locations.js';
import type { RouteChecksView, RoutePolicyView } from './policies.js';
import { upstreamAccess } from './upstreams-view.js';

/** How a route's request goes upstream: what `_proxy.hbs` prints, and the location's forwarding settings. */
export interface ForwardView {
  route: string;
  service: string;
  proxyPass: string;
  host: string;
  /**
   * `$gw_tls_name`, the name the server-level proxy_ssl_name sends and verifies: a string, the
   * variable of a split (the chosen target's), or null for http.
   */
  tlsName: string | null;
  rewrite: { regex: string; replacement: string };
  /** The upstream path is not the request's: the route's location rewrites the URI to it (before a jump). */
  rewritten: boolean;
  /** The location-level directives: printed by `_forward-settings.hbs`. */
  settings: ForwardSettingsView;
  /** `return <status>`: forwarded by the shared location of that status (SharedForwardView), or null. */
  shared: number | null;
  /**
   * The shared location a route with checks (auth_request, limit_req) forwards from, reached by
   * `try_files` after them (`return` runs before them), or null. Not from inside an `if`: try_files cannot stand there.
   */
  sharedAfterChecks: string | null;
  /** `set` lines for the route's policies (before the rewrite). */
  sets: RoutePolicyView['sets'];
}

/**
 * The location-level directives of forwarding, printed by templates/nginx/_forward-settings.hbs
 * wherever a location forwards (a route's own location, a named or internal one, a shared one).
 * They cannot stand inside `if`, so routes of one path served in one location must agree on them.
 */
export interface ForwardSettingsView {
  /**
   * client_max_body_size: in the route's own location even when a shared location forwards (nginx
   * checks Content-Length when it finds the location).
   */
  maxBody: string;
  /** proxy_*_timeout, proxy_next_upstream_tries; null where a shared location forwards the requests. */
  proxy: ProxySettingsView | null;
  /** auth_request and limit_req, which run in the route's own location (so never in a shared one). */
  checks: RouteChecksView;
  /** `try_files /__gw_never <name>`: after the checks, on to the shared location that forwards (sharedAfterChecks). */
  tryFiles: string | null;
}

export interface ProxySettingsView {
  connectTimeout: string;
  readTimeout: string;
  tries: number;
}

/**
 * Routes that forward alike (same upstream, body limit, timeouts, retries) share one named location
 * that proxies: the route's location sets its variables (its TLS name among them), rewrites the URI
 * to the upstream path when it is not the request's, and answers an unused status that `error_page`
 * turns into a jump there; a route with auth_request or limit_req, which run later (access phase),
 * jumps by `try_files` to a file that never exists, after them. nginx then touches the same proxy
 * configuration for all of them instead of one per route, which is what most of a request's cost
 * is once the location search is cheap; and nginx 1.22 makes one SSL context (the CA bundle
 * loaded) per location that proxies to https, not per route (docs/targets/nginx.md). A jump to a
 * named location keeps the URI and searches no location again, so a shared location forwards
 * either the request path ($gw_path) or the URI the route rewrote.
 */
export interface SharedForwardView {
  /** The status whose `error_page` jumps here, or null when only routes with checks (try_files) come here. */
  status: number | null;
  name: string;
  forward: ForwardView;
}

/** How route `r` forwards to upstream `u` (with targets); `regex` matches the URI its location sees. */
export function buildForwardView(r: Route, u: Upstream, policy: RoutePolicyView, regex: string): ForwardView {
  const access = upstreamAccess(u);
  const websocket = r.effective.websocket;
  return {
    route: nginxString(r.id),
    service: nginxString(r.service),
    proxyPass: access.proxyPass,
    host: r.settings.preserveHost ? '$http_host' : access.host,
    tlsName: access.tlsName,
    // The upstream path: the saved request path when it is the route's own (no regex), else made of the captures.
    rewrite:
      r.upstreamPath === r.path
        ? { regex: nginxRegex('^'), replacement: PATH_VARIABLE }
        : { regex: nginxRegex(regex), replacement: upstreamReplacement(r) },
    rewritten: r.upstreamPath !== r.path,
    settings: {
      maxBody: nginxSize(r.settings.maxBodyBytes),
      proxy: {
        // The upstream's connect timeout (one per upstream, as gw serve's pools and Envoy's clusters have).
        connectTimeout: nginxTime(u.connectTimeoutMs),
        // A WebSocket route's tunnel closes when the upstream sends nothing for this long: its idle timeout.
        readTimeout: nginxTime(websocket ? websocket.idleTimeoutMs : r.settings.requestTimeoutMs),
        // The model's retries: 0 for methods that are not idempotent.
        tries: r.effective.retries + 1,
      },
      checks: policy.checks,
      tryFiles: null,
    },
    // Only from here do Upgrade and Connection: upgrade go upstream (websocket-view.ts).
    sets: websocket ? [...policy.sets, { variable: '$gw_websocket', value: '1' }] : policy.sets,
    shared: null,
    sharedAfterChecks: null,
  };
}

/** Directives (not allowed inside `if`) that two routes must share to be served from one location. */
export function sameForwardSettings(a: ForwardSettingsView, b: ForwardSettingsView): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Statuses nothing answers (after 451, before nginx's own 494-499), turned by `error_page` into jumps to
 * the shared forwarding locations; a gateway with more distinct forwarding settings than this forwards
 * the rest of the routes without checks from their own locations.
 */
const SHARED_STATUSES = Array.from({ length: 493 - 460 + 1 }, (_, i) => 460 + i);

/**
 * The shared forwarding locations (SharedForwardView), made as routes ask for them. Only routes that jump
 * by `return` use up a status; routes with checks reach any number of them by `try_files`.
 */
export class SharedForwards {
  private readonly byKey = new Map<string, SharedForwardView>();
  private statuses = 0;

  /** The forward with `shared` (or `sharedAfterChecks`) set when a shared location can forward its requests. */
  share(f: ForwardView): ForwardView {
    const { checks, proxy } = f.settings;
    const checked = checks.auth || checks.limitReq !== null;
    const key = JSON.stringify([f.proxyPass, f.settings.maxBody, proxy, f.rewritten]);
    let shared = this.byKey.get(key);
    if (!checked && !shared?.status && this.statuses === SHARED_STATUSES.length) return f;
    if (!shared) {
      // The shared location checks nothing: a route's checks run once, in its own location.
      const unchecked = { ...f, settings: { ...f.settings, checks: { auth: false, limitReq: null } } };
      shared = { status: null, name: `@gw_forward_${this.byKey.size + 1}`, forward: unchecked };
      this.byKey.set(key, shared);
    }
    if (checked) return { ...f, sharedAfterChecks: shared.name };
    shared.status ??= SHARED_STATUSES[this.statuses++]!;
    return { ...f, shared: shared.status };
  }

  list(): SharedForwardView[] {
    return [...this.byKey.values()];
  }
}

/**
 * What the forwarding route's own location sets: all its settings, or only the body limit and checks when shared
 * (and the try_files that follows the checks).
 */
export function locationSettings(f: ForwardView): ForwardSettingsView {
  if (f.shared !== null) return { ...f.settings, proxy: null };
  if (f.sharedAfterChecks !== null) return { ...f.settings, proxy: null, tryFiles: f.sharedAfterChecks };
  return f.settings;
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
