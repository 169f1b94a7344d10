import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

/**
 * A lean HTTP/1.1 keep-alive client for the proxy path, in place of undici's Pool.dispatch: the
 * request head goes out as one string, the response head is parsed once into a flat header list,
 * and body chunks flow straight to the handler with socket-level backpressure. It does what a
 * gateway's upstream side needs and nothing else: no redirects, no caching, no pipelining.
 * Measured in a prototype at about 1.2x undici's throughput on the same proxy.
 */

export interface H1Request {
  method: string;
  path: string;
  /** Flat [name, value, name, value, ...]; must carry content-length when `body` has a known length. */
  headers: string[];
  /** null: no body; a Readable with a content-length header; or an async iterable sent chunked. */
  body: NodeJS.ReadableStream | AsyncIterable<Buffer> | null;
  /** Time allowed for the response head, and between body chunks. */
  headersTimeout: number;
  bodyTimeout: number;
}

export interface H1Handler {
  onConnect(abort: (err?: Error) => void): void;
  /** Flat [name, value, ...] of the response; return false to pause, call `resume` to go on. */
  onHeaders(statusCode: number, headers: string[], resume: () => void): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(): void;
  onError(err: Error & { code?: string }): void;
}

/** Connections to one target at most, unless `gw serve --upstream-connections` (UPSTREAM_CONNECTIONS) says otherwise. */
export const DEFAULT_UPSTREAM_CONNECTIONS = 256;

export interface H1PoolOptions {
  connections: number;
  connectTimeoutMs: number;
  /** Idle keep-alive sockets are closed after this (or sooner when the upstream says so). */
  keepAliveMs: number;
}

function codedError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

export class H1Pool {
  private readonly idle: H1Connection[] = [];
  private readonly queue: Queued[] = [];
  private open = 0;
  private closed = false;
  private drained: (() => void) | undefined;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;

  constructor(
    origin: string,
    readonly options: H1PoolOptions,
  ) {
    const u = new URL(origin);
    this.tls = u.protocol === 'https:';
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(u.port || (this.tls ? 443 : 80));
  }

  /**
   * A closed pool still serves what is sent to it (a retry of a request that started before a hot
   * reload); it only stops keeping idle connections, and `close()` resolves when the last one is gone.
   */
  dispatch(request: H1Request, handler: H1Handler): void {
    const conn = this.idle.pop();
    if (conn) conn.run(request, handler);
    else if (this.open < this.options.connections) {
      this.open++;
      new H1Connection(this).run(request, handler);
    } else this.enqueue(request, handler);
  }

  /** Waits for a free connection; abortable (the client left) and bounded by the head timeout. */
  private enqueue(request: H1Request, handler: H1Handler): void {
    const entry: Queued = { request, handler, timer: undefined };
    const leave = (err: Error) => {
      const i = this.queue.indexOf(entry);
      if (i === -1) return;
      this.queue.splice(i, 1);
      clearTimeout(entry.timer);
      handler.onError(err as Error & { code?: string });
    };
    entry.timer = setTimeout(() => leave(codedError('UND_ERR_HEADERS_TIMEOUT', 'no free connection in time')), request.headersTimeout);
    entry.timer.unref();
    handler.onConnect((err) => leave(err ?? codedError('UND_ERR_ABORTED', 'aborted')));
    this.queue.push(entry);
  }

  /** The next queued request, its wait over. */
  private dequeue(): Queued | undefined {
    const next = this.queue.shift();
    if (next) clearTimeout(next.timer);
    return next;
  }

  /** A connection finished a request and may be reused. */
  release(conn: H1Connection): void {
    const next = this.dequeue();
    if (next) conn.run(next.request, next.handler);
    else if (this.closed) conn.destroy();
    else {
      this.idle.push(conn);
      conn.idleSince();
    }
  }

  /** A connection is gone (closed, failed, or too old to reuse). */
  forget(conn: H1Connection): void {
    const i = this.idle.indexOf(conn);
    if (i !== -1) this.idle.splice(i, 1);
    this.open--;
    const next = this.dequeue();
    if (next) {
      this.open++;
      new H1Connection(this).run(next.request, next.handler);
    }
    if (this.open === 0) this.drained?.();
  }

  /** Stops taking requests; resolves once the connections in use are done. */
  close(): Promise<void> {
    this.closed = true;
    for (const c of this.idle.splice(0)) c.destroy();
    if (this.open === 0) return Promise.resolve();
    return new Promise((r) => (this.drained = r));
  }
}

