import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { KindOf } from '../../diagnostics/kinds.js';
import type { Gateway, Route, SecurityScheme } from '../../model/types.js';
import {
  answers,
  type CredentialSlot,
  jsJson,
  keyMapFile,
  type PolicyJs,
  type SchemeJs,
  schemeJs,
} from './gw-auth-config.js';
import { firstRoutes, inexactWarning, routesText } from './inexact-warning.js';

/**
 * Authentication in the NGINX target (docs/targets/nginx.md, "Authentication"): gw-auth.js, an
 * njs program shipped as it is, checks credentials in an `auth_request` subrequest. What it checks
 * is its configuration, conf.d/gw-auth-config.js, rendered from this view: the schemes, and per
 * policy (a route's requirements, OR of ANDs with scopes) the 401/403 answers worded as gw serve
 * words them. A route's location picks its policy with `set $gw_auth <n>`.
 */
export interface NjsView {
  /** gw-auth-config.js's value: JSON, safe inside a JS source file. */
  config: string;
  /** Environment variables the workers must see (`env NAME;` in nginx.conf). */
  env: string[];
  /** Per apiKey scheme: the map gw.conf declares over the file `gw keys` writes (key-maps.ts). */
  keyMaps: KeyMapView[];
  /** js_set variables that read the query (routes with query keys) and the consumer rate-limit key. */
  query: boolean;
  consumerKey: boolean;
}

export interface KeyMapView {
  /** The scheme's id. */
  scheme: string;
  /** `$<hash>` is the key's digest (a js_var), `$<consumer>` what the map gives for it. */
  hash: string;
  consumer: string;
  /** Relative to nginx's prefix. */
  file: string;
}

/** What one route's credentials mean for its location and for what goes upstream. */
export interface RouteAuthView {
  /** The index of the route's policy in the configuration, or null when it checks nothing. */
  policy: number | null;
  /** settings.auth.consumerHeader, as configured. */
  consumerHeader: string;
  /** Credential headers removed on the way upstream: the model's `effective.remove.headers` but the consumer header. */
  dropHeaders: string[];
  dropCookies: boolean;
  /** The route reads a query parameter ($gw_args), and removes one ($args = $gw_stripped_args). */
  queryRead: boolean;
  queryDrop: boolean;
  /** Where its credentials are read: a consumer rate limit keys on them. */
  slots: CredentialSlot[];
}

export interface AuthPlan {
  routes: Map<Route, RouteAuthView>;
  /** The njs configuration but for the rate-limit key (the rate limits decide it); null when nothing is checked. */
  njs: Omit<NjsView, 'consumerKey'> | null;
  /** Query parameters shown as *** in the access log: every route's `effective.redactQuery` (one log format). */
  redact: string[];
  diagnostics: Diagnostic[];
}

/** Decides what gw-auth.js checks for each route, and what nginx cannot check as gw serve does. */
export function planAuth(gateway: Gateway): AuthPlan {
  const planner = new AuthPlanner(gateway);
  const routes = new Map(gateway.routes.map((r) => [r, planner.route(r)]));
  // One log format for every location: the query parameters any route's `effective.redactQuery` hides.
  const redact = [...new Set(gateway.routes.flatMap((r) => r.effective.redactQuery))].sort();
  return { routes, njs: planner.njs(redact), redact, diagnostics: planner.warnings() };
}

class AuthPlanner {
  private readonly schemes: Map<string, SecurityScheme>;
  private readonly schemeIndex = new Map<string, number>();
  private readonly schemeList: SchemeJs[] = [];
  private readonly policyIndex = new Map<string, number>();
  private readonly policyList: PolicyJs[] = [];
  private readonly enforcedBy = new Map<string, Route[]>();
  private query = false;

  constructor(private readonly gateway: Gateway) {
    this.schemes = new Map(gateway.securitySchemes.map((s) => [s.id, s]));
  }

  route(route: Route): RouteAuthView {
    const { authAnswers, remove } = route.effective;
    const consumerHeader = route.settings.auth.consumerHeader;
    const removals = { consumerHeader, dropCookies: remove.cookies.length > 0, queryDrop: remove.query.length > 0 };
    if (authAnswers === null) return { ...removals, policy: null, dropHeaders: [], queryRead: false, slots: [] };
    const requirements = route.security.map((req) =>
      req.schemes.map((x) => ({ scheme: this.schemeOf(x.scheme, route), scopes: x.scopes })),
    );
    const slots = this.slotsOf(requirements);
    // The model's names are lower-case; proxy_set_header prints them as the spec spells them.
    const spelled = (h: string) => slots.find((s) => s.in === 'header' && s.name.toLowerCase() === h)?.name ?? h;
    const dropHeaders = remove.headers.filter((h) => h !== consumerHeader.toLowerCase()).map(spelled);
    const policy: PolicyJs = {
      requirements,
      slots,
      dropQuery: remove.query,
      dropCookies: remove.cookies,
      ...answers(authAnswers),
    };
    const queryRead = slots.some((s) => s.in === 'query');
    if (queryRead) this.query = true;
    return { ...removals, policy: this.policyOf(policy), dropHeaders, queryRead, slots };
  }

