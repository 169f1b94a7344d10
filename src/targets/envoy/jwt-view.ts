import type { SecretSource, SecurityScheme } from '../../model/types.js';
import { label, type Need } from './auth-needs.js';
import { type DataSourceView, describeSource, hs256Jwks } from './auth-sources.js';
import { hs256JwksNote, type InexactNote } from './inexact.js';

/**
 * JWTs in the Envoy target (docs/targets/envoy.md, "Authentication"): the jwt_authn providers (one
 * per scheme, two when a scheme has both a JWKS and an HS256 secret), the requirement trees
 * (requires_any / requires_all over provider names), and the RBAC rules that check scopes on the
 * payload jwt_authn puts in dynamic metadata.
 */
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

export interface Hs256View {
  scheme: string;
  /** Where the secret is (as gw serve reads it) and where Envoy reads the JWKS made from it. */
  secretFile: string | null;
  secretEnv: string | null;
  jwks: DataSourceView;
}

/** A JWKS URL Envoy fetches: one cluster each. */
export interface JwksClusterView {
  name: string;
  url: string;
  scheme: string;
}

export interface JwtProviders {
  providers: JwtProviderView[];
  jwksClusters: JwksClusterView[];
  hs256: Hs256View[];
  /** What the operator must know per scheme (where the HS256 key set comes from). */
  schemeNotes: { scheme: SecurityScheme; note: InexactNote }[];
}

const JWT_FILTER = 'envoy.filters.http.jwt_authn';

/** The providers of the JWT schemes routes use (sorted by id); `consumerOf`: each scheme's consumer header. */
export function jwtProviders(
  jwtSchemes: readonly SecurityScheme[],
  consumerOf: ReadonlyMap<string, string>,
): JwtProviders {
  const out: JwtProviders = { providers: [], jwksClusters: [], hs256: [], schemeNotes: [] };
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
      if (remote) out.jwksClusters.push({ name: remote.cluster, url: remote.uri, scheme: s.id });
      out.providers.push({
        comment: `${s.id} (${s.type}): ${'url' in c.jwks ? 'keys from the JWKS URL' : 'keys from the JWKS file'}`,
        name: s.id,
        ...common,
        localJwks: 'file' in c.jwks ? { filename: c.jwks.file, env: null } : null,
        remoteJwks: remote,
      });
    }
    if (c.secret !== null) hs256Provider(s, c.secret, common, out);
  }
  return out;
}

/** The HS256 provider of a scheme: its secret as a JWKS that envoy/hs256-jwks.sh makes. */
function hs256Provider(
  s: SecurityScheme,
  secret: SecretSource,
  common: Pick<JwtProviderView, 'issuer' | 'audiences' | 'consumerHeader' | 'clockSkewSeconds'>,
  out: JwtProviders,
): void {
  const jwks = hs256Jwks(secret);
  out.hs256.push({
    scheme: s.id,
    secretFile: 'file' in secret ? secret.file : null,
    secretEnv: 'env' in secret ? secret.env : null,
    jwks,
  });
  out.providers.push({
    comment: `${s.id} (${s.type}): HS256, the shared secret as a JWKS (envoy/hs256-jwks.sh makes it)`,
    name: providerNames(s)[providerNames(s).length - 1]!,
    ...common,
    localJwks: jwks,
    remoteJwks: null,
  });
  out.schemeNotes.push({
    scheme: s,
    note: hs256JwksNote(
      describeSource(jwks.filename !== null ? { file: jwks.filename } : { env: jwks.env! }),
      describeSource(secret),
    ),
  });
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

export function anyOf(items: unknown[]): unknown {
  return items.length === 1 ? items[0] : { requires_any: { requirements: items } };
}

export function allOf(items: unknown[]): unknown {
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
