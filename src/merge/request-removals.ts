import type { ImportedRoute } from '../model/fragment.js';
import type { CredentialCarrier, RequestRemovals, SecurityScheme } from '../model/types.js';

type Carried = Pick<SecurityScheme, 'carrier'>;

/**
 * What the gateway removes from a route's requests before forwarding them (docs/auth.md, "What the
 * upstream receives"): always the consumer header, so upstreams can trust it; and the route's
 * credentials when it checks them and `forwardCredentials` is false.
 */
export function requestRemovals(
  route: Pick<ImportedRoute, 'security' | 'settings'>,
  schemes: ReadonlyMap<string, Carried>,
): RequestRemovals {
  const auth = route.settings.auth;
  const consumer = auth.consumerHeader.toLowerCase();
  const enforced = auth.enforce && route.security.length > 0;
  if (!enforced || auth.forwardCredentials) return { headers: [consumer], query: [], cookies: [] };
  const carriers = routeCarriers(route, schemes);
  const named = (kind: CredentialCarrier['in']) => carriers.filter((c) => c.in === kind).map((c) => c.name);
  return {
    headers: [...new Set([consumer, ...named('header').map((n) => n.toLowerCase())])],
    query: named('query'),
    cookies: named('cookie'),
  };
}

/** Query parameters that carry the route's credentials: the access log never shows their values, checked or not. */
export function redactedQuery(route: Pick<ImportedRoute, 'security'>, schemes: ReadonlyMap<string, Carried>): string[] {
  return routeCarriers(route, schemes)
    .filter((c) => c.in === 'query')
    .map((c) => c.name);
}

/** Where the route's credentials travel, in the order of its security, each place once (header names without case). */
export function routeCarriers(
  route: Pick<ImportedRoute, 'security'>,
  schemes: ReadonlyMap<string, Carried>,
): CredentialCarrier[] {
  const out: CredentialCarrier[] = [];
  const seen = new Set<string>();
  for (const requirement of route.security) {
    for (const { scheme } of requirement.schemes) {
      const c = schemes.get(scheme)?.carrier;
      if (!c) continue;
      const key = `${c.in}:${c.in === 'header' ? c.name.toLowerCase() : c.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(c);
    }
  }
  return out;
}
