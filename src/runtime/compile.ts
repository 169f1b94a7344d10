import { H1Pool } from './h1-pool.js';
import type { Edge, HealthCheck, HttpMethod, RuntimeGateway, RuntimeRoute, WebSocketRoute } from '../model/types.js';
import type { Balancer } from './balancers/balancer.js';
import { createBalancer } from './balancers/create-balancer.js';
import { Router } from './router.js';
import type { TargetState } from './target-state.js';
import { AuthCompiler, type RouteAuth } from './auth/auth-compiler.js';
import type { AuthSecrets } from './auth/load-auth-secrets.js';
import { compileClientResolver, type ClientResolver } from './client-address.js';
import { compileCorsPolicies, type CompiledCors } from './cors.js';
import { compileProblems, type ProblemCatalogue } from './problem.js';
import { MemoryStore } from './rate-limit/memory-store.js';
import { compileRateLimit, type CompiledRateLimit } from './rate-limit/rate-limiter.js';
import type { RateLimitStore } from './rate-limit/store.js';
import { compileHostCheck, type HostCheck } from './server-names.js';
import { compileValidators, type RouteValidator } from './validate/compile-validator.js';
import { compileComposition, type CompiledComposition } from './compose/compile-composition.js';

export interface UpstreamRuntime {
  id: string;
  service: string;
  basePath: string;
  targets: TargetState[];
  balancer: Balancer;
  healthCheck: HealthCheck | null;
  /** No route of the table forwards here (its service is mocked): never contacted, probed or reported. */
  mocked: boolean;
}

/** Everything the request path needs for one route, decided at start-up. */
export interface CompiledRoute {
  id: string;
  service: string;
  method: HttpMethod;
  /** The public template, for logs and metrics. */
  path: string;
  upstream: UpstreamRuntime;
  /** Upstream path: literal text and indexes into the captured parameter values. */
  upstreamPath: (string | number)[];
  maxBodyBytes: number;
  requestTimeoutMs: number;
  /** Attempts on another target after a connection failure (the model's `effective.retries`). */
  retries: number;
  preserveHost: boolean;
  /** For a mocked service: the model's answers, their bodies as bytes; the first is the default. */
  mock: PreparedMock[] | null;
  /** Credential checks, and what is removed or added on the way upstream (src/runtime/auth/). */
  auth: RouteAuth;
  /** CORS headers and preflight answers (src/runtime/cors.ts); null: none. */
  cors: CompiledCors | null;
  /** The route's fixed-window limit on its store (src/runtime/rate-limit/); null: unlimited. */
  rateLimit: CompiledRateLimit | null;
  /** Parameter and JSON body checks (src/runtime/validate/); null: validate is off. */
  validator: RouteValidator | null;
  /** WebSocket handshakes are tunnelled, with these limits (the model's `effective.websocket`); null: refused. */
  websocket: WebSocketRoute | null;
  /** The gateway's client-facing rules (the model's `edge`), where the request path needs them. */
  edge: Edge;
  /** The gateway's own answers (the model's `problems`), shared by every route of the table. */
  problems: ProblemCatalogue;
  /** A composite route's steps (the model's `compose`, src/runtime/compose/); null: not a composite. */
  compose: CompiledComposition | null;
}

export interface PreparedMock {
  status: number;
  contentType: string | null;
  body: Buffer;
}

/** The immutable route table and upstream pools one configuration runs on. Swapped whole on reload. */
export interface CompiledGateway {
  gateway: RuntimeGateway;
  /** The gateway's own answers (the model's `problems`), for requests no route answers. */
  problems: ProblemCatalogue;
  router: Router<CompiledRoute>;
  routes: CompiledRoute[];
  /** The client's address and scheme behind trusted proxies (edge.trustedProxies); null: the TCP peer's. */
  clientOf: ClientResolver | null;
  /** The hosts answered (edge.serverNames); null: any. */
  hostCheck: HostCheck | null;
  upstreams: Map<string, UpstreamRuntime>;
  /** Where the rate-limit counters live; closed with the table only when compileGateway made it. */
  rateLimitStore: RateLimitStore;
  ownsRateLimitStore: boolean;
  /** Where wrong credentials are counted per client (settings.auth.failureLimit); the same. */
  authFailureStore: MemoryStore;
  ownsAuthFailureStore: boolean;
}

export interface CompileOptions {
  /** Connections open to each target at most; requests beyond wait for one to be free. */
  connectionsPerTarget?: number;
  /**
   * Secrets the security schemes' credentials point at (auth/load-auth-secrets.ts); schemes without them refuse every
   * request.
   */
  secrets?: AuthSecrets;
  /** The rate-limit store (kept across reloads by the caller); a fresh memory store when absent. */
  rateLimitStore?: RateLimitStore;
  /** The store of failed credential checks (kept across reloads by the caller); a fresh one when absent. */
  authFailureStore?: MemoryStore;
}

