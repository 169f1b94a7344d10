import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as connectTls } from 'node:tls';
import type { Code } from '../diagnostics/codes.js';
import type { CompiledRoute } from './compile.js';
import { requestChannel, type RequestEvent, websocketChannel, type WebSocketEvent } from './events.js';
import { addExtraHeaders } from './extra-headers.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { requestHead } from './h1-request-head.js';
import { H1ResponseParser, type H1ResponseHead } from './h1-response-parser.js';
import { sendProblem } from './problem.js';
import type { RequestFacts } from './proxy.js';
import { recordFailure, recordSuccess, type TargetState } from './target-state.js';
import { closeFrame, FrameTracker } from './ws-frames.js';

/** How long the peers get to answer the gateway's close frame before both connections are cut. */
const CLOSE_GRACE_MS = 1_000;

/** The open tunnels of a server, for draining (close 1001) and for the metrics gauge. */
export type TunnelSet = Set<WebSocketTunnel>;

/**
 * One WebSocket handshake tunnelled to the upstream (docs/serve.md, "WebSocket"): the handshake goes up as a GET
 * with `Upgrade: websocket` on a connection of its own, the upstream's answer comes back (a 101 switches both
 * connections to a byte tunnel; any other answer is passed on and the tunnel never opens), then bytes flow both ways
 * with backpressure until either side closes. The gateway ends a tunnel itself with close code 1001 (idle timeout,
 * maximum lifetime, shutdown), its close frame put between two frames of each direction (ws-frames.ts).
 */
