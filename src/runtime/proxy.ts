import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Code } from '../diagnostics/codes.js';
import type { CompiledRoute } from './compile.js';
import { requestChannel, upstreamErrorChannel, type RequestEvent, type UpstreamErrorEvent } from './events.js';
import { addExtraHeaders, extraHeadersRecord } from './extra-headers.js';
import { redactQueryParams } from './auth/strip-credentials.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { sendProblem } from './problem.js';
import { UPSTREAM_ERRORS, type H1Handler } from './h1-pool.js';
import { StreamedBody, type BodyWatcher } from './streamed-body.js';
import { recordFailure, recordSuccess, type TargetState } from './target-state.js';

/** Facts about the incoming request, read once from its raw headers. */
export interface RequestFacts {
  requestId: string;
  /** The client's address: the TCP peer's, or the one trusted proxies forwarded (edge.trustedProxies). */
  client: string;
  /**
   * The TCP peer's address, appended to X-Forwarded-For; for a composition step, the caller's (from X-Gw-Step), not
   * the gateway's loopback.
   */
  peer: string;
  /** The scheme a trusted proxy reported in X-Forwarded-Proto, else the connection's own. */
  proto?: 'http' | 'https';
  host: string;
  contentLength: number | undefined;
  /** The Content-Type header (the first, when there are two: checkHead refuses those). */
  contentType: string | undefined;
  chunked: boolean;
  /** What checkHead must judge (read-facts.ts bits): two Hosts, an odd Transfer-Encoding, "_" in a name, ... */
  oddities: number;
  /** The request asks to switch to WebSocket (`Upgrade: websocket`): a handshake. */
  websocket: boolean;
  /** The Prefer header, for mocks (code=NNN). */
  prefer: string | undefined;
  start: number;
  /** The Origin header, for CORS. */
  origin?: string;
  /** The authenticated caller (set by the auth stage), for rate limits keyed by consumer. */
  consumer?: string;
  /** Headers the gateway adds to the answer, whoever gives it (RateLimit-*, CORS). */
  responseHeaders?: readonly string[];
  /**
   * The body, when a stage read it whole (validation, or a body within edge.bodyBufferBytes); sent instead of the
   * stream.
   */
  body?: Buffer;
  /** The first part of a larger body, read before the upstream connection was taken; the rest streams after it. */
  bodyHead?: Buffer;
  /** Bytes of this request's body counted in the gateway's memory for bodies, given back when it is answered. */
  heldBytes?: number;
  /** The X-Gw-Step header of a composition step's request (compose/self-client.ts); judged and removed by server.ts. */
  step?: string;
}

class PayloadTooLargeError extends Error {
  readonly code = 'GW_PAYLOAD_TOO_LARGE';
}

/** The client stopped sending its body while the upstream waited for it (edge.bodyTimeoutMs). */
class BodyStalledError extends Error {
  readonly code = 'GW_BODY_STALLED';
}

/** Connection failures, retried on another target. An answer that breaks HTTP is not retried (nginx's default too). */
const RETRYABLE = new Set<string>([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  UPSTREAM_ERRORS.connectTimeout,
]);
const TIMEOUTS = new Set<string>([
  UPSTREAM_ERRORS.connectTimeout,
  UPSTREAM_ERRORS.headersTimeout,
  UPSTREAM_ERRORS.bodyTimeout,
]);

/** How an upstream failure is counted (the `kind` of gw:upstream-error and of gw_upstream_errors_total). */
function failureKind(code: string): UpstreamErrorEvent['kind'] {
  if (TIMEOUTS.has(code)) return 'timeout';
  if (code === UPSTREAM_ERRORS.protocol) return 'protocol';
  return code === 'ECONNREFUSED' ? 'connect' : 'reset';
}

/**
 * One request on its way upstream and back: picks a target, streams the body up and the answer
 * down (backpressure both ways, nothing buffered), retries a connection failure on another target
 * when the method is idempotent and nothing was sent yet, and maps failures to 502/503/504.
 * Implements the upstream client's handler (h1-pool.ts): the response arrives as a flat header list.
 */
