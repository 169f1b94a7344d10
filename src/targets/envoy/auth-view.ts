import type { Gateway, Route, SecretSource, SecurityScheme } from '../../model/types.js';

/**
 * Authentication and authorization of the Envoy target: the decisions, per route, of how the
 * route's `security` (an OR of ANDs) becomes Envoy filters (docs/targets/envoy.md, "Authentication").
 *
 * - JWT schemes: one jwt_authn provider each (two when a scheme has both a JWKS and an HS256 secret).
 *   A route whose requirements need only JWTs (and at most one basic scheme every requirement
 *   shares) gets a jwt_authn requirement that IS its security: requires_any over the requirements,
 *   requires_all inside one. Scopes: RBAC on the payload jwt_authn puts in dynamic metadata (403).
 * - http basic: Envoy's basic_auth filter, per route, only where every requirement needs the same
 *   basic scheme (the filter refuses what it cannot verify, so it cannot be one alternative of an OR).
 * - API keys: no api_key_auth filter is in the shipped API, so the Lua filter (gw-auth) checks them,
 *   reading the keys from the same file or variable as gw serve when Envoy starts. It then decides
 *   the route's whole OR of ANDs, reading jwt_authn's results (which runs in allow-missing-or-failed
 *   mode there), and answers 401 or 403 as gw serve does.
 * Secrets never appear in the configuration: Envoy reads JWKS, htpasswd and key files (and
 * environment variables) itself.
 */
export interface AuthView {
  /** Lower-case header names a client's value of is removed before any filter runs (every route's consumer header). */
  consumerHeaders: string[];
  jwt: JwtFilterView | null;
  /** The filter-level basic_auth config (disabled unless a route enables it with its own users). */
  basic: { users: DataSourceView; usernameHeader: string } | null;
  /** The gw-auth Lua filter: the keys it loads when Envoy starts. */
  lua: { keySources: LuaKeySourceView[] } | null;
  /** Some route has an RBAC policy (the filter is then in the chain). */
  rbac: boolean;
  /** JWKS URLs Envoy fetches: one cluster each. */
  jwksClusters: { name: string; url: string; scheme: string }[];
  /** HS256 secrets Envoy needs as a JWKS (envoy/hs256-jwks.sh writes them). */
  hs256: Hs256View[];
}

export interface DataSourceView {
  filename: string | null;
  env: string | null;
}

export interface JwtFilterView {
  providers: JwtProviderView[];
  /** requirement_map: name -> a JwtRequirement (printed as JSON). */
  requirements: { name: string; requirement: unknown }[];
}

export interface JwtProviderView {
  comment: string;
  name: string;
  issuer: string | null;
  audiences: string[];
  localJwks: DataSourceView | null;
  remoteJwks: { uri: string; cluster: string } | null;
  /** claim_to_headers: the token's `sub` goes upstream in this header. */
  consumerHeader: string;
  clockSkewSeconds: number;
}

export interface LuaKeySourceView {
  scheme: string;
  /** A Lua string literal: the keys file (relative to Envoy's working folder) or the variable. */
  file: string | null;
  env: string | null;
}

export interface Hs256View {
  scheme: string;
  /** Where the secret is (as gw serve reads it) and where Envoy reads the JWKS made from it. */
  secretFile: string | null;
  secretEnv: string | null;
  jwks: DataSourceView;
}

export interface RouteAuthView {
  /** requirement_map name for jwt_authn's per-route config, or null (no JWT checked here). */
  jwtRequirement: string | null;
  /** basic_auth users for this route, or null. */
  basicUsers: DataSourceView | null;
  /** Route metadata for gw-auth (printed as JSON), or null: Lua does not run here. */
  lua: unknown;
  /** RBACPerRoute.rbac (printed as JSON), or null. */
  rbac: unknown;
  /** Credential headers removed before forwarding (forwardCredentials false). */
  removeHeaders: string[];
  /** Nothing can pass (every requirement needs something unchecked): a direct 401 with this challenge. */
  deny: { challenge: string } | null;
}

