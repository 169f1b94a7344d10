import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { authFailHeaders, type AuthOutcome } from './auth/auth-policy.js';
import { withoutQueryParams } from './auth/strip-credentials.js';
import { isPromise } from './auth/types.js';
import { closeCompiled, forwardPath, type CompiledGateway, type CompiledRoute } from './compile.js';
import { BodyIntake } from './body-intake.js';
import { admitRequest, bufferBody } from './admission.js';
import { checkHead } from './check-head.js';
import { readFacts } from './read-facts.js';
import { HealthChecks } from './health-checks.js';
import { normalizePath } from './normalize-path.js';
import { refuseClient } from './problem.js';
import { answerMock } from './mock.js';
import { Forward, type RequestFacts } from './proxy.js';
import { corsResponseHeaders } from './cors.js';
import { answerPreflight } from './answer-preflight.js';
import { answer, emitAnswered, refuse, refuseHead } from './self-answers.js';
import { SelfClient, takeStepHeader } from './compose/self-client.js';
import { startComposite } from './compose/answer-composite.js';
import { EdgeListener } from './edge-listener.js';
import { handshakeOriginAllowed, notWebSocketDetail, takeUpgrade, type UpgradeRequest } from './ws-handshake.js';
import { type TunnelSet, WebSocketTunnel } from './ws-tunnel.js';
import type { LoadedTls } from './tls-certificates.js';

export interface GatewayServerOptions {
  host: string;
  port: number;
  /** A client must send its request headers within this time (slowloris); overrides edge.headerTimeoutMs (a flag). */
  headersTimeoutMs?: number;
  /** A client must send its whole request within this time; overrides edge.requestTimeoutMs (a flag). */
  clientRequestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** Request headers larger than this are refused with 431; overrides edge.maxHeaderBytes. */
  maxHeaderBytes?: number;
  /** The certificates of the model's listen.tls, read and checked (tls-certificates.ts); null without TLS. */
  tls?: LoadedTls | null;
}

export const SERVER_DEFAULTS = { keepAliveTimeoutMs: 5_000 };

/**
 * The gateway's HTTP server. The request path only looks things up in the compiled table:
 * normalise the path, one router lookup, then a Forward. `swap` replaces the table atomically
 * (hot reload): requests already running finish on the table they started with.
 */
export class GatewayServer {
  private table: CompiledGateway;
  private health: HealthChecks;
  private readonly server: Server;
  private readonly edge: EdgeListener;
  /** The connection's own scheme, X-Forwarded-Proto unless a trusted proxy reports another. */
  private readonly scheme: 'http' | 'https';
  private inFlight = 0;
  private draining = false;
  private idle: (() => void) | undefined;
  /** Request bodies in progress per client address and bytes held, across reloads (edge.requestBodies). */
  private readonly intake = new BodyIntake();
  /** The gateway's client of itself, for composition steps; made once the address is known. */
  private self: SelfClient | undefined;
  /** Open WebSocket tunnels, told to go away (close 1001) when the server drains. */
  private readonly tunnels: TunnelSet = new Set();

