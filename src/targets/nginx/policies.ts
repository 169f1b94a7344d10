import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import { authAnswerTexts, isBearer } from '../../model/auth-answers.js';
import { corsPathMethods } from '../../model/cors.js';
import type { Cors, Gateway, RateLimit, Route, SecurityScheme } from '../../model/types.js';
import { nginxRegex, nginxString } from './escape.js';

/**
 * The gateway policies of the NGINX target: authentication (an njs auth_request, gw-auth.js),
 * what goes upstream instead of credentials, rate limits (limit_req zones) and CORS (maps and
 * preflight answers). Every decision is here; the templates print it. docs/targets/nginx.md
 * explains each mapping and where nginx differs from `gw serve`.
 */
export interface PoliciesView {
  /** gw-auth.js and the njs module, when some route checks credentials; null otherwise. */
  njs: NjsView | null;
  /** `proxy_set_header <header> <variable>` with a map on $gw_headers: consumer headers and credentials removed per route. */
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

export interface NjsView {
  /** gw-auth.js's CONFIG: JSON, safe inside a JS source file. */
  config: string;
  /** Environment variables the workers must see (`env NAME;` in nginx.conf). */
  env: string[];
  /** js_set variables that read the query (routes with query keys) and the consumer rate-limit key. */
  query: boolean;
  consumerKey: boolean;
}

export interface HeaderMapView {
  /** As nginx.conf prints it (quoted). */
  header: string;
  variable: string;
  entries: { match: string; value: string }[];
  fallback: string;
  /** The value for every route, when all routes treat the header alike: then no map and no `set $gw_headers`. */
  value: string | null;
}

export interface ZoneView {
  name: string;
  key: string;
  rate: string;
  comment: string;
}

export interface CorsView {
  /** Each `map "$gw_cors:$http_origin"`-style block, printed as is. */
  maps: { source: string; variable: string; entries: { match: string; value: string }[]; fallback: string }[];
  /** Response headers replaced on CORS routes: proxy_hide_header, then add_header with the map's variable. */
  replaced: { header: string; variable: string }[];
}

/** Per route: what its location (and `if` block) adds. */
export interface RoutePolicyView {
  /** `auth_request /__gw_auth;` */
  auth: boolean;
  /** `limit_req zone=… burst=… nodelay;` arguments, or null. */
  limitReq: string | null;
  /** `set $<variable> <value>;` lines, before the rewrite. */
  sets: { variable: string; value: string }[];
}

/** A location's CORS preflight answers: a map on method, requested method and origin, and an `if` per answer. */
export interface PreflightView {
  variable: string;
  entries: { match: string; value: string }[];
  answers: { value: string; headers: { name: string; value: string }[] }[];
}

interface SchemeJs {
  id: string;
  kind: 'keys' | 'basic' | 'jwt' | 'none';
  slot: { in: 'header' | 'query' | 'cookie'; name: string };
  bearer: boolean;
  source?: { env: string } | { file: string };
  jwt?: {
    issuer: string | null;
    audiences: string[];
    algorithms: string[];
    jwks: string | null;
    secret: { env: string } | { file: string } | null;
    clockSkewMs: number;
  };
}

interface Answer {
  detail: string;
  challenge: string;
}

interface PolicyJs {
  requirements: { scheme: number; scopes: string[] }[][];
  slots: SchemeJs['slot'][];
  dropQuery: string[];
  dropCookies: string[];
  missing: Answer;
  invalid: Answer;
  invalidToken: Answer;
  forbidden: Answer[];
}

/** Details go into a JSON body by nginx variable expansion: escaped for JSON here, and `$` kept literal by gw-auth.js setting them. */
function jsonText(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function answers(
  route: Route,
  schemes: ReadonlyMap<string, SecurityScheme>,
  realmName: string,
): Pick<PolicyJs, 'missing' | 'invalid' | 'invalidToken' | 'forbidden'> {
  const t = authAnswerTexts(route.security, schemes, realmName);
  const a = (x: { detail: string; challenge: string }): Answer => ({
    detail: jsonText(x.detail),
    challenge: x.challenge,
  });
  return {
    missing: a(t.missing),
    invalid: a(t.invalid),
    invalidToken: a(t.invalidToken),
    forbidden: t.forbidden.map(a),
  };
}

function slotOf(s: SecurityScheme | undefined): SchemeJs['slot'] {
  if (s?.type === 'apiKey' && s.paramName) return { in: s.in ?? 'header', name: s.paramName };
  return { in: 'header', name: 'authorization' };
}

function schemeJs(s: SecurityScheme | undefined, id: string): SchemeJs {
  const base = { id, slot: slotOf(s), bearer: s !== undefined && isBearer(s) };
  const c = s?.credentials;
  if (!s || !c) return { ...base, kind: 'none' };
  if (c.kind === 'keys' && s.type === 'apiKey') return { ...base, kind: 'keys', source: c.source };
  if (c.kind === 'htpasswd' && s.type === 'http' && s.scheme === 'basic')
    return { ...base, kind: 'basic', source: c.source };
  if (c.kind === 'jwt' && isBearer(s)) {
    const jwks = c.jwks && 'file' in c.jwks ? c.jwks.file : null;
    return {
      ...base,
      kind: 'jwt',
      jwt: {
        issuer: c.issuer,
        audiences: c.audiences,
        algorithms: c.algorithms,
        jwks,
        secret: c.secret,
        clockSkewMs: c.clockSkewMs,
      },
    };
  }
  return { ...base, kind: 'none' };
}

/** A JS-safe JSON text: no `</script>`-style surprises, no U+2028/9 line ends, no `{{` for Handlebars readers. */
function jsJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function httpVariable(header: string): string {
  return `$http_${header.toLowerCase().replace(/-/g, '_')}`;
}

/** A header nginx can name in `$http_…` and `proxy_set_header`. */
function plainHeader(name: string): boolean {
  return /^[A-Za-z0-9-]+$/.test(name);
}

function routesText(routes: readonly Route[]): string {
  const names = routes.slice(0, 5).map((r) => `${r.method} ${r.path}`);
  return `${names.join(', ')}${routes.length > 5 ? ` and ${routes.length - 5} more` : ''}`;
}

function inexact(message: string, routes: readonly Route[], hint: string): Diagnostic {
  return createDiagnostic('GW_TARGET_INEXACT', `nginx: ${message}`, {
    locations: routes.slice(0, 5).map((r) => ({ file: r.source.file, pointer: r.source.pointer })),
    hints: [hint],
  });
}

/** nginx's limit_req rate for N requests per window: exact when it is a whole number per second or minute, else the nearest (at least 1r/m). */
export function nginxRate(requests: number, windowMs: number): { rate: string; exact: boolean; periodMs: number } {
  if ((requests * 1000) % windowMs === 0) {
    const n = (requests * 1000) / windowMs;
    return { rate: `${n}r/s`, exact: true, periodMs: 1000 / n };
  }
  const perMinute = (requests * 60_000) / windowMs;
  const n = Math.max(1, Math.round(perMinute));
  return { rate: `${n}r/m`, exact: Number.isInteger(perMinute), periodMs: 60_000 / n };
}

function corsKey(c: Cors, methods: string): string {
  return JSON.stringify([c, methods]);
}

interface CorsPolicy {
  index: number;
  cors: Cors;
  methods: string;
  wildcard: boolean;
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
  const diagnostics: Diagnostic[] = [];
  const schemes = new Map(gateway.securitySchemes.map((s) => [s.id, s]));
  const routes = new Map<Route, RoutePolicyView>();

  // ---- authentication ----
  const schemeIndex = new Map<string, number>();
  const schemeList: SchemeJs[] = [];
  const policyIndex = new Map<string, number>();
  const policyList: PolicyJs[] = [];
  const headerUse = new Map<string, { name: string; consumer: boolean; drop: boolean }>();
  const useHeader = (name: string, how: 'consumer' | 'drop') => {
    const key = name.toLowerCase();
    const u = headerUse.get(key) ?? { name, consumer: false, drop: false };
    u[how] = true;
    headerUse.set(key, u);
  };
  let query = false;
  let stripCookies = false;
  const enforcedBy = new Map<string, Route[]>();

  const authOf = (route: Route): { policy: number | null; headers: string; queryRead: boolean; queryDrop: boolean } => {
    const a = route.settings.auth;
    const consumer = a.consumerHeader;
    if (!a.enforce || route.security.length === 0) {
      useHeader(consumer, 'drop');
      return { policy: null, headers: `|d:${consumer.toLowerCase()}|`, queryRead: false, queryDrop: false };
    }
    const idx = (id: string) => {
      let i = schemeIndex.get(id);
      if (i === undefined) {
        i = schemeList.push(schemeJs(schemes.get(id), id)) - 1;
        schemeIndex.set(id, i);
      }
      const list = enforcedBy.get(id) ?? [];
      if (!list.includes(route)) list.push(route);
      enforcedBy.set(id, list);
      return i;
    };
    const requirements = route.security.map((req) =>
      req.schemes.map((x) => ({ scheme: idx(x.scheme), scopes: x.scopes })),
    );
    const slots: SchemeJs['slot'][] = [];
    for (const req of requirements)
      for (const x of req) {
        const slot = schemeList[x.scheme]!.slot;
        if (!slots.some((s) => s.in === slot.in && s.name.toLowerCase() === slot.name.toLowerCase())) slots.push(slot);
      }
    const drop = (kind: string) => (a.forwardCredentials ? [] : slots.filter((s) => s.in === kind).map((s) => s.name));
    const policy: PolicyJs = {
      requirements,
      slots,
      dropQuery: drop('query'),
      dropCookies: drop('cookie'),
      ...answers(route, schemes, gateway.name),
    };
    const key = jsJson(policy);
    let p = policyIndex.get(key);
    if (p === undefined) {
      p = policyList.push(policy) - 1;
      policyIndex.set(key, p);
    }
    useHeader(consumer, 'consumer');
    const dropped = drop('header');
    for (const h of dropped) useHeader(h, 'drop');
    if (policy.dropCookies.length) stripCookies = true;
    const queryRead = slots.some((s) => s.in === 'query');
    if (queryRead) query = true;
    return {
      policy: p,
      headers: `|c:${consumer.toLowerCase()}|${dropped.map((h) => `d:${h.toLowerCase()}|`).join('')}`,
      queryRead,
      queryDrop: policy.dropQuery.length > 0,
    };
  };

  // ---- rate limits ----
  const zones = new Map<string, ZoneView & { routes: Route[]; limit: RateLimit; exact: boolean }>();
  const limitHeaderKeys = new Map<string, { variable: string; source: string }>();
  let consumerKey = false;
  const limitOf = (route: Route, hasPolicy: boolean): { limitReq: string; sets: RoutePolicyView['sets'] } | null => {
    const l = route.settings.rateLimit;
    if (!l) return null;
    let key: string;
    if (l.key.kind === 'ip') key = '$binary_remote_addr';
    else if (l.key.kind === 'header') {
      const h = l.key.name.toLowerCase();
      const variable = `$gw_limit_h_${h.replace(/[^a-z0-9]/g, '_')}`;
      limitHeaderKeys.set(h, { variable, source: httpVariable(h) });
      key = variable;
    } else if (hasPolicy) {
      consumerKey = true;
      key = '$gw_limit_consumer';
    } else key = '$binary_remote_addr';
    const { rate, exact, periodMs } = nginxRate(l.requests, l.windowMs);
    const id = `${l.counter}|${l.windowMs}|${l.requests}|${key}`;
    let z = zones.get(id);
    if (!z) {
      z = {
        name: `gw_limit_${zones.size}`,
        key,
        rate,
        comment: `${l.counter}: ${l.requests} per ${l.windowMs} ms by ${l.key.kind === 'header' ? `header ${l.key.name}` : l.key.kind}`,
        routes: [],
        limit: l,
        exact,
      };
      zones.set(id, z);
    }
    z.routes.push(route);
    const retry = String(Math.max(1, Math.ceil(periodMs / 1000)));
    return {
      // nginx refuses burst=0: a limit of one request per window has no burst at all.
      limitReq: l.requests > 1 ? `zone=${z.name} burst=${l.requests - 1} nodelay` : `zone=${z.name}`,
      sets: [
        { variable: '$gw_limit', value: nginxString(String(l.requests)) },
        { variable: '$gw_limit_retry', value: nginxString(retry) },
      ],
    };
  };

  // ---- CORS ----
  const corsPolicies = new Map<string, CorsPolicy>();
  const corsMethods = corsPathMethods(gateway.routes);
  const corsOf = (route: Route): CorsPolicy | null => {
    const c = route.settings.cors;
    if (!c) return null;
    const methods = (c.methods ?? corsMethods.get(route.path)!).join(', ');
    const key = corsKey(c, methods);
    let p = corsPolicies.get(key);
    if (!p) {
      p = { index: corsPolicies.size + 1, cors: c, methods, wildcard: c.origins.includes('*') && !c.credentials };
      corsPolicies.set(key, p);
    }
    return p;
  };

  const validated: Route[] = [];
  const headerTexts = new Set<string>();
  for (const route of gateway.routes) {
    const auth = authOf(route);
    const limit = limitOf(route, auth.policy !== null);
    const cors = corsOf(route);
    if (route.settings.validate) validated.push(route);
    const sets: RoutePolicyView['sets'] = [];
    if (auth.policy !== null) sets.push({ variable: '$gw_auth', value: nginxString(String(auth.policy)) });
    sets.push({ variable: '$gw_headers', value: nginxString(auth.headers) });
    headerTexts.add(auth.headers);
    if (auth.queryRead) sets.push({ variable: '$gw_args', value: '$args' });
    if (auth.queryDrop) sets.push({ variable: '$args', value: '$gw_stripped_args' });
    if (cors) sets.push({ variable: '$gw_cors', value: nginxString(String(cors.index)) });
    if (limit) sets.push(...limit.sets);
    routes.set(route, { auth: auth.policy !== null, limitReq: limit?.limitReq ?? null, sets });
  }

  // ---- warnings ----
  for (const [id, used] of [...enforcedBy].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const s = schemes.get(id);
    const c = s?.credentials;
    if (c?.kind === 'htpasswd')
      diagnostics.push(
        inexact(
          `scheme "${id}": nginx checks the {SHA} and $apr1$ hashes of its htpasswd file in njs, but not bcrypt ($2y$): bcrypt users are refused (401) on ${routesText(used)}`,
          used,
          'hash those users with `htpasswd -s` or `-m` for nginx, or run gw serve, the node target or Envoy where bcrypt matters',
        ),
      );
    if (c?.kind === 'jwt' && c.jwks && 'url' in c.jwks && c.algorithms.some((a) => a !== 'HS256'))
      diagnostics.push(
        inexact(
          `scheme "${id}": nginx reads JWKS files only, not the URL ${c.jwks.url}; its RS256/ES256 tokens are refused (401) on ${routesText(used)}`,
          used,
          'download the key set to a file and point `jwks: { file: ... }` at it (refresh it with a timer), or run gw serve, the node target or Envoy',
        ),
      );
    if (s && s.type !== 'apiKey' && !isBearer(s) && !(s.type === 'http' && s.scheme === 'basic') && c)
      diagnostics.push(
        inexact(
          `scheme "${id}" (${s.type}${s.scheme ? ` ${s.scheme}` : ''}) cannot be checked by nginx; requests that need it are refused on ${routesText(used)}`,
          used,
          'use apiKey, http basic or bearer schemes',
        ),
      );
  }
  for (const z of zones.values()) {
    const l = z.limit;
    const checked = z.routes.some((r) => routes.get(r)!.auth);
    const by =
      z.key === '$gw_limit_consumer'
        ? '; a consumer limit counts per credential sent (limit_req runs before the credential check), so a consumer with several keys or tokens gets a count for each, and requests that are then refused (401) count too'
        : checked
          ? '; requests later refused (401, 403) count too, since limit_req runs before the credential check'
          : '';
    diagnostics.push(
      inexact(
        `rate limit ${l.requests} per ${l.windowMs} ms (${l.counter}) on ${routesText(z.routes)}: nginx's limit_req is a leaky bucket, not gw's fixed window: ${l.requests} requests pass at once, then one more every ${Math.round(nginxRate(l.requests, l.windowMs).periodMs)} ms (rate=${z.rate}${z.exact ? '' : `, the nearest nginx can express`}); answers carry RateLimit-Limit but no RateLimit-Remaining or -Reset${by}`,
        z.routes,
        'expect bursts of `requests`, then a steady rate; run gw serve or the node target where exact fixed windows matter',
      ),
    );
  }
  if (zones.size > 0 && gateway.rateLimitStore.kind === 'redis') {
    const limited = [...zones.values()].flatMap((z) => z.routes);
    diagnostics.push(
      inexact(
        `rateLimitStore is Redis, but nginx keeps its counters in its own shared memory: each nginx instance enforces the limits alone`,
        limited,
        'run one nginx instance, or gw serve instances sharing the Redis store',
      ),
    );
  }
  if (validated.length)
    diagnostics.push(
      inexact(
        `nginx cannot validate requests against the operation's schemas; ${routesText(validated)} forward requests unchecked`,
        validated,
        'validate in the upstream, or run gw serve or the node target where `validate: true` matters',
      ),
    );

  // ---- global view ----
  const env = new Set<string>(['GW_BASE_DIR']);
  for (const s of schemeList) {
    if (s.source && 'env' in s.source) env.add(s.source.env);
    if (s.jwt?.secret && 'env' in s.jwt.secret) env.add(s.jwt.secret.env);
  }
  const redact = [
    ...new Set(
      gateway.securitySchemes
        .filter((s) => s.type === 'apiKey' && s.in === 'query' && s.paramName)
        .map((s) => s.paramName!),
    ),
  ].sort();
  const njs: NjsView | null =
    policyList.length > 0
      ? {
          config: jsJson({
            realm: gateway.name,
            schemes: schemeList,
            policies: policyList,
            redact,
            unknown: { detail: 'this route needs credentials', challenge: '' },
          }),
          env: [...env].sort(),
          query,
          consumerKey,
        }
      : null;

  // When every route sends the same $gw_headers (no auth anywhere, or the same everywhere), each header's value is known
  // here: printed as is, with no map to evaluate and no `set` in every location.
  const uniformText = headerTexts.size === 1 ? [...headerTexts][0] : undefined;
  if (uniformText !== undefined)
    for (const v of routes.values()) v.sets = v.sets.filter((x) => x.variable !== '$gw_headers');
  const headers: HeaderMapView[] = [...headerUse.entries()]
    .filter(([, u]) => plainHeader(u.name))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, u]) => {
      const entries: HeaderMapView['entries'] = [];
      if (u.consumer && njs) entries.push({ match: nginxRegex(`~\\|c:${regexEscape(key)}\\|`), value: '$gw_consumer' });
      if (u.consumer || u.drop) entries.push({ match: nginxRegex(`~\\|[cd]:${regexEscape(key)}\\|`), value: '""' });
      const fallback = httpVariable(key);
      let value: string | null = null;
      if (uniformText !== undefined) {
        if (uniformText.includes(`|c:${key}|`)) value = u.consumer && njs ? '$gw_consumer' : '""';
        else if (uniformText.includes(`|d:${key}|`)) value = '""';
        else value = fallback;
      }
      return { header: u.name, variable: `$gw_h_${key.replace(/[^a-z0-9]/g, '_')}`, entries, fallback, value };
    });

  let cors: CorsView | null = null;
  if (corsPolicies.size > 0) {
    const list = [...corsPolicies.values()];
    const ok = list.map((p) => ({ match: nginxRegex(`~^${p.index}:${originPattern(p.cors)}`), value: '"1"' }));
    const pick = (value: (p: CorsPolicy) => string | null, upstream: string) => [
      { match: nginxRegex('~^:'), value: upstream },
      ...list.flatMap((p) => {
        const v = value(p);
        return v === null ? [] : [{ match: nginxString(`${p.index}:1`), value: v }];
      }),
    ];
    cors = {
      maps: [
        { source: '"$gw_cors:$http_origin"', variable: '$gw_cors_allowed', entries: ok, fallback: '""' },
        {
          source: '"$gw_cors:$gw_cors_allowed"',
          variable: '$gw_cors_origin',
          entries: pick((p) => (p.wildcard ? '"*"' : '$http_origin'), '$upstream_http_access_control_allow_origin'),
          fallback: '""',
        },
        {
          source: '"$gw_cors:$gw_cors_allowed"',
          variable: '$gw_cors_credentials',
          entries: pick(
            (p) => (p.cors.credentials ? '"true"' : null),
            '$upstream_http_access_control_allow_credentials',
          ),
          fallback: '""',
        },
        {
          source: '"$gw_cors:$gw_cors_allowed"',
          variable: '$gw_cors_expose',
          entries: pick(
            (p) => (p.cors.exposeHeaders.length ? nginxString(p.cors.exposeHeaders.join(', ')) : null),
            '$upstream_http_access_control_expose_headers',
          ),
          fallback: '""',
        },
        {
          source: '$gw_cors',
          variable: '$gw_cors_vary',
          entries: list
            .filter((p) => !p.wildcard)
            .map((p) => ({ match: nginxString(String(p.index)), value: '"Origin"' })),
          fallback: '""',
        },
      ],
      replaced: [
        { header: 'Access-Control-Allow-Origin', variable: '$gw_cors_origin' },
        { header: 'Access-Control-Allow-Credentials', variable: '$gw_cors_credentials' },
        { header: 'Access-Control-Expose-Headers', variable: '$gw_cors_expose' },
      ],
    };
  }

  let preflights = 0;
  const preflight = (group: readonly Route[], servedBy: (r: Route) => string[]): PreflightView | null => {
    const withCors = group.filter((r) => r.settings.cors);
    if (withCors.length === 0) return null;
    const variable = `$gw_preflight_${preflights++}`;
    const entries: PreflightView['entries'] = [];
    const answersList: PreflightView['answers'] = [];
    const methods: string[] = [];
    for (const r of withCors) {
      const p = corsOf(r)!;
      const ms = servedBy(r).map(regexEscape);
      methods.push(...ms);
      entries.push({
        match: nginxRegex(`~^OPTIONS:(${ms.join('|')}):${originPattern(p.cors)}`),
        value: nginxString(`a${p.index}`),
      });
      if (!answersList.some((a) => a.value === `a${p.index}`))
        answersList.push({ value: `a${p.index}`, headers: preflightHeaders(p) });
    }
    if (withCors.some((r) => !r.settings.cors!.origins.includes('*')))
      entries.push({ match: nginxRegex(`~^OPTIONS:(${[...new Set(methods)].join('|')}):.`), value: '"reject"' });
    return { variable, entries, answers: answersList };
  };

  return {
    view: {
      njs,
      headers,
      stripCookies,
      logUri: njs && redact.length ? '$gw_log_uri' : '$request_uri',
      redactLog: njs !== null && redact.length > 0,
      zones: [...zones.values()].map(({ name, key, rate, comment }) => ({ name, key, rate, comment })),
      limitHeaderKeys: [...limitHeaderKeys.values()].sort((a, b) => (a.variable < b.variable ? -1 : 1)),
      rateLimits: zones.size > 0,
      cors,
    },
    routes,
    preflight,
    diagnostics,
  };
}

