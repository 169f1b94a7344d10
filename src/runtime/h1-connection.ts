import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import {
  H1ResponseParser,
  type H1ProtocolError,
  type H1ResponseEvents,
  type H1ResponseHead,
} from './h1-response-parser.js';
import { requestHead } from './h1-request-head.js';
import { codedError, UPSTREAM_ERRORS, type H1Handler, type H1PoolOptions, type H1Request } from './h1-handler.js';

/** What a connection needs from its pool (kept as an interface so the two modules do not import each other). */
export interface ConnectionOwner {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly options: H1PoolOptions;
  /** The answer is complete and the connection clean: hand it on once the bytes already received are read. */
  settle(conn: H1Connection): void;
  /** The connection is gone. */
  forget(conn: H1Connection): void;
}

enum State {
  Idle,
  Head,
  Body,
}

/**
 * One keep-alive socket to a target, one request at a time. The answer is read by an
 * H1ResponseParser; this class owns the socket, the timers, backpressure and the rule for reuse:
 * only after a complete answer, with the request body sent, and never with unread bytes (the
 * parser refuses any byte after a complete answer, and the pool hands the connection on only
 * after the reads already due are done).
 */
export class H1Connection implements H1ResponseEvents {
  private readonly socket: Socket;
  private readonly parser = new H1ResponseParser(this);
  private handler: H1Handler | undefined;
  private request: H1Request | undefined;
  private state = State.Idle;
  private keepAlive = true;
  private keepAliveMs: number;
  private timer: NodeJS.Timeout | undefined;
  private timerCode = '';
  private requestBodyDone = true;
  private dead = false;
  /** Requests this connection served before the current one (a reused connection may be stale). */
  private served = 0;
  /** Bytes of the current answer seen so far. */
  private seen = 0;
  private paused = false;
  /** Stops feeding the request body (the connection is going away). */
  private stopBody: (() => void) | undefined;

