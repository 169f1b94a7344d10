import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { H1Pool, type H1Handler } from '../h1-pool.js';
import type { RequestFacts } from '../proxy.js';
import type { StepRequest } from './step-request.js';

/** What a step call got: an answer (status, content type, whole body), or no answer in time or at all. */
export type StepAnswer =
  | { kind: 'answer'; status: number; contentType: string; body: Buffer }
  | { kind: 'timeout' }
  | { kind: 'unreachable' };

/** Step calls open at once; more wait for a free connection. */
const SELF_CONNECTIONS = 256;

/**
 * The gateway's client of itself (docs/composition.md, "Running a composite"): each composition
 * step is a real HTTP/1.1 request to the gateway's own listener on a loopback connection, so the
 * step's route applies its own policies, mocks, logs and metrics as for any client. `secret`
 * marks the steps' `X-Gw-Step` header, which carries the caller's address and consumer; only a
 * request that knows it is believed (server.ts).
 */
export class SelfClient {
  private readonly pool: H1Pool;
  readonly secret = randomBytes(18).toString('base64url');

  constructor(host: string, port: number, scheme: 'http' | 'https') {
    const h = host === '' || host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
    this.pool = new H1Pool(`${scheme}://${h.includes(':') ? `[${h}]` : h}:${port}`, {
      connections: SELF_CONNECTIONS,
      connectTimeoutMs: 1_000,
      keepAliveMs: 4_000,
      ownListener: true,
    });
  }

  /** Sends the request; settles with the whole answer, or timeout/unreachable. `abort` stops it early. */
  call(request: StepRequest, timeoutMs: number, abort: AbortSignal): Promise<StepAnswer> {
    return new Promise((resolve) => {
      const handler = new CollectAnswer(resolve);
      const timer = setTimeout(() => handler.stop({ kind: 'timeout' }), timeoutMs);
      const stop = () => handler.stop({ kind: 'unreachable' });
      abort.addEventListener('abort', stop, { once: true });
      handler.done = () => {
        clearTimeout(timer);
        abort.removeEventListener('abort', stop);
      };
      this.pool.dispatch(
        {
          method: request.method,
          path: request.path,
          headers: request.headers,
          // A Readable goes with its content-length (h1-pool.ts frames an async iterable chunked).
          body: request.body === null ? null : Readable.from([request.body]),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        },
        handler,
      );
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Collects one answer whole; settles once. */
class CollectAnswer implements H1Handler {
  private abort: ((err?: Error) => void) | undefined;
  private status = 0;
  private contentType = '';
  private readonly chunks: Buffer[] = [];
  private settled = false;
  done: () => void = () => {};

  constructor(private readonly resolve: (a: StepAnswer) => void) {}

  stop(answer: StepAnswer): void {
    this.settle(answer);
    this.abort?.(new Error('step stopped'));
  }

  private settle(answer: StepAnswer): void {
    if (this.settled) return;
    this.settled = true;
    this.done();
    this.resolve(answer);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
  }

  onHeaders(statusCode: number, headers: string[]): boolean {
    this.status = statusCode;
    for (let i = 0; i < headers.length; i += 2)
      if (headers[i]!.toLowerCase() === 'content-type') this.contentType = headers[i + 1]!;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    this.settle({
      kind: 'answer',
      status: this.status,
      contentType: this.contentType,
      body: Buffer.concat(this.chunks),
    });
  }

  onError(err: Error & { code?: string }): void {
    this.settle(/TIMEOUT/.test(err.code ?? '') ? { kind: 'timeout' } : { kind: 'unreachable' });
  }
}

/**
 * A composition step's request carries the caller's address and consumer in X-Gw-Step, believed
 * only with this gateway's secret. The header is removed from the raw list either way (before
 * anything reads `req.headers`), so no upstream ever sees it.
 */
export function takeStepHeader(raw: string[], facts: RequestFacts, secret: string | undefined): void {
  for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i]!.toLowerCase() === 'x-gw-step') raw.splice(i, 2);
  const [given, client, consumer] = facts.step!.split(' ');
  if (secret === undefined || given !== secret || client === undefined) return;
  facts.client = client;
  facts.peer = client;
  if (consumer) facts.consumer = decodeURIComponent(consumer);
}
