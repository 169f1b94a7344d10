import type { SecurityScheme } from '../../model/types.js';

/**
 * What one security requirement of a route (an AND of schemes, with scopes) needs from Envoy's
 * auth filters, and what follows from it alone: its label in warnings and RBAC policy names.
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
