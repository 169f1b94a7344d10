import type { AuthAnswers, Route, SecurityScheme } from '../../model/types.js';
import { kindOf, label, type Need } from './auth-needs.js';
import { dataSource, type DataSourceView, secretOf } from './auth-sources.js';
import { basicAlternativeNote, type InexactNote, optionalCredentialsNote, unprovableScopesNote } from './inexact.js';
import { allOf, anyOf, providerNames, rbacRules } from './jwt-view.js';

/**
 * How one route's `security` (an OR of ANDs) becomes Envoy's auth filters (auth-view.ts has the
 * whole picture): basic_auth alone, jwt_authn whose requirement IS the route's security (with
 * RBAC for scopes), or gw-auth (Lua) deciding with jwt_authn's results when API keys are involved.
 * A route nothing can pass is refused (a direct 401).
 */
export interface RouteAuthView {
  /** requirement_map name for jwt_authn's per-route config, or null (no JWT checked here). */
  jwtRequirement: string | null;
  /** basic_auth users for this route, or null. */
  basicUsers: DataSourceView | null;
  /** Route metadata for gw-auth (printed as JSON), or null: Lua does not run here. */
  lua: unknown;
  /** RBACPerRoute.rbac (printed as JSON), or null. */
  rbac: unknown;
  /** Credential headers removed before forwarding: the model's `effective.remove.headers` but the consumer header. */
  removeHeaders: string[];
  /** Nothing can pass (every requirement needs something unchecked): a direct 401 with this challenge. */
  deny: { challenge: string } | null;
}

export interface RoutePlan {
  needs: Need[];
  jwtRequirement: unknown;
  rbac: unknown;
  view: Omit<RouteAuthView, 'jwtRequirement'>;
}

type RoutePlanBase = Pick<RouteAuthView, 'basicUsers' | 'removeHeaders' | 'deny'>;

export function routePlan(
  r: Route,
  schemes: ReadonlyMap<string, SecurityScheme>,
  note: (note: InexactNote) => void,
): RoutePlan | null {
  if (r.settings.auth.enforce && r.security.some((req) => req.schemes.length === 0)) {
    note(optionalCredentialsNote());
    return null;
  }
  // The answers and challenges are the model's (null: nothing is checked on this route).
  const answers = r.effective.authAnswers;
  if (answers === null) return null;
  const all = checkableRequirements(r, schemes, note);
  const challenge = answers.missing.wwwAuthenticate ?? '';
  const removeHeaders = credentialsRemoved(r).headers;
  const deny = (): RoutePlan => ({
    needs: [],
    jwtRequirement: null,
    rbac: null,
    view: { basicUsers: null, lua: null, rbac: null, removeHeaders: [], deny: { challenge } },
  });
  if (all.length === 0) return deny();
  const { kept, mandatory } = basicCompatible(all, note);
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
  if (!needs.some((n) => n.kind === 'keys')) return jwtPlan(kept, base);
  return gwAuthPlan(r, kept, base, answers);
}

/** The route's requirements that can pass: every scheme has credentials, and scopes only on JWT schemes. */
function checkableRequirements(
  r: Route,
  schemes: ReadonlyMap<string, SecurityScheme>,
  note: (note: InexactNote) => void,
): Need[][] {
  const all: Need[][] = [];
  for (const req of r.security) {
    const needs = req.schemes.map((x) => ({ scheme: schemes.get(x.scheme), scopes: x.scopes }));
    // Fail closed, as gw serve: a scheme nothing checks (GW_AUTH_NO_CREDENTIALS) never passes.
    if (needs.some((n) => !n.scheme?.credentials)) continue;
    const typed = needs.map((n) => ({ scheme: n.scheme!, kind: kindOf(n.scheme!), scopes: n.scopes }));
    if (typed.some((n) => n.kind !== 'jwt' && n.scopes.length > 0)) {
      note(unprovableScopesNote(label(typed)));
      continue;
    }
    all.push(typed);
  }
  return all;
}

/** basic_auth runs on all of a route's requests or none: only a basic scheme every requirement has can be checked. */
function basicCompatible(
  all: Need[][],
  note: (note: InexactNote) => void,
): { kept: Need[][]; mandatory: string | null } {
  const basicIn = (req: Need[]) => req.filter((n) => n.kind === 'basic').map((n) => n.scheme.id);
  const mandatory = basicIn(all[0]!).find((id) => all.every((req) => basicIn(req).includes(id))) ?? null;
  const kept = all.filter((req) => basicIn(req).every((id) => id === mandatory));
  const dropped = all.filter((req) => !kept.includes(req));
  if (dropped.length > 0) note(basicAlternativeNote(dropped.map(label)));
  return { kept, mandatory };
}

/** Only JWTs (and the basic scheme every requirement has): jwt_authn's requirement is the route's security. */
function jwtPlan(kept: Need[][], base: RoutePlanBase): RoutePlan {
  const jwtNeeds = (req: Need[]) => req.filter((n) => n.kind === 'jwt');
  const jwtRequirement = anyOf(
    kept.map((req) =>
      allOf(jwtNeeds(req).map((n) => anyOf(providerNames(n.scheme).map((p) => ({ provider_name: p }))))),
    ),
  );
  const scoped = kept.some((req) => req.some((n) => n.scopes.length > 0));
  const rbac = scoped ? rbacRules(kept.map(jwtNeeds)) : null;
  return { needs: kept.flat(), jwtRequirement, rbac, view: { ...base, lua: null, rbac } };
}

/** API keys: gw-auth decides; jwt_authn only verifies what it finds. */
function gwAuthPlan(r: Route, kept: Need[][], base: RoutePlanBase, answers: AuthAnswers): RoutePlan {
  const needs = kept.flat();
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
      strip: credentialsRemoved(r),
      requirements: kept.map((req) => req.map(luaNeed)),
      challenge: answers.missing.wwwAuthenticate ?? '',
      challenge_invalid_token: (answers.invalidToken ?? answers.invalid).wwwAuthenticate ?? '',
      forbidden: kept.map((req) => forbiddenChallenge(r, answers, req)),
    },
  };
  return { needs, jwtRequirement, rbac: null, view: { ...base, lua, rbac: null } };
}

/**
 * What the model removes before forwarding (`effective.remove`), requirements Envoy cannot check
 * included; the consumer header is not among them: Envoy removes a client's value of it before any
 * filter runs, and the auth filters then set it.
 */
function credentialsRemoved(r: Route): { headers: string[]; query: string[]; cookies: string[] } {
  const { headers, query, cookies } = r.effective.remove;
  const consumer = r.settings.auth.consumerHeader.toLowerCase();
  return { headers: headers.filter((h) => h !== consumer), query, cookies };
}

/** The model's 403 challenge of the requirement of route.security this kept one came from ('' for none). */
function forbiddenChallenge(r: Route, answers: AuthAnswers, req: readonly Need[]): string {
  const at = r.security.findIndex(
    (s) =>
      s.schemes.length === req.length &&
      s.schemes.every((x, i) => x.scheme === req[i]!.scheme.id && x.scopes.join(' ') === req[i]!.scopes.join(' ')),
  );
  return answers.forbidden[at]?.wwwAuthenticate ?? '';
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