export class WebSocketTunnel {
  private upstream: Socket | undefined;
  private target: TargetState | undefined;
  private readonly toUpstream = new FrameTracker();
  private readonly toClient = new FrameTracker();
  private opened = 0;
  private ending: string | undefined;
  private lifetime: NodeJS.Timeout | undefined;
  private done = false;
  /** The target counts this tunnel among its active requests (least-connections balancing). */
  private counted = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly client: Duplex,
    private readonly head: Buffer,
    private readonly route: CompiledRoute,
    private readonly path: string,
    private readonly facts: RequestFacts,
    private readonly tunnels: TunnelSet,
  ) {}

  start(): void {
    const target = this.route.upstream.balancer.pick(Date.now());
    if (!target) {
      this.fail('GW_HTTP_NO_HEALTHY_UPSTREAM', `no healthy target for service "${this.route.service}"`);
      return;
    }
    this.target = target;
    const headers = upstreamRequestHeaders(this.req.rawHeaders, {
      contentLength: undefined,
      peerIp: this.facts.peer,
      proto: this.facts.proto ?? 'http',
      host: this.facts.host,
      requestId: this.facts.requestId,
      upstreamHost: this.route.preserveHost ? undefined : target.host,
      drop: this.route.auth.dropHeaders,
      dropCookies: this.route.auth.dropCookies,
      consumer: this.facts.consumer !== undefined ? [this.route.auth.consumerHeader, this.facts.consumer] : undefined,
    });
    // The handshake's own hop-by-hop headers, which every other request loses on the way.
    headers.push('connection', 'Upgrade', 'upgrade', 'websocket');
    const text = requestHead('GET', this.path, headers);
    if (text === undefined) {
      this.fail('GW_HTTP_UPSTREAM_FAILED', `the request to service "${this.route.service}" could not be written`);
      return;
    }
    const { pool } = target;
    const options = { host: pool.host, port: pool.port, noDelay: true };
    const socket = pool.tls ? connectTls({ ...options, servername: pool.host }) : connect(options);
    this.upstream = socket;
    target.active++;
    this.counted = true;
    socket.setTimeout(pool.options.connectTimeoutMs);
    socket.once(pool.tls ? 'secureConnect' : 'connect', () => {
      socket.setTimeout(this.route.requestTimeoutMs);
      socket.write(`${text}\r\n`, 'latin1');
    });
    const parser = new H1ResponseParser({
      onHead: (h) => this.answered(h),
      onBody: (chunk) => this.res.write(chunk),
      onComplete: () => this.finishRefusal(),
      onError: () => this.upstreamFailed('protocol'),
      onUpgrade: (rest) => this.open(rest),
    });
    parser.expect(false, true);
    socket.on('data', (chunk: Buffer) => parser.execute(chunk));
    socket.once('timeout', () => this.upstreamFailed('timeout'));
    socket.once('error', () => this.upstreamFailed('connect'));
    socket.once('close', () => {
      if (this.opened === 0 && !parser.finish()) this.upstreamFailed('reset');
    });
    // The client leaving before the answer takes the upstream connection with it.
    this.client.once('close', () => this.end());
  }

  /** The upstream's answer to the handshake: a 101 opens the tunnel (open), anything else is passed on as it is. */
  private answered(head: H1ResponseHead): void {
    const target = this.target!;
    if (head.status >= 500) recordFailure(target, Date.now());
    else recordSuccess(target);
    const headers = clientResponseHeaders(head.headers, this.facts.requestId);
    const all = this.facts.responseHeaders ? addExtraHeaders(headers, this.facts.responseHeaders) : headers;
    if (head.status === 101) {
      let text = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n';
      for (let i = 0; i < all.length; i += 2) text += `${all[i]}: ${all[i + 1]}\r\n`;
      this.client.write(`${text}\r\n`, 'latin1');
      return;
    }
    this.res.writeHead(head.status, all);
  }

  private finishRefusal(): void {
    this.res.end();
    this.emitRequest(this.res.statusCode, null);
    this.upstream?.destroy();
  }

  /** The upstream switched protocols: bytes flow both ways from here on. */
  private open(rest: Buffer): void {
    const up = this.upstream!;
    const client = this.client;
    this.opened = Date.now();
    this.tunnels.add(this);
    this.emitRequest(101, null);
    this.publish('open', null);
    up.setTimeout(0);
    if (rest.length > 0) this.forward(rest, this.toClient, client, up);
    if (this.head.length > 0) this.forward(this.head, this.toUpstream, up, client);
    client.on('data', (chunk: Buffer) => this.forward(chunk, this.toUpstream, up, client));
    up.on('data', (chunk: Buffer) => this.forward(chunk, this.toClient, client, up));
    client.on('drain', () => up.resume());
    up.on('drain', () => client.resume());
    client.once('end', () => up.end());
    up.once('end', () => client.end());
    up.once('close', () => this.end());
    client.on('error', () => this.end());
    // Reads and writes both count as activity: the client's connection sees every frame of either direction.
    const { idleTimeoutMs, maxLifetimeMs } = this.route.websocket!;
    (client as Socket).setTimeout?.(idleTimeoutMs);
    client.on('timeout', () => this.goAway('idle timeout'));
    if (maxLifetimeMs !== null) this.lifetime = setTimeout(() => this.goAway('maximum lifetime'), maxLifetimeMs);
  }

  private forward(chunk: Buffer, tracker: FrameTracker, to: Duplex, from: Duplex): void {
    if (this.ending !== undefined) return;
    tracker.feed(chunk);
    if (!to.write(chunk)) from.pause();
  }

  /**
   * The gateway ends the tunnel (idle, lifetime, shutdown): a close frame 1001 to each side, at the next frame
   * boundary of its direction, then both connections are cut after a grace for the peers' replies.
   */
  goAway(why: string): void {
    if (this.ending !== undefined || this.done) return;
    this.ending = why;
    const frameTo = (to: Duplex, tracker: FrameTracker, masked: boolean) => {
      if (tracker.atBoundary && !tracker.closeSeen) to.write(closeFrame(1001, why, masked));
    };
    frameTo(this.client, this.toClient, false);
    if (this.upstream) frameTo(this.upstream, this.toUpstream, true);
    setTimeout(() => this.end(), CLOSE_GRACE_MS).unref();
  }

  private end(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.lifetime);
    if (this.counted) this.target!.active--;
    this.counted = false;
    this.upstream?.destroy();
    this.client.destroy();
    if (this.opened > 0) {
      this.tunnels.delete(this);
      this.publish('close', this.ending ?? 'closed');
    }
  }

  private upstreamFailed(kind: 'connect' | 'timeout' | 'reset' | 'protocol'): void {
    if (this.done || this.opened > 0) {
      this.end();
      return;
    }
    recordFailure(this.target!, Date.now());
    if (this.res.headersSent) {
      this.end();
      return;
    }
    if (kind === 'timeout')
      this.fail('GW_HTTP_UPSTREAM_TIMEOUT', `service "${this.route.service}" did not answer in time`);
    else this.fail('GW_HTTP_UPSTREAM_FAILED', `service "${this.route.service}" could not be reached`);
  }

  private fail(code: Code, detail: string): void {
    this.upstream?.destroy();
    sendProblem(this.res, this.route.problems, code, detail, this.facts.requestId);
    this.emitRequest(this.res.statusCode, code);
  }

  private emitRequest(status: number, code: string | null): void {
    if (!requestChannel.hasSubscribers) return;
    requestChannel.publish({
      time: Date.now(),
      requestId: this.facts.requestId,
      client: this.facts.client,
      method: 'GET',
      path: this.req.url ?? '',
      route: this.route.id,
      service: this.route.service,
      target: this.target?.url ?? null,
      status,
      durationMs: performance.now() - this.facts.start,
      bytesIn: 0,
      bytesOut: 0,
      code,
      consumer: this.facts.consumer ?? null,
    } satisfies RequestEvent);
  }

  private publish(kind: WebSocketEvent['kind'], reason: string | null): void {
    if (!websocketChannel.hasSubscribers) return;
    websocketChannel.publish({
      kind,
      route: this.route.id,
      service: this.route.service,
      reason,
      durationMs: kind === 'close' ? Date.now() - this.opened : 0,
    } satisfies WebSocketEvent);
  }
}
