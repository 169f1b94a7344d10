import type { Gateway, SecurityScheme } from '../../model/types.js';
import { byId, type Kind, type Need } from './auth-needs.js';
import { type RouteAuthView, routePlan } from './auth-route-plan.js';
import {
  dataSource,
  type DataSourceView,
  describeSource,
  type LuaKeySourceView,
  luaKeySource,
  secretOf,
} from './auth-sources.js';
import { basicShaOnlyNote, consumerHeaderNote, type InexactNote } from './inexact.js';
import { type Hs256View, type JwksClusterView, type JwtFilterView, jwtProviders } from './jwt-view.js';

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
 * environment variables) itself (auth-sources.ts).
 *
 * This file plans the whole gateway; auth-route-plan.ts decides each route (auth-needs.ts: what a
 * requirement needs), jwt-view.ts builds the jwt_authn providers and the RBAC rules.
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
  jwksClusters: JwksClusterView[];
  /** HS256 secrets Envoy needs as a JWKS (envoy/hs256-jwks.sh writes them). */
  hs256: Hs256View[];
}

export interface AuthPlan {
  view: AuthView;
  /** Per route id; absent for routes without checks. */
  routes: Map<string, RouteAuthView>;
  /** What Envoy does differently, per route id. */
  notes: Map<string, InexactNote[]>;
  /** What the operator must know per scheme (HS256 secrets, htpasswd formats). */
  schemeNotes: { scheme: SecurityScheme; note: InexactNote }[];
}

/** What the routes' plans add up to: the schemes they use, by kind, and each scheme's consumer header. */
interface RoutePlans {
  routes: Map<string, RouteAuthView>;
  notes: Map<string, InexactNote[]>;
  used: Record<Kind, Map<string, SecurityScheme>>;
  consumerOf: Map<string, string>;
  requirements: { name: string; requirement: unknown }[];
  rbac: boolean;
}

export function planAuth(gateway: Gateway): AuthPlan {
  const { routes, notes, used, consumerOf, requirements, rbac } = planRoutes(gateway);
  const basicSchemes = [...used.basic.values()].sort(byId);
  const schemeNotes: AuthPlan['schemeNotes'] = basicSchemes.map((s) => ({
    scheme: s,
    note: basicShaOnlyNote(describeSource(secretOf(s))),
  }));
  const {
    providers,
    jwksClusters,
    hs256,
    schemeNotes: jwtNotes,
  } = jwtProviders([...used.jwt.values()].sort(byId), consumerOf);
  schemeNotes.push(...jwtNotes);
  const consumerHeaders = [...new Set(gateway.routes.map((r) => r.settings.auth.consumerHeader.toLowerCase()))].sort();
  const firstBasic = basicSchemes[0];
  return {
    view: {
      consumerHeaders,
      jwt: providers.length > 0 ? { providers, requirements } : null,
      basic: firstBasic
        ? { users: dataSource(secretOf(firstBasic)), usernameHeader: consumerOf.get(firstBasic.id)! }
        : null,
      lua: used.keys.size > 0 ? { keySources: [...used.keys.values()].sort(byId).map(luaKeySource) } : null,
      rbac,
      jwksClusters,
      hs256,
    },
    routes,
    notes,
    schemeNotes,
  };
}

/**
 * Each route's plan, in model order. Routes with the same jwt_authn requirement share one entry of
 * requirement_map, named after the first such route.
 */
function planRoutes(gateway: Gateway): RoutePlans {
  const schemes = new Map(gateway.securitySchemes.map((s) => [s.id, s]));
  const out: RoutePlans = {
    routes: new Map(),
    notes: new Map(),
    used: { jwt: new Map(), keys: new Map(), basic: new Map() },
    consumerOf: new Map(),
    requirements: [],
    rbac: false,
  };
  const requirementNames = new Map<string, string>();
  for (const r of gateway.routes) {
    const note = (n: InexactNote) => out.notes.set(r.id, [...(out.notes.get(r.id) ?? []), n]);
    const plan = routePlan(r, schemes, gateway.name, note);
    if (!plan) continue;
    for (const n of plan.needs) useScheme(out, n, r.settings.auth.consumerHeader, note);
    let jwtRequirement: string | null = null;
    if (plan.jwtRequirement !== null) {
      const key = JSON.stringify(plan.jwtRequirement);
      jwtRequirement = requirementNames.get(key) ?? null;
      if (jwtRequirement === null) {
        jwtRequirement = r.id;
        requirementNames.set(key, r.id);
        out.requirements.push({ name: r.id, requirement: plan.jwtRequirement });
      }
    }
    if (plan.rbac !== null) out.rbac = true;
    out.routes.set(r.id, { ...plan.view, jwtRequirement });
  }
  return out;
}

/** Records that a route uses a scheme; jwt_authn and basic_auth name the consumer in the header of the first route. */
function useScheme(out: RoutePlans, n: Need, consumerHeader: string, note: (note: InexactNote) => void): void {
  out.used[n.kind].set(n.scheme.id, n.scheme);
  if (n.kind === 'keys') return;
  if (!out.consumerOf.has(n.scheme.id)) out.consumerOf.set(n.scheme.id, consumerHeader);
  const header = out.consumerOf.get(n.scheme.id)!;
  if (header.toLowerCase() !== consumerHeader.toLowerCase())
    note(consumerHeaderNote(n.scheme, n.kind, header, consumerHeader));
}