export interface AuthPlan {
  view: AuthView;
  /** Per route id; absent for routes without checks. */
  routes: Map<string, RouteAuthView>;
  /** What Envoy does differently, per route id. */
  notes: Map<string, string[]>;
  /** What the operator must know per scheme (HS256 secrets, htpasswd formats). */
  schemeNotes: { scheme: SecurityScheme; message: string }[];
}

type Kind = 'jwt' | 'keys' | 'basic';
interface Need {
  scheme: SecurityScheme;
  kind: Kind;
  scopes: string[];
}

const JWT_FILTER = 'envoy.filters.http.jwt_authn';

export function planAuth(gateway: Gateway): AuthPlan {
  const schemes = new Map(gateway.securitySchemes.map((s) => [s.id, s]));
  const routes = new Map<string, RouteAuthView>();
  const notes = new Map<string, string[]>();
  const requirementNames = new Map<string, string>();
  const usedJwt = new Map<string, SecurityScheme>();
  const usedKeys = new Map<string, SecurityScheme>();
  const usedBasic = new Map<string, SecurityScheme>();
  const consumerOf = new Map<string, string>();
  const requirements: { name: string; requirement: unknown }[] = [];
  let rbac = false;

  for (const r of gateway.routes) {
    const note = (text: string) => notes.set(r.id, [...(notes.get(r.id) ?? []), text]);
    const plan = routePlan(r, schemes, note);
    if (!plan) continue;
    for (const n of plan.needs) {
      const used = n.kind === 'jwt' ? usedJwt : n.kind === 'keys' ? usedKeys : usedBasic;
      used.set(n.scheme.id, n.scheme);
      if (n.kind !== 'keys' && !consumerOf.has(n.scheme.id))
        consumerOf.set(n.scheme.id, r.settings.auth.consumerHeader);
      if (
        n.kind !== 'keys' &&
        consumerOf.get(n.scheme.id)!.toLowerCase() !== r.settings.auth.consumerHeader.toLowerCase()
      ) {
        note(
          `${n.scheme.id} names the consumer in ${consumerOf.get(n.scheme.id)} (set once per ${n.kind === 'jwt' ? 'jwt_authn provider' : 'basic_auth filter'}), not in this route's ${r.settings.auth.consumerHeader}`,
        );
      }
    }
    let jwtRequirement: string | null = null;
    if (plan.jwtRequirement !== null) {
      const key = JSON.stringify(plan.jwtRequirement);
      jwtRequirement = requirementNames.get(key) ?? null;
      if (jwtRequirement === null) {
        jwtRequirement = r.id;
        requirementNames.set(key, r.id);
        requirements.push({ name: r.id, requirement: plan.jwtRequirement });
      }
    }
    if (plan.rbac !== null) rbac = true;
    routes.set(r.id, { ...plan.view, jwtRequirement });
  }

  const basicSchemes = [...usedBasic.values()].sort(byId);
  const schemeNotes: AuthPlan['schemeNotes'] = basicSchemes.map((s) => ({
    scheme: s,
    message: `Envoy's basic_auth filter reads only {SHA} lines (htpasswd -s) of ${describeSource(secretOf(s))}; a bcrypt or $apr1$ line makes Envoy refuse the whole configuration`,
  }));
  const jwtSchemes = [...usedJwt.values()].sort(byId);
  const providers: JwtProviderView[] = [];
  const jwksClusters: AuthView['jwksClusters'] = [];
  const hs256: Hs256View[] = [];
  for (const s of jwtSchemes) {
    const c = s.credentials as Extract<SecurityScheme['credentials'], { kind: 'jwt' }>;
    const common = {
      issuer: c.issuer,
      audiences: c.audiences,
      consumerHeader: consumerOf.get(s.id)!,
      clockSkewSeconds: Math.ceil(c.clockSkewMs / 1000),
    };
    if (c.jwks !== null) {
      const remote = 'url' in c.jwks ? { uri: c.jwks.url, cluster: `jwks:${s.id}` } : null;
      if (remote) jwksClusters.push({ name: remote.cluster, url: remote.uri, scheme: s.id });
      providers.push({
        comment: `${s.id} (${s.type}): ${'url' in c.jwks ? 'keys from the JWKS URL' : 'keys from the JWKS file'}`,
        name: s.id,
        ...common,
        localJwks: 'file' in c.jwks ? { filename: c.jwks.file, env: null } : null,
        remoteJwks: remote,
      });
    }
    if (c.secret !== null) {
      const jwks = hs256Jwks(c.secret);
      hs256.push({
        scheme: s.id,
        secretFile: 'file' in c.secret ? c.secret.file : null,
        secretEnv: 'env' in c.secret ? c.secret.env : null,
        jwks,
      });
      providers.push({
        comment: `${s.id} (${s.type}): HS256, the shared secret as a JWKS (envoy/hs256-jwks.sh makes it)`,
        name: providerNames(s)[providerNames(s).length - 1]!,
        ...common,
        localJwks: jwks,
        remoteJwks: null,
      });
      schemeNotes.push({
        scheme: s,
        message: `jwt_authn takes the HS256 secret only as a JWKS, so Envoy reads it from ${describeSource(jwks.filename !== null ? { file: jwks.filename } : { env: jwks.env! })}, which envoy/hs256-jwks.sh makes from ${describeSource(c.secret)} (run it where Envoy runs; the secret never goes into envoy.yaml)`,
      });
    }
  }
  const consumerHeaders = [...new Set(gateway.routes.map((r) => r.settings.auth.consumerHeader.toLowerCase()))].sort();
  const firstBasic = basicSchemes[0];
  return {
    view: {
      consumerHeaders,
      jwt: providers.length > 0 ? { providers, requirements } : null,
      basic: firstBasic
        ? { users: dataSource(secretOf(firstBasic)), usernameHeader: consumerOf.get(firstBasic.id)! }
        : null,
      lua: usedKeys.size > 0 ? { keySources: [...usedKeys.values()].sort(byId).map(luaKeySource) } : null,
      rbac,
      jwksClusters,
      hs256,
    },
    routes,
    notes,
    schemeNotes,
  };
}

