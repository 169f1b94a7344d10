import { escapeRegex } from '../../model/path.js';
import type { Cors, Route } from '../../model/types.js';
import { corsRequestHeadersNote, type InexactNote } from './inexact.js';

/**
 * CORS in the Envoy target (docs/targets/envoy.md, "CORS"): the `cors` filter with a CorsPolicy per
 * route. Envoy picks the policy of the route a request matches, and gw's routes match on the
 * method, so a preflight (OPTIONS) would find no route of the method it asks about: each route
 * with CORS gets a preflight route before every other route (OPTIONS, its path, the
 * Access-Control-Request-Method it serves, an Origin). The cors filter answers preflights from
 * allowed origins itself; any other origin falls through to the route's 403 (GW_HTTP_CORS_REJECTED).
 */
export interface CorsPolicyView {
  /** RE2 regexes (full match) of the allowed origins: the model's rule, without case and trailing `/`s allowed. */
  origins: string[];
  methods: string;
  /** null: no Access-Control-Allow-Headers. */
  headers: string | null;
  exposeHeaders: string | null;
  maxAge: string;
  credentials: boolean;
}

export interface CorsPlan {
  /** Per route id. */
  policies: Map<string, CorsPolicyView>;
  notes: Map<string, InexactNote[]>;
}

export function planCors(routes: readonly Route[]): CorsPlan {
  const policies = new Map<string, CorsPolicyView>();
  const notes = new Map<string, InexactNote[]>();
  for (const r of routes) {
    const c = r.settings.cors;
    if (!c) continue;
    policies.set(r.id, corsPolicy(c, r.effective.corsMethods!));
    if (c.headers === null && c.credentials) notes.set(r.id, [corsRequestHeadersNote()]);
  }
  return { policies, notes };
}

/** Allowed origins (the model's Cors.origins) as one RE2 regex matching the Origin header by the model's rule. */
export function originsRegex(origins: readonly string[]): string {
  return `(?i)(?:${origins.map(escapeRegex).join('|')})/*`;
}

/** `methods`: the route's `effective.corsMethods`, as the model settled them. */
export function corsPolicy(c: Cors, methods: readonly string[]): CorsPolicyView {
  const any = c.origins.includes('*');
  return {
    origins: any ? ['.*'] : c.origins.map((o) => `(?i)${escapeRegex(o)}/*`),
    methods: methods.join(', '),
    // gw echoes what the preflight asks for; without credentials "*" allows the same.
    headers: c.headers ? c.headers.join(', ') : c.credentials ? null : '*',
    exposeHeaders: c.exposeHeaders.length > 0 ? c.exposeHeaders.join(', ') : null,
    maxAge: String(c.maxAgeSeconds),
    credentials: c.credentials,
  };
}
