import { isBearer } from './auth-answer-texts.js';
import { corsPathMethods } from './cors-path-methods.js';
import type { ImportedRoute, ImportedScheme, ImportedUpstream } from '../model/fragment.js';
import type {
  CredentialCarrier,
  Gateway,
  HttpMethod,
  Route,
  RouteEffective,
  SecurityScheme,
  Upstream,
  WebSocketRoute,
} from '../model/types.js';
import { problemCatalogue } from './problem-catalogue.js';
import { redactedQuery, requestRemovals } from './request-removals.js';
import { routeAuthAnswers } from './route-auth-answers.js';

/** A gateway before merge has settled its decisions: imported routes, upstreams and schemes, no problem catalogue. */
export type GatewayDraft = Omit<Gateway, 'routes' | 'upstreams' | 'securitySchemes' | 'problems'> & {
  routes: ImportedRoute[];
  upstreams: ImportedUpstream[];
  securitySchemes: ImportedScheme[];
};

/** Methods whose request may be sent again on another target after a connection failure (RFC 9110 9.2.2). */
const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/**
 * Settles what follows from more than one setting, once, into the model (ARCHITECTURE.md,
 * "Decisions are data"): where each scheme's credential travels, each route's effective retries,
 * CORS methods, auth answers and what is removed before forwarding, each upstream's connect
 * timeout, and the problem catalogue.
 * gw serve, the Node gateway and the targets print these fields and never derive them again.
 */
export function decideGateway(draft: GatewayDraft): Gateway {
  const securitySchemes = draft.securitySchemes.map(settleScheme);
  const schemes = new Map(securitySchemes.map((s) => [s.id, s]));
  const methodsOf = answeredMethods(draft.routes);
  const pathMethods = corsPathMethods(draft.routes, methodsOf);
  const credentialsOf = credentialRules(schemes, draft.name);
  const routes = draft.routes.map(
    (r): Route => ({
      ...r,
      effective: {
        methods: methodsOf(r),
        retries: IDEMPOTENT.has(r.method) ? r.settings.retries : 0,
        corsMethods: r.settings.cors ? (r.settings.cors.methods ?? pathMethods.get(r.path)!) : null,
        ...credentialsOf(r),
        // A handshake is a GET (RFC 6455 4.1); set on a path or service, the setting reaches only its GET routes.
        websocket: r.method === 'GET' && r.settings.websocket ? websocketRoute(r) : null,
      },
    }),
  );
  const connect = longestConnectTimeouts(draft.routes);
  const upstreams = draft.upstreams.map(
    (u): Upstream => ({ ...u, connectTimeoutMs: connect.get(u.id) ?? DEFAULT_CONNECT_TIMEOUT_MS }),
  );
  return { ...draft, routes, upstreams, securitySchemes, problems: problemCatalogue() };
}

/** A GET route's handshakes: its tunnel limits, and the origins of its CORS settings (any without, or with `*`). */
function websocketRoute(r: ImportedRoute): WebSocketRoute {
  const origins = r.settings.cors?.origins;
  return { ...r.settings.websocket!, origins: origins && !origins.includes('*') ? [...origins] : null };
}

/** HEAD is answered by the GET route of a path (its `match.regex`) unless the path has a HEAD route of its own. */
function answeredMethods(routes: readonly ImportedRoute[]): (r: ImportedRoute) => string[] {
  const ownHead = new Set(routes.filter((r) => r.method === 'HEAD').map((r) => r.match.regex));
  const getAndHead = ['GET', 'HEAD'];
  return (r) => (r.method === 'GET' && !ownHead.has(r.match.regex) ? getAndHead : [r.method]);
}

type CredentialRules = Pick<RouteEffective, 'authAnswers' | 'remove' | 'redactQuery'>;

/**
 * A route's answers and removals. Most routes of a spec share their security and auth settings,
 * so each distinct pair is settled once, and its result shared (the model is never mutated).
 */
function credentialRules(
  schemes: ReadonlyMap<string, SecurityScheme>,
  realm: string,
): (r: ImportedRoute) => CredentialRules {
  const settled = new Map<string, CredentialRules>();
  return (r) => {
    const { enforce, forwardCredentials, consumerHeader } = r.settings.auth;
    const key = JSON.stringify([enforce, forwardCredentials, consumerHeader, r.security]);
    let found = settled.get(key);
    if (found === undefined) {
      found = {
        authAnswers: routeAuthAnswers(r, schemes, realm),
        remove: requestRemovals(r, schemes),
        redactQuery: redactedQuery(r, schemes),
      };
      settled.set(key, found);
    }
    return found;
  };
}

/** Nothing connects to an upstream no route uses; it still gets the default. */
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** Per upstream id, the longest connect timeout its routes ask for (one pass: a spec may have an upstream per path). */
function longestConnectTimeouts(routes: readonly ImportedRoute[]): Map<string, number> {
  const longest = new Map<string, number>();
  for (const r of routes) longest.set(r.upstream, Math.max(longest.get(r.upstream) ?? 0, r.settings.connectTimeoutMs));
  return longest;
}

function settleScheme(s: ImportedScheme): SecurityScheme {
  return { ...s, carrier: carrierOf(s), bearer: isBearer(s) };
}

/** An apiKey's parameter; the Authorization header for http, oauth2 and openIdConnect; nothing for mutualTLS. */
function carrierOf(s: ImportedScheme): CredentialCarrier | null {
  if (s.type === 'mutualTLS') return null;
  if (s.type === 'apiKey') return s.paramName ? { in: s.in ?? 'header', name: s.paramName } : null;
  return { in: 'header', name: 'Authorization' };
}