interface RoutePlan {
  needs: Need[];
  jwtRequirement: unknown;
  rbac: unknown;
  view: Omit<RouteAuthView, 'jwtRequirement'>;
}

function routePlan(
  r: Route,
  schemes: ReadonlyMap<string, SecurityScheme>,
  note: (text: string) => void,
): RoutePlan | null {
  if (r.settings.auth.enforce && r.security.some((req) => req.schemes.length === 0)) {
    note('credentials are optional here (an empty requirement); Envoy checks none and names no consumer');
    return null;
  }
  // The answers are the model's (null: nothing is checked on this route).
  const answers = r.effective.authAnswers;
  if (answers === null) return null;
  const all: Need[][] = [];
  const requirementOf = new Map<Need[], number>();
  for (const [at, req] of r.security.entries()) {
    const needs = req.schemes.map((x) => ({ scheme: schemes.get(x.scheme), scopes: x.scopes }));
    // Fail closed, as gw serve: a scheme nothing checks (GW_AUTH_NO_CREDENTIALS) never passes.
    if (needs.some((n) => !n.scheme?.credentials)) continue;
    const typed = needs.map((n) => ({ scheme: n.scheme!, kind: kindOf(n.scheme!), scopes: n.scopes }));
    if (typed.some((n) => n.kind !== 'jwt' && n.scopes.length > 0)) {
      note(
        `the requirement ${label(typed)} lists scopes an API key or basic credentials cannot prove, so it never passes (gw serve answers 403 when its credentials are valid, Envoy 401)`,
      );
      continue;
    }
    all.push(typed);
    requirementOf.set(typed, at);
  }
  const challenge = answers.missing.wwwAuthenticate ?? '';
  const removeHeaders = r.settings.auth.forwardCredentials ? [] : credentialHeaders(all.flat());
  const deny = (): RoutePlan => ({
    needs: [],
    jwtRequirement: null,
    rbac: null,
    view: { basicUsers: null, lua: null, rbac: null, removeHeaders: [], deny: { challenge } },
  });
  if (all.length === 0) return deny();

  // basic_auth runs on all of a route's requests or none: only a basic scheme every requirement has can be checked.
  const basicIn = (req: Need[]) => req.filter((n) => n.kind === 'basic').map((n) => n.scheme.id);
  const mandatory = basicIn(all[0]!).find((id) => all.every((req) => basicIn(req).includes(id))) ?? null;
  const kept = all.filter((req) => basicIn(req).every((id) => id === mandatory));
  const dropped = all.filter((req) => !kept.includes(req));
  if (dropped.length > 0) {
    note(
      `Envoy's basic_auth filter checks every request of a route or none, so it cannot be one alternative among others: ${dropped.map(label).join(' and ')} ${dropped.length > 1 ? 'are' : 'is'} refused (401)`,
    );
  }
  if (kept.length === 0) return deny();
  const basicScheme = mandatory !== null ? kept[0]!.find((n) => n.scheme.id === mandatory)!.scheme : null;
  const basicUsers = basicScheme ? dataSource(secretOf(basicScheme)) : null;
  const base = { basicUsers, removeHeaders, deny: null };
  const needs = kept.flat();
  // A requirement met by the basic credentials alone: basic_auth decides the route.
  if (kept.some((req) => req.every((n) => n.kind === 'basic'))) {
    return {
      needs: needs.filter((n) => n.kind === 'basic'),
      jwtRequirement: null,
      rbac: null,
      view: { ...base, lua: null, rbac: null },
    };
  }
  const jwtNeeds = (req: Need[]) => req.filter((n) => n.kind === 'jwt');
  if (!needs.some((n) => n.kind === 'keys')) {
    const jwtRequirement = anyOf(
      kept.map((req) =>
        allOf(jwtNeeds(req).map((n) => anyOf(providerNames(n.scheme).map((p) => ({ provider_name: p }))))),
      ),
    );
    const scoped = kept.some((req) => req.some((n) => n.scopes.length > 0));
    const rbac = scoped ? rbacRules(kept.map(jwtNeeds)) : null;
    return { needs, jwtRequirement, rbac, view: { ...base, lua: null, rbac } };
  }
  // API keys: gw-auth decides; jwt_authn only verifies what it finds.
  const providers = [...new Set(needs.filter((n) => n.kind === 'jwt').flatMap((n) => providerNames(n.scheme)))].sort();
  const jwtRequirement =
    providers.length > 0
      ? {
          requires_any: {
            requirements: [...providers.map((p) => ({ provider_name: p })), { allow_missing_or_failed: {} }],
          },
        }
      : null;
  const lua = {
    gw_auth: {
      consumer_header: r.settings.auth.consumerHeader.toLowerCase(),
      strip: !r.settings.auth.forwardCredentials,
      requirements: kept.map((req) => req.map(luaNeed)),
      challenge,
      challenge_invalid_token: (answers.invalidToken ?? answers.invalid).wwwAuthenticate ?? '',
      forbidden: kept.map((req) => answers.forbidden[requirementOf.get(req)!]?.wwwAuthenticate ?? ''),
    },
  };
  return { needs, jwtRequirement, rbac: null, view: { ...base, lua, rbac: null } };
}

