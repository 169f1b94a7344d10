import { isBearer, quoteHttp } from '../../model/auth-answers.js';
import type { SecurityScheme } from '../../model/types.js';

/**
 * What one security requirement of a route (an AND of schemes, with scopes) needs from Envoy's
 * auth filters, and what follows from it alone: its label in warnings and RBAC policy names, the
 * credential headers removed before forwarding, the 403 challenge.
 */
export type Kind = 'jwt' | 'keys' | 'basic';

export interface Need {
  scheme: SecurityScheme;
  kind: Kind;
  scopes: string[];
}

export function kindOf(s: SecurityScheme): Kind {
  const kind = s.credentials!.kind;
  return kind === 'keys' ? 'keys' : kind === 'htpasswd' ? 'basic' : 'jwt';
}

export function label(req: readonly Need[]): string {
  return req.map((n) => (n.scopes.length ? `${n.scheme.id}[${n.scopes.join(' ')}]` : n.scheme.id)).join(' AND ');
}

export function byId(a: SecurityScheme, b: SecurityScheme): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Header credentials of the route's schemes (query and cookie keys are removed by gw-auth). */
export function credentialHeaders(needs: readonly Need[]): string[] {
  const out = new Set<string>();
  for (const n of needs) {
    if (n.kind !== 'keys') out.add('authorization');
    else if ((n.scheme.in ?? 'header') === 'header' && n.scheme.paramName) out.add(n.scheme.paramName.toLowerCase());
  }
  return [...out].sort();
}

export function forbiddenChallenge(req: readonly Need[], realm: string): string {
  const scopes = [...new Set(req.flatMap((n) => n.scopes))];
  return req.some((n) => isBearer(n.scheme))
    ? `Bearer realm=${quoteHttp(realm)}, error="insufficient_scope", scope=${quoteHttp(scopes.join(' '))}`
    : '';
}