interface Queued {
  request: H1Request;
  handler: H1Handler;
  timer: NodeJS.Timeout | undefined;
}

const enum State {
  Idle,
  Head,
  Body,
}

class H1Connection {
  private readonly socket: Socket;
  private handler: H1Handler | undefined;
  private request: H1Request | undefined;
  private state = State.Idle;
  private head: Buffer | undefined;
  /** Body framing: bytes left (content-length), -1 chunked, -2 until close. */
  private remaining = 0;
  private chunkLeft = 0;
  private chunkBuf: Buffer | undefined;
  private keepAlive = true;
  private keepAliveMs: number;
  private timer: NodeJS.Timeout | undefined;
  private requestBodyDone = true;
  private dead = false;
  /** Requests this connection served before the current one (a reused connection may be stale). */
  private served = 0;
  /** Bytes of the current response seen so far. */
  private seen = 0;
  private paused = false;
  /** Stops feeding the request body (the connection is going away). */
  private stopBody: (() => void) | undefined;

  constructor(private readonly pool: H1Pool) {
    this.keepAliveMs = pool.options.keepAliveMs;
    const opts = { host: pool.host, port: pool.port, noDelay: true };
    this.socket = pool.tls ? connectTls({ ...opts, servername: pool.host }) : connect(opts);
    this.socket.setNoDelay(true);
    this.arm(pool.options.connectTimeoutMs, 'UND_ERR_CONNECT_TIMEOUT', 'connecting timed out');
    this.socket.once(pool.tls ? 'secureConnect' : 'connect', () => {
      if (this.state === State.Head && this.requestBodyDone) this.armHead();
      else clearTimeout(this.timer);
    });
    // A body delimited by the connection closing ends here.
    this.socket.on('end', () => {
      if (this.state === State.Body && this.remaining === -2) this.finish();
    });
    this.socket.on('data', (d: Buffer) => {
      // A handler that throws (say, on a header Node refuses to forward) fails this request, never the process.
      try {
        this.onData(d);
      } catch (err) {
        this.fail(err as Error);
      }
    });
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.fail(codedError('ECONNRESET', 'the upstream closed the connection')));
  }

  run(request: H1Request, handler: H1Handler): void {
    this.request = request;
    this.handler = handler;
    this.state = State.Head;
    this.head = undefined;
    this.keepAlive = true;
    this.seen = 0;
    this.requestBodyDone = request.body === null;
    // The wait for the answer starts once the request is sent, body included (slow uploads are the
    // client-side request timeout's business, not the upstream's).
    if (!this.socket.connecting && this.requestBodyDone) this.armHead();
    else if (!this.socket.connecting) clearTimeout(this.timer);
    handler.onConnect((err) => this.fail(err ?? codedError('UND_ERR_ABORTED', 'aborted')));
    if (this.dead) return;
    let text = `${request.method} ${request.path} HTTP/1.1\r\n`;
    const h = request.headers;
    for (let i = 0; i < h.length; i += 2) text += `${h[i]}: ${h[i + 1]}\r\n`;
    const body = request.body;
    if (body === null) {
      this.socket.write(text + '\r\n', 'latin1');
      return;
    }
    if (Symbol.asyncIterator in body && !('pipe' in body)) {
      this.socket.write(text + 'transfer-encoding: chunked\r\n\r\n', 'latin1');
      void this.sendChunked(body as AsyncIterable<Buffer>);
    } else {
      this.socket.write(text + '\r\n', 'latin1');
      this.sendStream(body as NodeJS.ReadableStream);
    }
  }

  private sendStream(body: NodeJS.ReadableStream): void {
    const onData = (chunk: Buffer) => {
      if (!this.socket.write(chunk)) {
        body.pause();
        this.socket.once('drain', () => body.resume());
      }
    };
    const onEnd = () => {
      body.off('data', onData);
      this.stopBody = undefined;
      this.bodySent();
    };
    // If the connection goes first, let the rest of the body drain so the client's connection stays sane.
    this.stopBody = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.resume();
    };
    body.on('data', onData);
    body.once('end', onEnd);
  }

  private bodySent(): void {
    this.requestBodyDone = true;
    if (this.state === State.Head && !this.dead) this.armHead();
  }

  private armHead(): void {
    this.arm(this.request!.headersTimeout, 'UND_ERR_HEADERS_TIMEOUT', 'no response head in time');
  }

  private async sendChunked(body: AsyncIterable<Buffer>): Promise<void> {
    try {
      for await (const chunk of body) {
        if (this.dead) return;
        if (chunk.length === 0) continue;
        const ok = this.socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1') && this.socket.write(chunk) && this.socket.write('\r\n', 'latin1');
        if (!ok) await new Promise((r) => this.socket.once('drain', r));
      }
      if (this.dead) return;
      this.socket.write('0\r\n\r\n', 'latin1');
      this.bodySent();
    } catch (err) {
      this.fail(err as Error);
    }
  }

  idleSince(): void {
    this.state = State.Idle;
    this.handler = undefined;
    this.request = undefined;
    this.served++;
    this.arm(this.keepAliveMs, '', '');
  }

  /** Closes the socket and leaves the pool, once. */
  destroy(): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.timer);
    this.stopBody?.();
    this.socket.destroy();
    this.pool.forget(this);
  }

  /** One timer per connection: connect, head, body gap, or idle keep-alive. An empty code closes quietly. */
  private arm(ms: number, code: string, message: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (code ? this.fail(codedError(code, message)) : this.destroy()), ms);
    this.timer.unref();
  }

  private fail(err: Error): void {
    if (this.dead) return;
    const handler = this.handler;
    const busy = this.state !== State.Idle;
    // A reused connection that fails before a byte of the answer: the upstream had closed it idle.
    const stale = busy && this.served > 0 && this.seen === 0 && this.state === State.Head;
    this.handler = undefined;
    this.destroy();
    if (handler && busy) handler.onError(Object.assign(err, stale ? { stale: true } : {}) as Error & { code?: string });
  }

  private onData(data: Buffer): void {
    this.seen += data.length;
    if (this.state === State.Idle) {
      this.fail(codedError('UND_ERR_SOCKET', 'the upstream sent bytes nobody asked for'));
      return;
    }
    if (this.state === State.Head) {
      const buf = this.head ? Buffer.concat([this.head, data]) : data;
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) {
        if (buf.length > 64 * 1024) this.fail(codedError('UND_ERR_HEADERS_OVERFLOW', 'the response head is too large'));
        else this.head = buf;
        return;
      }
      this.head = undefined;
      if (!this.parseHead(buf.toString('latin1', 0, end), buf.length - end - 4)) return;
      data = buf.subarray(end + 4);
      if (this.state === State.Head) {
        // An interim 1xx answer: the real head follows.
        if (data.length > 0) this.onData(data);
        return;
      }
      // A body-less answer is already finished (and the connection maybe reused): nothing more here.
      if (this.state !== State.Body || this.dead) return;
    }
    if (!this.paused) this.armBody();
    this.body(data);
  }

  /** Status line and headers; sets the body framing. false when the head is malformed (handled). */
  private parseHead(text: string, bytesAfterHead: number): boolean {
    const lines = text.split('\r\n');
    const status = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]!);
    if (!status) {
      this.fail(codedError('UND_ERR_SOCKET', 'the upstream answered something that is not HTTP/1.x'));
      return false;
    }
    const code = Number(status[2]);
    if (code >= 100 && code < 200 && code !== 101) return true;
    if (status[1] === '0') this.keepAlive = false;
    const headers: string[] = [];
    let contentLength: number | undefined;
    let chunked = false;
    let framingError = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      const lower = name.length >= 10 && name.length <= 17 ? name.toLowerCase() : '';
      if (lower === 'content-length') {
        // Strict, as RFC 9112 asks: digits only, and duplicates must agree.
        const n = /^\d+$/.test(value) ? Number(value) : NaN;
        if (Number.isNaN(n) || (contentLength !== undefined && contentLength !== n)) framingError = true;
        contentLength = n;
        continue; // the gateway frames the client's answer itself
      } else if (lower === 'transfer-encoding') {
        // Chunked counts only as the last coding; any other coding leaves the body delimited by close.
        chunked = /(^|,)\s*chunked\s*$/i.test(value);
        if (!chunked) this.keepAlive = false;
      } else if (lower === 'connection' && /close/i.test(value)) this.keepAlive = false;
      else if (lower === 'keep-alive') {
        const t = /timeout=(\d+)/i.exec(value);
        if (t) this.keepAliveMs = Math.min(this.pool.options.keepAliveMs, Math.max(Number(t[1]) * 1000 - 500, 0));
      }
      headers.push(name, value);
    }
    if (framingError) {
      this.fail(codedError('UND_ERR_SOCKET', 'the upstream sent an invalid Content-Length'));
      return false;
    }
    // Transfer-Encoding wins over Content-Length, and such a connection is not trusted again.
    if (chunked && contentLength !== undefined) this.keepAlive = false;
    const length = chunked ? -1 : (contentLength ?? -2);
    if (!chunked && contentLength !== undefined) headers.push('Content-Length', String(contentLength));
    const noBody = this.request!.method === 'HEAD' || code === 204 || code === 304;
    // A body-less answer followed by more bytes is out of step; and upstreams that wrongly send a body
    // with a HEAD answer may send it later, so a connection that served a HEAD is not reused either.
    if ((noBody && bytesAfterHead > 0) || this.request!.method === 'HEAD') this.keepAlive = false;
    this.remaining = noBody ? 0 : length;
    if (this.remaining === -2) this.keepAlive = false;
    this.chunkLeft = 0;
    this.chunkBuf = undefined;
    this.state = State.Body;
    const handler = this.handler!;
    const paused = handler.onHeaders(code, headers, () => this.handler === handler && this.resume()) === false;
    if (this.dead) return false;
    if (paused) this.pause();
    if (this.remaining === 0) this.finish();
    return true;
  }

  private body(data: Buffer): void {
    if (this.state !== State.Body || data.length === 0) return;
    if (this.remaining >= 0) {
      // Bytes past the declared length: the upstream cannot be trusted with another request.
      if (data.length > this.remaining) this.keepAlive = false;
      const take = data.length <= this.remaining ? data : data.subarray(0, this.remaining);
      this.remaining -= take.length;
      this.deliver(take);
      if (this.remaining === 0) this.finish();
      return;
    }
    if (this.remaining === -2) {
      this.deliver(data);
      return;
    }
    this.chunked(data);
  }

  /** Decodes chunked framing: size line, data, CRLF, ..., a zero-size chunk and the trailers. */
  private chunked(data: Buffer): void {
    let buf = this.chunkBuf ? Buffer.concat([this.chunkBuf, data]) : data;
    this.chunkBuf = undefined;
    while (buf.length > 0 && this.state === State.Body) {
      if (this.chunkLeft > 0) {
        const take = buf.length <= this.chunkLeft ? buf : buf.subarray(0, this.chunkLeft);
        this.chunkLeft -= take.length;
        buf = buf.subarray(take.length);
        this.deliver(take);
        if (this.chunkLeft === 0) this.chunkLeft = -1; // expect the CRLF after the data
        continue;
      }
      const eol = buf.indexOf('\r\n');
      if (eol === -1) break;
      if (this.chunkLeft === -1) {
        buf = buf.subarray(eol + 2);
        this.chunkLeft = 0;
        continue;
      }
      const sizeText = buf.toString('latin1', 0, eol).split(';')[0]!.trim();
      const size = /^[0-9a-f]{1,12}$/i.test(sizeText) ? parseInt(sizeText, 16) : NaN;
      if (Number.isNaN(size)) {
        this.fail(codedError('UND_ERR_SOCKET', 'bad chunked encoding from the upstream'));
        return;
      }
      if (size === 0) {
        // Trailers (ignored) end with an empty line.
        const end = buf.indexOf('\r\n\r\n', eol);
        if (end === -1 && buf.subarray(eol + 2, eol + 4).toString('latin1') !== '\r\n') break;
        if (end !== -1 && buf.length > end + 4) this.keepAlive = false;
        this.finish();
        return;
      }
      buf = buf.subarray(eol + 2);
      this.chunkLeft = size;
    }
    if (buf.length > 0 && this.state === State.Body) this.chunkBuf = buf;
  }

  private deliver(chunk: Buffer): void {
    if (this.handler!.onData(chunk) === false) this.pause();
  }

  /** Backpressure from the client: stop reading, and stop the body clock (a slow client is not a slow upstream). */
  private pause(): void {
    this.paused = true;
    clearTimeout(this.timer);
    this.socket.pause();
  }

  private resume(): void {
    if (!this.paused || this.dead) return;
    this.paused = false;
    if (this.state === State.Body) this.armBody();
    this.socket.resume();
  }

  private armBody(): void {
    this.arm(this.request!.bodyTimeout, 'UND_ERR_BODY_TIMEOUT', 'the response body stalled');
  }

  private finish(): void {
    const handler = this.handler!;
    clearTimeout(this.timer);
    this.state = State.Idle;
    this.handler = undefined;
    this.paused = false;
    if (this.socket.isPaused()) this.socket.resume();
    // Reuse only a clean connection: keep-alive, framed body, request body fully sent.
    const reusable = this.keepAlive && this.requestBodyDone && !this.dead;
    if (!reusable) this.destroy();
    handler.onComplete();
    if (reusable) this.pool.release(this);
  }
}