  constructor(
    compiled: CompiledGateway,
    private readonly options: GatewayServerOptions,
  ) {
    this.table = compiled;
    this.health = new HealthChecks(compiled);
    const o = { ...SERVER_DEFAULTS, ...options };
    const t = this.clientTimeouts(compiled);
    this.server = createServer(
      {
        maxHeaderSize: o.maxHeaderBytes ?? compiled.gateway.edge.maxHeaderBytes,
        requestTimeout: t.request,
        headersTimeout: t.headers,
        keepAliveTimeout: o.keepAliveTimeoutMs,
        // How often Node looks for clients past their header/request deadline (default 30 s).
        connectionsCheckingInterval: Math.min(1_000, t.headers),
      },
      (req, res) => this.handle(req, res),
    );
    // HTTP/2 requests come as Node's compatibility objects, which have what the request path uses of these.
    const handle = this.handle.bind(this) as (req: unknown, res: unknown) => void;
    this.scheme = options.tls ? 'https' : 'http';
    this.edge = new EdgeListener(this.server, handle, compiled.gateway.listen, options.tls ?? null);
    // Past edge.maxConnections Node closes a new connection as it comes (nginx and Envoy do likewise).
    this.edge.maxConnections = compiled.gateway.edge.maxConnections;
    // A request with Upgrade and Connection: upgrade leaves the HTTP parser; ws-handshake.ts takes it on.
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      takeUpgrade(req, socket, head, (r, s, upgrade) => this.handle(r, s, upgrade)),
    );
    this.server.on('clientError', (err: Error & { code?: string }, socket: Socket) =>
      refuseClient(err, socket, this.table.problems),
    );
  }

  /**
   * The header and whole-request timeouts: the options (flags) win over the model's edge; the request's is not the
   * shorter.
   */
  private clientTimeouts(table: CompiledGateway): { headers: number; request: number } {
    const headers = this.options.headersTimeoutMs ?? table.gateway.edge.headerTimeoutMs;
    return {
      headers,
      request: Math.max(this.options.clientRequestTimeoutMs ?? table.gateway.edge.requestTimeoutMs, headers),
    };
  }

  get compiled(): CompiledGateway {
    return this.table;
  }

  async listen(): Promise<AddressInfo> {
    const address = await this.edge.start(this.options.host, this.options.port);
    this.health.start();
    this.self = new SelfClient(this.options.host, address.port, this.scheme);
    return address;
  }

  /** Renewed certificates: new handshakes get them, open connections keep theirs. */
  setCertificates(tls: LoadedTls): void {
    this.edge.setCertificates(tls);
  }

  /** Serve a new configuration from now on; the old pools close once their requests are done. */
  swap(next: CompiledGateway): void {
    const old = this.table;
    this.health.stop();
    this.table = next;
    const t = this.clientTimeouts(next);
    this.server.headersTimeout = t.headers;
    this.server.requestTimeout = t.request;
    this.edge.maxConnections = next.gateway.edge.maxConnections;
    this.health = new HealthChecks(next);
    this.health.start();
    void closeCompiled(old);
  }

  /** Stop accepting, let requests in flight finish (up to the deadline), close the pools. */
  async close(deadlineMs = 10_000): Promise<{ dropped: number }> {
    this.draining = true;
    this.health.stop();
    for (const t of this.tunnels) t.goAway('gateway shutting down');
    const closed = this.edge.stop();
    this.edge.closeIdle();
    const drained =
      this.inFlight === 0 ? Promise.resolve(true) : new Promise<boolean>((r) => (this.idle = () => r(true)));
    const late = await Promise.race([
      drained,
      new Promise<boolean>((r) => setTimeout(() => r(false), deadlineMs).unref()),
    ]);
    const dropped = late ? 0 : this.inFlight;
    this.edge.closeAll();
    await closed;
    await Promise.all([closeCompiled(this.table), this.self?.close()]);
    return { dropped };
  }

  private handle(req: IncomingMessage, res: ServerResponse, upgrade?: UpgradeRequest): void {
    const table = this.table;
    this.inFlight++;
    const flow: Flow = { forward: undefined, bodyFrom: undefined, upgrade, tunnels: this.tunnels };
    const facts = readFacts(req.rawHeaders);
    // One listener per request: count it out, give back what its body held, tell the upstream side when the client left
    // early.
    res.on('close', () => {
      flow.forward?.clientClosed();
      if (flow.bodyFrom !== undefined) this.intake.leave(flow.bodyFrom);
      if (facts.heldBytes !== undefined) this.intake.release(facts.heldBytes);
      if (--this.inFlight === 0 && this.idle) this.idle();
    });
    if (this.draining) {
      res.shouldKeepAlive = false;
      answer(
        req,
        res,
        facts,
        table.problems,
        'GW_HTTP_SHUTTING_DOWN',
        'the gateway is shutting down; retry on another instance',
      );
      return;
    }
    const peer = this.edge.peerOf(req);
    facts.peer = peer;
    if (table.clientOf === null) facts.client = peer;
    else ({ address: facts.client, proto: facts.proto } = table.clientOf(peer, req.rawHeaders));
    if (facts.step !== undefined) takeStepHeader(req.rawHeaders, facts, this.self?.secret);
    facts.proto ??= this.scheme;
    const refusal = checkHead(req, facts, table.gateway.edge);
    if (refusal !== undefined) {
      refuseHead(req, res, facts, table.problems, refusal);
      return;
    }
    // An HTTP/2 body without Content-Length is framed by its DATA frames: upstream it goes chunked.
    if (req.httpVersionMajor === 2 && facts.contentLength === undefined) facts.chunked = streamHasBody(req);
    if (table.hostCheck !== null && !table.hostCheck(facts.host)) {
      answer(req, res, facts, table.problems, 'GW_HTTP_UNKNOWN_HOST', 'this gateway does not answer for this host');
      return;
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const segments = normalizePath(q === -1 ? url : url.slice(0, q), table.gateway.edge.paths);
    if (!segments) {
      answer(req, res, facts, table.problems, 'GW_HTTP_BAD_REQUEST', 'the request path is not a valid absolute path');
      return;
    }
    // A CORS preflight for a route with `cors` is answered here, before auth and limits (src/runtime/cors.ts).
    if (facts.origin !== undefined && req.method === 'OPTIONS') {
      const wanted = req.headers['access-control-request-method'];
      const pre = typeof wanted === 'string' ? table.router.lookup(wanted, segments) : undefined;
      if (pre?.kind === 'found' && pre.value.cors !== null) {
        answerPreflight(req, res, facts, pre.value);
        return;
      }
    }
    const match = table.router.lookup(req.method ?? 'GET', segments);
    if (match.kind === 'not-found') {
      answer(req, res, facts, table.problems, 'GW_HTTP_NOT_FOUND', 'no route matches this path');
      return;
    }
    if (match.kind === 'method-not-allowed') {
      answer(req, res, facts, table.problems, 'GW_HTTP_METHOD_NOT_ALLOWED', `${req.method} is not allowed here`, {
        allow: match.allow.join(', '),
      });
      return;
    }
    const route = match.value;
    // A handshake where the model says no: refused before auth, naming the key that would allow it.
    if (facts.websocket && route.websocket === null) {
      answer(req, res, facts, table.problems, 'GW_HTTP_NOT_WEBSOCKET', notWebSocketDetail(route.id), undefined, route);
      return;
    }
    // CORS headers go on every answer of the route, the gateway's own (401, 429, ...) too.
    if (route.cors !== null) facts.responseHeaders = corsResponseHeaders(route.cors, facts.origin);
    if (facts.websocket && !handshakeOriginAllowed(route.websocket!, facts.origin)) {
      const detail = `the origin ${JSON.stringify(facts.origin)} may not open a WebSocket on this route`;
      refuse(req, res, facts, route, 'GW_HTTP_CORS_REJECTED', detail);
      return;
    }
    // Pipeline: auth, then the rest (admit). A check that has to wait (bcrypt, a JWT signature) continues when it is
    // done.
    const auth = route.auth.policy?.check(req.rawHeaders, url, q, facts.client);
    if (auth !== undefined && isPromise(auth)) {
      void auth.then((outcome) => {
        if (!req.socket.destroyed) this.admit(req, res, facts, route, match.params, url, q, outcome, flow);
      });
      return;
    }
    this.admit(req, res, facts, route, match.params, url, q, auth, flow);
  }

  /** A matched route's request after auth: 401/403, or on to the size check, the mock or the upstream. */
  private admit(
    req: IncomingMessage,
    res: ServerResponse,
    facts: RequestFacts,
    route: CompiledRoute,
    params: readonly string[],
    url: string,
    q: number,
    auth: AuthOutcome | undefined,
    flow: Flow,
  ): void {
    if (auth !== undefined) {
      if (!auth.ok) {
        refuse(req, res, facts, route, auth.code, auth.detail, authFailHeaders(auth));
        return;
      }
      if (auth.consumer !== null) facts.consumer = auth.consumer;
    }
    if (facts.contentLength !== undefined && facts.contentLength > route.maxBodyBytes) {
      res.shouldKeepAlive = false;
      refuse(
        req,
        res,
        facts,
        route,
        'GW_HTTP_PAYLOAD_TOO_LARGE',
        `the request body is larger than ${route.maxBodyBytes} bytes`,
        { connection: 'close' },
      );
      return;
    }
    const hasBody = route.mock === null && (facts.chunked || (facts.contentLength ?? 0) > 0);
    if (hasBody) {
      // A request with a body counts against its client's bodies in progress until it is answered.
      const from = facts.client;
      const most = route.edge.bodiesPerClient;
      if (!this.intake.enter(from, most)) {
        res.shouldKeepAlive = false;
        const detail = `this client already sends ${most} request bodies; wait for one to finish`;
        refuse(req, res, facts, route, 'GW_HTTP_TOO_MANY_BODIES', detail, { connection: 'close' }, undefined, false);
        return;
      }
      flow.bodyFrom = from;
    }
    // Rate limit, then validation (admission.ts); synchronous unless Redis or a body to read makes them wait.
    const go =
      route.rateLimit === null && route.validator === null
        ? true
        : admitRequest(req, res, route, facts, params, q === -1 ? '' : url.slice(q + 1), refuse, this.intake);
    if (go === true) this.proceed(req, res, facts, route, params, url, q, flow, hasBody);
    else if (go !== false) {
      go.then(
        (ok) => {
          if (ok && !req.socket.destroyed) this.proceed(req, res, facts, route, params, url, q, flow, hasBody);
        },
        () => res.destroy(),
      );
    }
  }

  /**
   * The body is read first (bufferBody in admission.ts) unless a stage has read it already, then the request goes
   * upstream.
   */
  private proceed(
    req: IncomingMessage,
    res: ServerResponse,
    facts: RequestFacts,
    route: CompiledRoute,
    params: readonly string[],
    url: string,
    q: number,
    flow: Flow,
    hasBody: boolean,
  ): void {
    const go = () => {
      flow.forward =
        route.compose !== null
          ? startComposite(req, res, facts, route, params, url, q, hasBody, this.self!)
          : dispatch(req, res, facts, route, params, url, q, flow);
    };
    if (!hasBody || facts.body !== undefined || route.edge.bodyBufferBytes === 0) {
      go();
      return;
    }
    bufferBody(req, res, facts, route, this.intake, refuse).then(
      (ok) => {
        if (ok && !req.socket.destroyed) go();
      },
      () => res.destroy(),
    );
  }
}