  constructor(private readonly owner: ConnectionOwner) {
    this.keepAliveMs = owner.options.keepAliveMs;
    const opts = { host: owner.host, port: owner.port, noDelay: true };
    const verify = owner.options.ownListener !== true;
    this.socket = owner.tls
      ? connectTls({ ...opts, servername: owner.host, rejectUnauthorized: verify, ALPNProtocols: ['http/1.1'] })
      : connect(opts);
    this.socket.setNoDelay(true);
    this.arm(owner.options.connectTimeoutMs, UPSTREAM_ERRORS.connectTimeout, 'connecting timed out');
    this.socket.once(owner.tls ? 'secureConnect' : 'connect', () => {
      if (this.state === State.Head && this.requestBodyDone) this.armHead();
      else this.disarm();
    });
    // A body delimited by the connection closing ends here; anything else cut short fails on 'close'.
    this.socket.on('end', () => this.state === State.Body && this.parser.finish());
    this.socket.on('data', (d: Buffer) => {
      // A handler that throws fails this request, never the process.
      try {
        this.read(d);
      } catch (err) {
        this.fail(err as Error);
      }
    });
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.fail(codedError('ECONNRESET', 'the upstream closed the connection')));
  }

  get alive(): boolean {
    return !this.dead;
  }

  run(request: H1Request, handler: H1Handler): void {
    this.request = request;
    this.handler = handler;
    this.state = State.Head;
    this.keepAlive = true;
    this.seen = 0;
    this.requestBodyDone = request.body === null;
    // The wait for the answer starts once the request is sent, body included (slow uploads are the
    // client-side request timeout's business, not the upstream's).
    if (!this.socket.connecting && this.requestBodyDone) this.armHead();
    else if (!this.socket.connecting) this.disarm();
    handler.onConnect((err) => this.fail(err ?? codedError(UPSTREAM_ERRORS.aborted, 'aborted')));
    if (this.dead) return;
    const head = requestHead(request.method, request.path, request.headers);
    if (head === undefined) {
      this.fail(
        codedError(
          UPSTREAM_ERRORS.requestInvalid,
          'a request line or header would not stay on its own line (CR, LF, NUL or not a token)',
        ),
      );
      return;
    }
    this.parser.expect(request.method === 'HEAD');
    const body = request.body;
    if (body === null) this.socket.write(`${head}\r\n`, 'latin1');
    else if (Symbol.asyncIterator in body && !('pipe' in body)) {
      this.socket.write(`${head}transfer-encoding: chunked\r\n\r\n`, 'latin1');
      void this.sendChunked(body as AsyncIterable<Buffer>);
    } else {
      this.socket.write(`${head}\r\n`, 'latin1');
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

  private async sendChunked(body: AsyncIterable<Buffer>): Promise<void> {
    try {
      for await (const chunk of body) {
        if (this.dead) return;
        if (chunk.length === 0) continue;
        const ok =
          this.socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1') &&
          this.socket.write(chunk) &&
          this.socket.write('\r\n', 'latin1');
        if (!ok) await new Promise((r) => this.socket.once('drain', r));
      }
      if (this.dead) return;
      this.socket.write('0\r\n\r\n', 'latin1');
      this.bodySent();
    } catch (err) {
      this.fail(err as Error);
    }
  }

  private bodySent(): void {
    this.requestBodyDone = true;
    if (this.state === State.Head && !this.dead) this.armHead();
  }

  /** Back in the pool's idle list: closes quietly after the keep-alive time. */
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
    this.disarm();
    this.parser.halt();
    this.stopBody?.();
    this.socket.destroy();
    this.owner.forget(this);
  }

  /** One timer per connection: connect, head, body gap, or idle keep-alive. An empty code closes quietly. */
  private arm(ms: number, code: string, message: string): void {
    // The body clock restarts on every read: refresh() is cheaper than a new timer.
    if (this.timer !== undefined && code !== '' && code === this.timerCode) {
      this.timer.refresh();
      return;
    }
    this.disarm();
    this.timerCode = code;
    this.timer = setTimeout(() => (code ? this.fail(codedError(code, message)) : this.destroy()), ms);
    this.timer.unref();
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private armHead(): void {
    this.arm(this.request!.headersTimeout, UPSTREAM_ERRORS.headersTimeout, 'no response head in time');
  }

  private armBody(): void {
    this.arm(this.request!.bodyTimeout, UPSTREAM_ERRORS.bodyTimeout, 'the response body stalled');
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

  /**
   * One read from the socket: parsed whole, then what the handler holds is flushed (nothing waits for the next read).
   */
  private read(data: Buffer): void {
    this.seen += data.length;
    this.parser.execute(data);
    if (this.state !== State.Body || this.dead) return;
    if (!this.paused) this.armBody();
    if (this.handler!.flush?.() === false) this.pause();
  }

  onHead(head: H1ResponseHead): void {
    // Upstreams that wrongly send a body with a HEAD answer may send it late: such a connection is not reused.
    if (!head.keepAlive || this.request!.method === 'HEAD') this.keepAlive = false;
    if (head.keepAliveMs !== undefined)
      this.keepAliveMs = Math.min(this.owner.options.keepAliveMs, Math.max(head.keepAliveMs - 500, 0));
    this.state = State.Body;
    const handler = this.handler!;
    const paused =
      handler.onHeaders(head.status, head.headers, () => this.handler === handler && this.resume()) === false;
    if (paused && !this.dead) this.pause();
  }

  onBody(chunk: Buffer): void {
    if (this.handler!.onData(chunk) === false) this.pause();
  }

  onComplete(): void {
    const handler = this.handler!;
    this.disarm();
    this.state = State.Idle;
    this.handler = undefined;
    this.paused = false;
    if (this.socket.isPaused()) this.socket.resume();
    const reusable = this.keepAlive && this.requestBodyDone && !this.dead;
    if (!reusable) this.destroy();
    handler.onComplete();
    if (reusable && !this.dead) this.owner.settle(this);
  }

  onError(err: H1ProtocolError): void {
    this.fail(err);
  }

  /** Backpressure from the client: stop reading, and stop the body clock (a slow client is not a slow upstream). */
  private pause(): void {
    this.paused = true;
    this.disarm();
    this.socket.pause();
  }

  private resume(): void {
    if (!this.paused || this.dead) return;
    this.paused = false;
    if (this.state === State.Body) this.armBody();
    this.socket.resume();
  }
}