function kindOf(s: SecurityScheme): Kind {
  const kind = s.credentials!.kind;
  return kind === 'keys' ? 'keys' : kind === 'htpasswd' ? 'basic' : 'jwt';
}

function label(req: readonly Need[]): string {
  return req.map((n) => (n.scopes.length ? `${n.scheme.id}[${n.scopes.join(' ')}]` : n.scheme.id)).join(' AND ');
}

function byId(a: SecurityScheme, b: SecurityScheme): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The jwt_authn providers of a scheme: its JWKS, its HS256 secret, or both (either may sign). */
export function providerNames(s: SecurityScheme): string[] {
  const c = s.credentials;
  if (c?.kind !== 'jwt') return [];
  const names: string[] = [];
  if (c.jwks !== null) names.push(s.id);
  if (c.secret !== null) names.push(c.jwks !== null ? `${s.id}#hs256` : s.id);
  return names;
}

function anyOf(items: unknown[]): unknown {
  return items.length === 1 ? items[0] : { requires_any: { requirements: items } };
}

function allOf(items: unknown[]): unknown {
  return items.length === 1 ? items[0] : { requires_all: { requirements: items } };
}

function andIds(ids: unknown[]): unknown {
  return ids.length === 1 ? ids[0] : { and_ids: { ids } };
}

