import { isIP } from 'node:net';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Gateway } from '../../model/types.js';
import type { EnvoyOptions } from '../types.js';
import { planAuth, type AuthView } from './auth-view.js';
import { bareHost, buildClusters, type ClusterView } from './cluster-view.js';
import { planCors } from './cors-view.js';
import type { Hs256View } from './jwt-view.js';
import { buildEnvoyEdgeView, serverDomains, type EnvoyEdgeView } from './edge-view.js';
import { listenHostWarning, routeWarnings, schemeWarning, validationSkippedNote } from './inexact.js';
import { localReplies, mappedStatuses, problemsOf, type LocalReplyView } from './local-replies.js';
import { buildEnvoyListenerView, type EnvoyListenerView } from './listener-view.js';
import { planRateLimits, type RateLimitConfigView, type RateLimitView } from './rate-limit-view.js';
import { buildEnvoyPathView, type EnvoyPathView } from './refused-paths.js';
import { buildEnvoyLimits, type EnvoyLimitsView } from './resource-limits.js';
import { buildRoutes, type PolicyPlans, type RouteView } from './route-view.js';

/**
 * Every decision of the Envoy target; templates/envoy/envoy.yaml.hbs only prints this view.
 * One listener, one route table in model order (CORS preflight routes, method routes, then the
 * 405 blocks; no route at all is Envoy's own 404, turned into problem+json by the local reply
 * mappers), one cluster per upstream that has targets. This file assembles the view from its
 * parts: route-view.ts (the route table), cluster-view.ts, local-replies.ts, edge-view.ts (the
 * connection manager), and the policies (auth-view.ts, rate-limit-view.ts, cors-view.ts), which
 * add HTTP filters and per-route filter configs. inexact.ts words the warnings.
 */
export interface EnvoyView {
  name: string;
  listen: { address: string; port: number };
  /** TLS, HTTP/2 and the redirect listener (gw.yaml listen; listener-view.ts). */
  listener: EnvoyListenerView;
  /** How clients are treated (the model's edge): HttpConnectionManager fields. */
  edge: EnvoyEdgeView;
  /** The model's path rule: HttpConnectionManager fields (the refusing routes are in `routes`). */
  paths: EnvoyPathView;
  /** gw's virtual host's domains (edge.serverNames; `*` when none: any host). */
  domains: string[];
  /** A catch-all virtual host answers 421 beside gw's (edge.serverNames lists names). */
  unknownHost: boolean;
  /** Overload manager, buffer, HTTP/2 and connection limits (resource-limits.ts). */
  limits: EnvoyLimitsView;
  admin: { address: string; port: number };
  /** CA bundle https targets are verified against (the system's, as gw serve). */
  caFile: string;
  /** The buffer filter's default limit: the largest route limit (each proxied route sets its own). */
  maxRequestBytes: number;
  /** Envoy refuses direct_response bodies over 4 KiB unless the route table raises this. */
  maxDirectResponseBytes: number | null;
  routes: RouteView[];
  replies: LocalReplyView[];
  clusters: ClusterView[];
  policies: PoliciesView;
  /** envoy/ratelimit-config.yaml (Redis-backed limits), or null. */
  rateLimitConfig: RateLimitConfigView | null;
  /** HS256 secrets envoy/hs256-jwks.sh turns into JWKS; empty: no script. */
  hs256: Hs256View[];
}

/** The HTTP filters the policies need (each null/false when no route needs it). */
export interface PoliciesView extends Omit<AuthView, 'jwksClusters' | 'hs256'> {
  cors: boolean;
  rateLimit: RateLimitView;
}

export const ENVOY_CA_FILE = '/etc/ssl/certs/ca-certificates.crt';

export function buildEnvoyView(
  gateway: Gateway,
  options: EnvoyOptions = {},
): { view: EnvoyView; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const maxRequestBytes = Math.max(0, ...gateway.routes.map((r) => r.settings.maxBodyBytes)) || 10 * 1024 * 1024;
  const plans: PolicyPlans = {
    auth: planAuth(gateway),
    rateLimits: planRateLimits(gateway, options.sharedRateLimits),
    cors: planCors(gateway.routes),
  };
  const { auth, rateLimits, cors } = plans;
  const replies = localReplies(
    problemsOf(gateway),
    auth.routes.size > 0,
    cors.policies.size > 0,
    rateLimits.routes.size > 0,
    gateway.edge.serverNames.length > 0,
    gateway.routes.some((r) => r.effective.websocket?.origins),
  );
  const routes = buildRoutes(gateway, plans, mappedStatuses(replies), diagnostics);
  diagnostics.push(...rateLimits.errors, ...routeNotes(gateway, plans));
  for (const { scheme, note } of auth.schemeNotes) diagnostics.push(schemeWarning(scheme, note));
  const { jwksClusters, hs256, ...authFilters } = auth.view;
  const listen = listenAddress(gateway, diagnostics);
  const view: EnvoyView = {
    name: gateway.name,
    listen,
    listener: buildEnvoyListenerView(gateway.listen, listen.address),
    edge: buildEnvoyEdgeView(gateway.edge, diagnostics),
    paths: buildEnvoyPathView(gateway.edge.paths),
    domains: serverDomains(gateway.edge),
    unknownHost: gateway.edge.serverNames.length > 0,
    limits: buildEnvoyLimits(gateway.edge, options.maxHeapBytes),
    admin: { address: '127.0.0.1', port: 9901 },
    caFile: ENVOY_CA_FILE,
    maxRequestBytes,
    maxDirectResponseBytes: largestDirectBody(routes),
    routes,
    replies,
    clusters: buildClusters(gateway, jwksClusters, rateLimits.view.global !== null),
    policies: { ...authFilters, cors: cors.policies.size > 0, rateLimit: rateLimits.view },
    rateLimitConfig: rateLimits.config,
    hs256,
  };
  return { view, diagnostics };
}

/** One warning per route, listing every difference the policies (and validation) have there. */
function routeNotes(gateway: Gateway, { auth, rateLimits, cors }: PolicyPlans): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const r of gateway.routes) {
    const notes = [
      ...(auth.notes.get(r.id) ?? []),
      ...(rateLimits.notes.get(r.id) ?? []),
      ...(cors.notes.get(r.id) ?? []),
    ];
    if (r.settings.validate) notes.push(validationSkippedNote());
    if (notes.length > 0) diagnostics.push(...routeWarnings(r, notes));
  }
  return diagnostics;
}

/** The largest direct_response body, when over Envoy's 4 KiB default; else null. */
function largestDirectBody(routes: readonly RouteView[]): number | null {
  const bodies = routes.flatMap((r) => (r.direct?.body != null ? [Buffer.byteLength(r.direct.body)] : []));
  const largestBody = Math.max(0, ...bodies);
  return largestBody > 4096 ? largestBody : null;
}

function listenAddress(gateway: Gateway, diagnostics: Diagnostic[]): { address: string; port: number } {
  const host = bareHost(gateway.listen.host);
  if (isIP(host) !== 0) return { address: host, port: gateway.listen.port };
  if (host === 'localhost') return { address: '127.0.0.1', port: gateway.listen.port };
  diagnostics.push(listenHostWarning(gateway));
  return { address: '0.0.0.0', port: gateway.listen.port };
}
