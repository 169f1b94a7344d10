import type { ImportedRoute, ImportedScheme } from './fragment.js';
import type { RateLimit, SecurityRequirement } from './types.js';

/**
 * One-line summary of a route's auth, e.g. `apiKey(header X-Api-Key) OR bearer[orders:read]`.
 * Requirements are joined with OR, the schemes inside one with AND (in parentheses when mixed).
 */
export function describeSecurity(security: readonly SecurityRequirement[], schemes: readonly ImportedScheme[]): string {
  if (security.length === 0) return 'public';
  const byId = new Map(schemes.map((s) => [s.id, s]));
  const alternatives = security.map((req) => {
    if (req.schemes.length === 0) return 'anonymous';
    const all = req.schemes.map(({ scheme, scopes }) => {
      const s = byId.get(scheme);
      const label = s ? describeScheme(s) : scheme;
      return scopes.length > 0 ? `${label}[${scopes.join(',')}]` : label;
    });
    return all.length > 1 && security.length > 1 ? `(${all.join(' AND ')})` : all.join(' AND ');
  });
  return alternatives.join(' OR ');
}

export function describeScheme(s: ImportedScheme): string {
  switch (s.type) {
    case 'apiKey':
      return `apiKey(${s.in} ${s.paramName})`;
    case 'http':
      return s.scheme ?? 'http';
    case 'oauth2':
      return 'oauth2';
    case 'openIdConnect':
      return 'oidc';
    case 'mutualTLS':
      return 'mtls';
  }
}

/** A route's auth as the gateway enforces it: the requirements, or that checks are off. */
export function describeAuth(route: ImportedRoute, schemes: readonly ImportedScheme[]): string {
  const text = describeSecurity(route.security, schemes);
  return route.security.length > 0 && !route.settings.auth.enforce ? `${text} (not enforced)` : text;
}

/** `100/1m per ip`, `5/1s per header x-tenant, service-wide`, or `-` without a limit. */
export function describeRateLimit(limit: RateLimit | null): string {
  if (!limit) return '-';
  const ms = limit.windowMs;
  const window =
    ms % 3_600_000 === 0
      ? `${ms / 3_600_000}h`
      : ms % 60_000 === 0
        ? `${ms / 60_000}m`
        : ms % 1000 === 0
          ? `${ms / 1000}s`
          : `${ms}ms`;
  const key = limit.key.kind === 'header' ? `header ${limit.key.name}` : limit.key.kind;
  const scope =
    limit.counter === 'gateway' ? ', gateway-wide' : limit.counter.startsWith('service:') ? ', service-wide' : '';
  return `${limit.requests}/${window} per ${key}${scope}`;
}