export class Forward implements H1Handler, BodyWatcher {
  private target: TargetState | undefined;
  private attempt = 0;
  private abortUpstream: ((err?: Error) => void) | undefined;
  private bytesOut = 0;
  private done = false;
  private readonly hasBody: boolean;
  private resume: (() => void) | undefined;
  /**
   * The answer's status and headers, then its latest body chunk, held only until the end of the
   * upstream read they came in (`flush`): an answer that arrives whole goes out in one write, a
   * stream goes out as it comes, and a framing error found in the same read still gets a clean 502.
   */
  private status = 0;
  private headers: string[] | undefined;
  private held: Buffer | undefined;
  /** The request body, when it streams from the client. */
  private streamed: StreamedBody | undefined;
  /** Made the first time the client does not take the answer as fast as it comes. */
  private drained: (() => void) | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly route: CompiledRoute,
    private readonly path: string,
    private readonly facts: RequestFacts,
  ) {
    this.hasBody = facts.chunked || (facts.contentLength ?? 0) > 0;
  }

  /** The client went away (the server's one 'close' listener calls this). */
  clientClosed(): void {
    if (!this.done) this.abortUpstream?.(new Error('client closed the connection'));
  }

  start(): void {
    const target = this.route.upstream.balancer.pick(Date.now());
    if (!target) {
      this.fail('GW_HTTP_NO_HEALTHY_UPSTREAM', `no healthy target for service "${this.route.service}"`);
      return;
    }
    this.send(target);
  }

  private send(target: TargetState): void {
    this.target = target;
    target.active++;
    const headers = upstreamRequestHeaders(this.req.rawHeaders, {
      contentLength: this.facts.chunked ? undefined : this.facts.contentLength,
      peerIp: this.facts.peer,
      proto: this.facts.proto ?? 'http',
      host: this.facts.host,
      requestId: this.facts.requestId,
      upstreamHost: this.route.preserveHost ? undefined : target.host,
      drop: this.route.auth.dropHeaders,
      dropCookies: this.route.auth.dropCookies,
      consumer: this.facts.consumer !== undefined ? [this.route.auth.consumerHeader, this.facts.consumer] : undefined,
    });
    target.pool.dispatch(
      {
        path: this.path,
        method: this.req.method ?? 'GET',
        headers,
        body: this.hasBody ? this.body() : null,
        headersTimeout: this.route.requestTimeoutMs,
        bodyTimeout: this.route.requestTimeoutMs,
      },
      this,
    );
  }

  /**
   * The request body: from memory when it was read whole, else what was read first and then the
   * rest as the client sends it, timed and counted (streamed-body.ts). A chunked body goes up
   * chunked (h1-pool.ts frames an async iterable so), one with a Content-Length as it came.
   */
  private body(): NodeJS.ReadableStream | AsyncIterable<Buffer> {
    if (this.facts.body !== undefined) return Readable.from([this.facts.body]);
    const { maxBodyBytes, edge } = this.route;
    const stream = new StreamedBody(this.req, this.facts.bodyHead, maxBodyBytes, edge.bodyTimeoutMs, this);
    this.streamed = stream;
    return this.facts.chunked ? { [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator]() } : stream;
  }

  bodyStalled(): void {
    if (!this.done) this.abortUpstream?.(new BodyStalledError(`no body bytes for ${this.route.edge.bodyTimeoutMs} ms`));
  }

  bodyTooLarge(): void {
    if (!this.done)
      this.abortUpstream?.(new PayloadTooLargeError(`request body over ${this.route.maxBodyBytes} bytes`));
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
  }

  onHeaders(statusCode: number, rawHeaders: string[], resume: () => void): boolean {
    const target = this.target!;
    if (statusCode >= 500) this.noteFailure(target, 'status');
    else recordSuccess(target);
    const headers = clientResponseHeaders(rawHeaders, this.facts.requestId);
    this.status = statusCode;
    this.headers = this.facts.responseHeaders ? addExtraHeaders(headers, this.facts.responseHeaders) : headers;
    this.resume = resume;
    // The upstream answers before the client finished its body: that connection cannot be kept.
    if (this.hasBody && !this.req.complete) this.res.shouldKeepAlive = false;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.bytesOut += chunk.length;
    const previous = this.held;
    this.held = chunk;
    return previous === undefined || this.write(previous);
  }

  flush(): boolean {
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) return this.write(held);
    // Only the head came: send it now (an event stream's client waits for it).
    if (this.headers !== undefined && this.sendHead()) this.res.flushHeaders();
    return true;
  }

  onComplete(): void {
    this.target!.active--;
    if (this.headers !== undefined && !this.sendHead()) return;
    this.done = true;
    this.res.end(this.held);
    this.held = undefined;
    // What the client has not taken yet still has edge.sendTimeoutMs to go.
    if (this.res.writableLength > 0) clientTimeout(this.res, this.route.edge.sendTimeoutMs);
    this.emit(this.res.statusCode, null);
  }

  private write(chunk: Buffer): boolean {
    if (this.headers !== undefined && !this.sendHead()) return false;
    if (this.res.write(chunk)) return true;
    this.waitForClient();
    return false;
  }

  /**
   * The client is not taking the answer as fast as it comes: go on once it has, but wait at most
   * edge.sendTimeoutMs. The socket's own timeout does it: unheard, Node destroys the socket, and
   * clientClosed closes the upstream connection.
   */
  private waitForClient(): void {
    clientTimeout(this.res, this.route.edge.sendTimeoutMs);
    this.drained ??= () => {
      clientTimeout(this.res, 0);
      this.resume!();
    };
    this.res.once('drain', this.drained);
  }

  /** writeHead with the held status and headers; false (and a 502 sent) when Node refuses a header. */
  private sendHead(): boolean {
    const headers = this.headers!;
    this.headers = undefined;
    try {
      this.res.writeHead(this.status, headers);
      return true;
    } catch {
      this.held = undefined;
      this.fail(
        'GW_HTTP_UPSTREAM_FAILED',
        `service "${this.route.service}" answered with a header that cannot be forwarded`,
      );
      this.abortUpstream?.(new Error('unforwardable response header'));
      return false;
    }
  }

  onError(err: Error & { code?: string; stale?: boolean }): void {
    const target = this.target;
    if (!target) return;
    target.active--;
    if (this.done) return;
    if (err instanceof PayloadTooLargeError) {
      this.fail('GW_HTTP_PAYLOAD_TOO_LARGE', `the request body is larger than ${this.route.maxBodyBytes} bytes`, {
        connection: 'close',
      });
      return;
    }
    if (err instanceof BodyStalledError) {
      // 408 and the client's connection closes (at once, when the answer had begun): both sides are done.
      this.fail('GW_HTTP_REQUEST_TIMEOUT', `the client sent no body bytes for ${this.route.edge.bodyTimeoutMs} ms`, {
        connection: 'close',
      });
      return;
    }
    this.held = undefined;
    this.headers = undefined;
    if (err.message === 'client closed the connection' || this.req.socket.destroyed) {
      this.done = true;
      if (this.res.headersSent) this.res.destroy();
      this.emit(499, null);
      return;
    }
    const code = err.code ?? '';
    if (code === UPSTREAM_ERRORS.requestInvalid) {
      // gw's own request could not be written safely: nothing was sent, and the target is not to blame.
      this.fail('GW_HTTP_UPSTREAM_FAILED', `the request to service "${this.route.service}" could not be written`);
      return;
    }
    const kind = failureKind(code);
    this.noteFailure(target, kind);
    if (this.res.headersSent) {
      // Part of the answer is on its way: the client's connection is cut, never finished as if complete.
      this.done = true;
      this.res.destroy(err);
      this.emit(this.res.statusCode, 'GW_HTTP_UPSTREAM_FAILED');
      return;
    }
    // Retried only while the upstream has not begun to answer (nothing of it reached the client either).
    const retry = this.status === 0 && RETRYABLE.has(code) && !this.hasBody && this.attempt < this.route.retries;
    // A kept-alive connection the upstream had just closed: the request never reached it, so the same target may try
    // again.
    const next = retry
      ? (this.route.upstream.balancer.pick(Date.now(), target) ?? (err.stale ? target : undefined))
      : undefined;
    if (next) {
      this.attempt++;
      this.send(next);
      return;
    }
    if (kind === 'timeout')
      this.fail('GW_HTTP_UPSTREAM_TIMEOUT', `service "${this.route.service}" did not answer in time`);
    else if (kind === 'protocol')
      this.fail('GW_HTTP_UPSTREAM_FAILED', `service "${this.route.service}" sent an answer that is not valid HTTP/1.1`);
    else this.fail('GW_HTTP_UPSTREAM_FAILED', `service "${this.route.service}" could not be reached`);
  }

  private noteFailure(target: TargetState, kind: UpstreamErrorEvent['kind']): void {
    // The last target of an upstream is never ejected: a few 500s must not take a service down.
    if (this.route.upstream.targets.length > 1) recordFailure(target, Date.now());
    if (upstreamErrorChannel.hasSubscribers) {
      upstreamErrorChannel.publish({
        upstream: this.route.upstream.id,
        target: target.url,
        kind,
      } satisfies UpstreamErrorEvent);
    }
  }

  private fail(code: Code, detail: string, headers?: Record<string, string>): void {
    this.done = true;
    // A body still coming is not read on: the client's connection closes after this answer.
    if (this.streamed !== undefined && !this.req.complete) {
      this.streamed.stop();
      this.res.shouldKeepAlive = false;
    }
    sendProblem(
      this.res,
      this.route.problems,
      code,
      detail,
      this.facts.requestId,
      this.facts.responseHeaders ? { ...extraHeadersRecord(this.facts.responseHeaders), ...headers } : headers,
    );
    this.emit(this.res.statusCode, code);
  }

  private emit(status: number, code: string | null): void {
    if (!requestChannel.hasSubscribers) return;
    requestChannel.publish({
      time: Date.now(),
      requestId: this.facts.requestId,
      client: this.facts.client,
      method: this.req.method ?? '',
      path:
        this.route.auth.logRedact.length > 0
          ? redactQueryParams(this.req.url ?? '', this.route.auth.logRedact)
          : (this.req.url ?? ''),
      route: this.route.id,
      service: this.route.service,
      target: this.target?.url ?? null,
      status,
      durationMs: performance.now() - this.facts.start,
      bytesIn: this.streamed?.received || (this.facts.contentLength ?? 0),
      bytesOut: this.bytesOut,
      code,
      consumer: this.facts.consumer ?? null,
    } satisfies RequestEvent);
  }
}

/**
 * How long the client may leave the answer untaken: its socket's timeout (Node destroys a socket that times out), or
 * over HTTP/2 its stream's, which the edge listener cancels when it times out (edge-listener.ts).
 */
function clientTimeout(res: ServerResponse, ms: number): void {
  const stream = (res as { stream?: { setTimeout(ms: number): void } }).stream;
  if (stream !== undefined) stream.setTimeout(ms);
  else res.socket?.setTimeout(ms);
}
