/**
 * The contract of gw's upstream HTTP/1.1 client (h1-pool.ts, h1-connection.ts): the request it
 * sends, the handler that gets the answer, the pool's options and the codes of its errors.
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

/**
 * Who gets the answer. Calls come in this order: onConnect, onHeaders, onData and flush (any
 * number), then onComplete or onError. The events of one read from the socket come together, and
 * `flush` ends each read that did not complete the answer: a handler may hold what it got until
 * then (one write for a whole answer), but never longer.
 */
export interface H1Handler {
  onConnect(abort: (err?: Error) => void): void;
  /** Flat [name, value, ...] of the response; return false to pause, call `resume` to go on. */
  onHeaders(statusCode: number, headers: string[], resume: () => void): boolean;
  onData(chunk: Buffer): boolean;
  /** The end of what the upstream has sent so far: send on anything held. false pauses, as for onData. */
  flush?(): boolean;
  onComplete(): void;
  onError(err: Error & { code?: string }): void;
}

export interface H1PoolOptions {
  connections: number;
  connectTimeoutMs: number;
  /** Idle keep-alive sockets are closed after this (or sooner when the upstream says so). */
  keepAliveMs: number;
  /**
   * TLS without checking the peer's certificate: only for the gateway's client of its own listener (composition
   * steps), whose certificate need not name the loopback address it is reached on.
   */
  ownListener?: boolean;
}

/**
 * The codes of the upstream client's errors, besides Node's own (ECONNREFUSED, ECONNRESET, ...); Forward maps them to
 * answers.
 */
export const UPSTREAM_ERRORS = {
  connectTimeout: 'GW_UPSTREAM_CONNECT_TIMEOUT',
  headersTimeout: 'GW_UPSTREAM_HEADERS_TIMEOUT',
  bodyTimeout: 'GW_UPSTREAM_BODY_TIMEOUT',
  aborted: 'GW_UPSTREAM_ABORTED',
  /** The answer broke HTTP/1.1 (an H1ProtocolError from the parser). */
  protocol: 'GW_UPSTREAM_PROTOCOL',
  /** The request could not be written safely (see requestHead). */
  requestInvalid: 'GW_UPSTREAM_REQUEST_INVALID',
} as const;

export function codedError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}