/** The origin part of a map regex: the allowed origins without case, a trailing `/` ignored; `.` (any) for `*`. */
function originPattern(c: Cors): string {
  if (c.origins.includes('*')) return '.';
  const list = [...new Set(c.origins.map((o) => o.toLowerCase().replace(/\/+$/, '')))].sort().map(regexEscape);
  return `(?i:${list.join('|')})/*$`;
}

function preflightHeaders(p: CorsPolicy): { name: string; value: string }[] {
  const c = p.cors;
  const out = [
    { name: 'Access-Control-Allow-Origin', value: p.wildcard ? '"*"' : '$http_origin' },
    { name: 'Access-Control-Allow-Methods', value: nginxString(p.methods) },
    {
      name: 'Access-Control-Allow-Headers',
      value: c.headers ? nginxString(c.headers.join(', ')) : '$http_access_control_request_headers',
    },
    { name: 'Access-Control-Max-Age', value: nginxString(String(c.maxAgeSeconds)) },
  ];
  if (c.credentials) out.push({ name: 'Access-Control-Allow-Credentials', value: '"true"' });
  // Vary: Origin unless the answer is `*`; plus Access-Control-Request-Headers when they are echoed (a map drops it when none were asked).
  if (!p.wildcard || !c.headers)
    out.push({ name: 'Vary', value: c.headers ? '"Origin"' : p.wildcard ? '$gw_vary_acrh' : '$gw_vary_origin_acrh' });
  return out;
}
