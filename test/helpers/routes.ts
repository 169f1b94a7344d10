import type { ImportedRoute, ImportedUpstream } from '../../src/model/fragment.js';
import { routeId } from '../../src/model/ids.js';
import { compileMatch, parsePathTemplate, templateParams } from '../../src/model/path.js';
import { targetOf } from '../../src/model/target.js';
import type { Gateway, HttpMethod, Listen, RateLimit, Route, Target } from '../../src/model/types.js';
import { decideGateway, type GatewayDraft } from '../../src/merge/decide-gateway.js';
import { DEFAULT_EDGE } from '../../src/project/edge.js';
import { DEFAULT_ROUTE_SETTINGS } from '../../src/project/settings.js';

/**
 * A route as an importer makes it, for unit tests: untyped parameters, defaults everywhere else.
 * What merge settles (`effective`) comes with decideGateway (src/merge/decide-gateway.ts).
 */
export function route(method: HttpMethod, path: string, service = 's'): ImportedRoute {
  const segments = parsePathTemplate(path);
  const params = templateParams(segments).map((name) => ({ name, schema: {} }));
  return {
    id: routeId(service, null, method, path),
    service,
    operationId: null,
    method,
    path,
    upstreamPath: path,
    segments,
    params,
    match: compileMatch(segments, params),
    upstream: service,
    security: [],
    settings: { ...DEFAULT_ROUTE_SETTINGS, connectTimeoutMs: 1, requestTimeoutMs: 1, retries: 0, maxBodyBytes: 1 },
    summary: null,
    tags: [],
    deprecated: false,
    mock: null,
    source: { file: 'x.yaml', pointer: '#' },
  };
}

/** A cleartext listener (no TLS, no h2c, no redirect) on host:port. */
export function plainListen(host: string, port: number): Listen {
  return { host, port, tls: null, h2c: false, redirectHttp: null };
}

/**
 * A hand-built gateway as merge completes it (decideGateway): routes and schemes as an importer
 * makes them in, their `effective` fields, `carrier`, `bearer` and the problem catalogue out.
 */
export function settle(routes: ImportedRoute[], over: Partial<GatewayDraft> = {}): Gateway {
  return decideGateway({
    modelVersion: 1,
    name: 'g',
    listen: plainListen('127.0.0.1', 8080),
    services: [],
    upstreams: [],
    routes,
    securitySchemes: [],
    rateLimitStore: { kind: 'memory' },
    edge: DEFAULT_EDGE,
    ...over,
  });
}

/** One route with what merge settles for it alone (no other routes, no schemes). */
export function settled(r: ImportedRoute): Route {
  return settle([r]).routes[0]!;
}

/** A target as the importer makes it from `url`. */
export function target(url: string, weight = 1): Target {
  return { ...targetOf(new URL(url)), weight };
}

/** Upstream `id` of service `s` with `targets`, as an importer makes it from a spec's servers. */
export function specUpstream(id: string, targets: Target[]): ImportedUpstream {
  return {
    id,
    service: 's',
    basePath: '',
    balancing: 'round-robin',
    healthCheck: null,
    connectionsPerTarget: 256,
    targets,
    origin: 'spec',
    source: { file: 's.yaml', pointer: '#/servers' },
  };
}

/** A rate limit by client address (10 per second, counter `g`, nginx's smallest zone), `over` replacing parts. */
export function rateLimit(over: Partial<RateLimit> = {}): RateLimit {
  return { requests: 10, windowMs: 1000, key: { kind: 'ip' }, counter: 'g', keys: 1, zoneBytes: 32_768, ...over };
}