/**
 * What the one 'close' listener of a request needs: the upstream exchange, once there is one, and whose body it
 * counts.
 */
interface Flow {
  /** What a client that leaves early stops: the upstream exchange, or a composite's steps. */
  forward: { clientClosed(): void } | undefined;
  bodyFrom: string | undefined;
  /** The request came through 'upgrade': its socket, for a WebSocket tunnel. */
  upgrade: UpgradeRequest | undefined;
  tunnels: TunnelSet;
}

/** Hands the request to its upstream, or answers it from the spec's examples for a mocked service. */
function dispatch(
  req: IncomingMessage,
  res: ServerResponse,
  facts: RequestFacts,
  route: CompiledRoute,
  params: readonly string[],
  url: string,
  q: number,
  flow: Flow,
): Forward | undefined {
  if (route.mock) {
    const bytes = answerMock(req, res, route, facts.requestId, facts.prefer, facts.responseHeaders);
    emitAnswered(req, res, facts, route, null, bytes);
    return undefined;
  }
  let path = forwardPath(route, params);
  if (q !== -1)
    path += route.auth.dropQuery.length > 0 ? withoutQueryParams(url.slice(q), route.auth.dropQuery) : url.slice(q);
  if (flow.upgrade !== undefined && facts.websocket && route.websocket !== null) {
    new WebSocketTunnel(req, res, flow.upgrade.socket, flow.upgrade.head, route, path, facts, flow.tunnels).start();
    return undefined;
  }
  const forward = new Forward(req, res, route, path, facts);
  forward.start();
  return forward;
}

/** Whether an HTTP/2 request's headers left its stream open for a body (END_STREAM not set). */
function streamHasBody(req: IncomingMessage): boolean {
  return (req as unknown as { stream: { endAfterHeaders: boolean } }).stream.endAfterHeaders === false;
}
