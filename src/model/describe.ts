import type { SecurityRequirement, SecurityScheme } from './types.js';

/**
 * One-line summary of a route's auth, e.g. `apiKey(header X-Api-Key) OR bearer[orders:read]`.
 * Requirements are joined with OR, the schemes inside one with AND (in parentheses when mixed).
 */
export function describeSecurity(security: readonly SecurityRequirement[], schemes: readonly SecurityScheme[]): string {
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

export function describeScheme(s: SecurityScheme): string {
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