/** Model -> route table, balancers and keep-alive pools. Pure but for the pools it opens. */
export function compileGateway(gateway: RuntimeGateway, options: CompileOptions = {}): CompiledGateway {
  // A schema that does not compile stops here, before any pool is made.
  const validators = compileValidators(gateway);
  const upstreams = new Map<string, UpstreamRuntime>();
  for (const u of gateway.upstreams) {
    const targets: TargetState[] = u.targets.map((t) => ({
      url: t.url,
      host: t.authority,
      weight: t.weight,
      // Idle keep-alive sockets close after edge.upstreamIdleTimeoutMs (4 s: Node servers drop them after 5 s),
      // or sooner when the upstream announces less.
      pool: new H1Pool(t.url, {
        // The model's (services[].settings.upstreamConnections), unless --upstream-connections says otherwise.
        connections: options.connectionsPerTarget ?? u.connectionsPerTarget,
        connectTimeoutMs: u.connectTimeoutMs,
        keepAliveMs: gateway.edge.upstreamIdleTimeoutMs,
      }),
      active: 0,
      healthy: true,
      ejectedUntil: 0,
      failures: 0,
      currentWeight: 0,
    }));
    const balancer = createBalancer(u.balancing, targets);
    // mocked until a route that forwards here is compiled (below).
    const { id, service, basePath, healthCheck } = u;
    upstreams.set(id, { id, service, basePath, targets, balancer, healthCheck, mocked: true });
  }
  const failures = options.authFailureStore ?? new MemoryStore();
  const auth = new AuthCompiler(gateway, options.secrets ?? new Map(), failures);
  const cors = compileCorsPolicies(gateway.routes);
  const store = options.rateLimitStore ?? new MemoryStore();
  const problems = compileProblems(gateway.problems);
  const routes = gateway.routes.map((r, i) => ({
    ...compileRoute(r, upstreams.get(r.upstream)!),
    auth: auth.compile(r),
    cors: cors[i] ?? null,
    rateLimit: r.settings.rateLimit ? compileRateLimit(r.settings.rateLimit, store) : null,
    validator: validators.get(r.id) ?? null,
    edge: gateway.edge,
    problems,
    compose: r.compose ? compileComposition(r, gateway) : null,
  }));
  for (const r of routes) if (r.mock === null && r.compose === null) r.upstream.mocked = false;
  const router = new Router(
    routes.map((c, i) => ({
      methods: gateway.routes[i]!.effective.methods,
      segments: gateway.routes[i]!.segments,
      params: gateway.routes[i]!.params,
      value: c,
    })),
  );
  return {
    gateway,
    problems,
    router,
    routes,
    clientOf: compileClientResolver(gateway.edge.trustedProxies),
    hostCheck: compileHostCheck(gateway.edge.serverNames),
    upstreams,
    rateLimitStore: store,
    ownsRateLimitStore: options.rateLimitStore === undefined,
    authFailureStore: failures,
    ownsAuthFailureStore: options.authFailureStore === undefined,
  };
}

function compileRoute(
  r: RuntimeRoute,
  upstream: UpstreamRuntime,
): Omit<CompiledRoute, 'auth' | 'cors' | 'rateLimit' | 'validator' | 'edge' | 'problems' | 'compose'> {
  const index = new Map(r.params.map((p, i) => [p.name, i]));
  const upstreamPath: (string | number)[] = [];
  for (const piece of r.upstreamPath.split(/(\{[^{}]+\})/)) {
    if (piece === '') continue;
    const name = /^\{([^{}]+)\}$/.exec(piece)?.[1];
    const at = name !== undefined ? index.get(name) : undefined;
    upstreamPath.push(at !== undefined ? at : piece);
  }
  return {
    id: r.id,
    service: r.service,
    method: r.method,
    path: r.path,
    upstream,
    upstreamPath,
    maxBodyBytes: r.settings.maxBodyBytes,
    requestTimeoutMs: r.settings.requestTimeoutMs,
    retries: r.effective.retries,
    preserveHost: r.settings.preserveHost,
    websocket: r.effective.websocket,
    mock: r.mock
      ? r.mock.map((m) => ({ status: m.status, contentType: m.contentType, body: Buffer.from(m.body) }))
      : null,
  };
}

/** The path a matched route forwards to: its upstream path with the captured parameter values put in. */
export function forwardPath(route: Pick<CompiledRoute, 'upstreamPath'>, params: readonly string[]): string {
  let path = '';
  for (const p of route.upstreamPath) path += typeof p === 'number' ? params[p] : p;
  return path;
}

/** Closes every pool once its requests are done. */
export async function closeCompiled(c: CompiledGateway): Promise<void> {
  await Promise.all([...c.upstreams.values()].flatMap((u) => u.targets.map((t) => t.pool.close())));
  if (c.ownsRateLimitStore) await c.rateLimitStore.close();
  if (c.ownsAuthFailureStore) await c.authFailureStore.close();
}