function orIds(ids: unknown[]): unknown {
  return ids.length === 1 ? ids[0] : { or_ids: { ids } };
}

/** jwt_authn's payload of provider p in dynamic metadata (payload_in_metadata is the provider's name). */
function payloadMatcher(p: string, claim: string | null, value: unknown): unknown {
  return { metadata: { filter: JWT_FILTER, path: [{ key: p }, ...(claim ? [{ key: claim }] : [])], value } };
}

/**
 * RBAC ALLOW rules: one policy per requirement, its principal the AND of its schemes, each a token
 * verified by one of the scheme's providers whose `scope` or `scp` list (normalized from a
 * space-separated string) has every scope the requirement names.
 */
export function rbacRules(requirements: readonly (readonly Need[])[]): unknown {
  const policies: Record<string, unknown> = {};
  requirements.forEach((req, i) => {
    const schemes = req.map((n) => {
      const providers = providerNames(n.scheme);
      if (n.scopes.length === 0) return orIds(providers.map((p) => payloadMatcher(p, null, { present_match: true })));
      return andIds(
        n.scopes.map((scope) =>
          orIds(
            providers.flatMap((p) =>
              ['scope', 'scp'].map((claim) =>
                payloadMatcher(p, claim, { list_match: { one_of: { string_match: { exact: scope } } } }),
              ),
            ),
          ),
        ),
      );
    });
    policies[`requirement ${i + 1}: ${label(req)}`] = { permissions: [{ any: true }], principals: [andIds(schemes)] };
  });
  return { rules: { action: 'ALLOW', policies } };
}

function luaNeed(n: Need): unknown {
  if (n.kind === 'keys')
    return {
      kind: 'key',
      scheme: n.scheme.id,
      in: n.scheme.in ?? 'header',
      name:
        n.scheme.in === 'header' || n.scheme.in === undefined
          ? (n.scheme.paramName ?? '').toLowerCase()
          : (n.scheme.paramName ?? ''),
    };
  if (n.kind === 'jwt')
    return { kind: 'jwt', scheme: n.scheme.id, providers: providerNames(n.scheme), scopes: n.scopes };
  return { kind: 'basic', scheme: n.scheme.id };
}

function luaKeySource(s: SecurityScheme): LuaKeySourceView {
  const source = secretOf(s);
  return {
    scheme: luaString(s.id),
    file: 'file' in source ? luaString(source.file) : null,
    env: 'env' in source ? luaString(source.env) : null,
  };
}

function secretOf(s: SecurityScheme): SecretSource {
  const c = s.credentials;
  if (c?.kind === 'keys' || c?.kind === 'htpasswd') return c.source;
  throw new Error(`scheme ${s.id} has no keys or htpasswd source`);
}

function dataSource(source: SecretSource): DataSourceView {
  return 'file' in source ? { filename: source.file, env: null } : { filename: null, env: source.env };
}

/** Where Envoy reads an HS256 secret as a JWKS: beside the secret file, or in a variable named after the secret's. */
function hs256Jwks(secret: SecretSource): DataSourceView {
  return 'file' in secret
    ? { filename: `${secret.file}.jwks.json`, env: null }
    : { filename: null, env: `${secret.env}_JWKS` };
}

function describeSource(source: SecretSource): string {
  return 'file' in source ? `the file ${source.file}` : `the environment variable ${source.env}`;
}

/** Header credentials of the route's schemes (query and cookie keys are removed by gw-auth). */
function credentialHeaders(needs: readonly Need[]): string[] {
  const out = new Set<string>();
  for (const n of needs) {
    if (n.kind !== 'keys') out.add('authorization');
    else if ((n.scheme.in ?? 'header') === 'header' && n.scheme.paramName) out.add(n.scheme.paramName.toLowerCase());
  }
  return [...out].sort();
}

/** A Lua string literal: printable ASCII as is (quote and backslash escaped), everything else as \ddd. */
export function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}