  /** Where the route's schemes read their credentials, each place once (header names without case, as gw serve). */
  private slotsOf(requirements: readonly { scheme: number }[][]): CredentialSlot[] {
    const slots: CredentialSlot[] = [];
    const key = (s: CredentialSlot) => `${s.in}:${s.in === 'header' ? s.name.toLowerCase() : s.name}`;
    for (const req of requirements)
      for (const x of req) {
        const slot = this.schemeList[x.scheme]!.slot;
        if (slot && !slots.some((s) => key(s) === key(slot))) slots.push(slot);
      }
    return slots;
  }

  /** gw-auth-config.js, and what nginx.conf and gw.conf declare for it; null when no route checks credentials. */
  njs(redact: string[]): AuthPlan['njs'] {
    if (this.policyList.length === 0) return null;
    const env = new Set<string>(['GW_BASE_DIR']);
    const keyMaps: KeyMapView[] = [];
    for (const s of this.schemeList) {
      if (s.keyMap) keyMaps.push({ scheme: s.id, ...s.keyMap, file: keyMapFile(s.id) });
      if (s.source && 'env' in s.source) env.add(s.source.env);
      if (s.jwt?.secret && 'env' in s.jwt.secret) env.add(s.jwt.secret.env);
    }
    const config = {
      realm: this.gateway.name,
      schemes: this.schemeList,
      policies: this.policyList,
      redact,
      unknown: { detail: 'this route needs credentials', challenge: '' },
    };
    return { config: jsJson(config), env: [...env].sort(), keyMaps, query: this.query };
  }

  /** What nginx checks differently from gw serve, per scheme some route enforces. */
  warnings(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const [id, used] of [...this.enforcedBy].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const s = this.schemes.get(id);
      const c = s?.credentials;
      const warn = (kind: KindOf<'GW_TARGET_INEXACT'>, message: string, hint: string) =>
        out.push(inexactWarning(kind, `${message} on ${routesText(used)}`, firstRoutes(used), hint));
      if (c?.kind === 'htpasswd')
        warn(
          'nginx.bcrypt',
          `scheme "${id}": nginx checks the {SHA} and $apr1$ hashes of its htpasswd file in njs, ` +
            'but not bcrypt ($2y$): bcrypt users are refused (401)',
          'hash those users with `htpasswd -s` or `-m` for nginx, ' +
            'or run gw serve, the node target or Envoy where bcrypt matters',
        );
      if (c?.kind === 'jwt' && c.jwks && 'url' in c.jwks && c.algorithms.some((a) => a !== 'HS256'))
        warn(
          'nginx.jwks-url',
          `scheme "${id}": nginx reads JWKS files only, not the URL ${c.jwks.url}; ` +
            'its RS256/ES256 tokens are refused (401)',
          'download the key set to a file and point `jwks: { file: ... }` at it (refresh it with a timer), ' +
            'or run gw serve, the node target or Envoy',
        );
      if (s && s.type !== 'apiKey' && !s.bearer && !(s.type === 'http' && s.scheme === 'basic') && c)
        warn(
          'nginx.auth-scheme',
          `scheme "${id}" (${s.type}${s.scheme ? ` ${s.scheme}` : ''}) cannot be checked by nginx; ` +
            'requests that need it are refused',
          'use apiKey, http basic or bearer schemes',
        );
    }
    return out;
  }

  private schemeOf(id: string, route: Route): number {
    let i = this.schemeIndex.get(id);
    if (i === undefined) {
      i = this.schemeList.push(schemeJs(this.schemes.get(id), id, this.schemeList.length)) - 1;
      this.schemeIndex.set(id, i);
    }
    const list = this.enforcedBy.get(id) ?? [];
    if (!list.includes(route)) list.push(route);
    this.enforcedBy.set(id, list);
    return i;
  }

  private policyOf(policy: PolicyJs): number {
    const key = jsJson(policy);
    let p = this.policyIndex.get(key);
    if (p === undefined) {
      p = this.policyList.push(policy) - 1;
      this.policyIndex.set(key, p);
    }
    return p;
  }
}
