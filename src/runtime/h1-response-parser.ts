import { chunkExtensionStep, EXT_BAD, EXT_END, EXT_START } from './h1-chunk-extension.js';
import {
  checkTrailers,
  CHUNKED,
  H1ProtocolError,
  INTERIM,
  MAX_HEAD_BYTES,
  parseResponseHead,
  UNTIL_CLOSE,
  type H1ResponseHead,
} from './h1-response-head.js';

export { H1ProtocolError, type H1ErrorReason, type H1ResponseHead } from './h1-response-head.js';

/** What the parser says about the bytes it is given, in order. After `onError` it says nothing more. */
export interface H1ResponseEvents {
  onHead(head: H1ResponseHead): void;
  /** A piece of the body (a view into the bytes given: copy it to keep it past the call). */
  onBody(chunk: Buffer): void;
  onComplete(): void;
  onError(err: H1ProtocolError): void;
  /**
   * After `onHead` of a 101 to a request that asked to switch protocols (`expect(false, true)`): the bytes that came
   * after the head belong to the new protocol. The parser says nothing more.
   */
  onUpgrade?(rest: Buffer): void;
}

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
/** A chunk-size line (size and extensions) longer than this is refused, as Node's own server does. */
export const MAX_CHUNK_LINE_BYTES = 16 * 1024;

enum State {
  /** No answer expected: any byte is one too many. */
  Done,
  Head,
  Length,
  Close,
  ChunkSize,
  ChunkExt,
  ChunkLf,
  ChunkData,
  ChunkDataCr,
  ChunkDataLf,
  Trailers,
  Failed,
}

/**
 * The response side of HTTP/1.1 as a pure unit: bytes in, events out, no sockets and no timers.
 * `expect` starts one answer (after its interim 1xx heads); `execute` takes the bytes as they come,
 * split anywhere; `finish` says the peer closed. Every framing mistake is an `H1ProtocolError`, and
 * so is any byte after a complete answer: HTTP/1.1 without pipelining has nothing to put there.
 * The hot path (a head in one read, a Content-Length body) costs one indexOf, one latin1 string,
 * one regex test and no Buffer copies.
 */
export class H1ResponseParser {
  private state = State.Done;
  private noBody = false;
  private upgrade = false;
  /** Head or trailer bytes held until their blank line arrives. */
  private held: Buffer | undefined;
  /** Body bytes left: of the Content-Length, or of the current chunk. */
  private left = 0;
  private chunkSize = 0;
  private digits = 0;
  private lineBytes = 0;
  private ext = EXT_START;

  constructor(private readonly events: H1ResponseEvents) {}

  /** Read the answer to the request just sent (`noBody` for HEAD; `upgrade` for a handshake, which a 101 ends). */
  expect(noBody: boolean, upgrade = false): void {
    this.state = State.Head;
    this.noBody = noBody;
    this.upgrade = upgrade;
    this.held = undefined;
  }

  /** Stops all further events (the reader went away). */
  halt(): void {
    this.state = State.Failed;
    this.held = undefined;
  }

  /** True while an answer is expected and not complete. */
  get busy(): boolean {
    return this.state !== State.Done && this.state !== State.Failed;
  }

  /** The peer closed: true when that completed the answer (a body delimited by the close). */
  finish(): boolean {
    if (this.state !== State.Close) return false;
    this.state = State.Done;
    this.events.onComplete();
    return true;
  }

  execute(data: Buffer): void {
    let pos = 0;
    while (pos < data.length) {
      switch (this.state) {
        case State.Head:
          pos = this.head(data, pos);
          break;
        case State.Length: {
          const end = Math.min(data.length, pos + this.left);
          this.left -= end - pos;
          this.events.onBody(pos === 0 && end === data.length ? data : data.subarray(pos, end));
          pos = end;
          if (this.left === 0 && this.state === State.Length) this.complete();
          break;
        }
        case State.Close:
          this.events.onBody(pos === 0 ? data : data.subarray(pos));
          return;
        case State.ChunkData: {
          const end = Math.min(data.length, pos + this.left);
          this.left -= end - pos;
          this.events.onBody(data.subarray(pos, end));
          pos = end;
          if (this.left === 0 && this.state === State.ChunkData) this.state = State.ChunkDataCr;
          break;
        }
        case State.Trailers:
          pos = this.trailers(data, pos);
          break;
        case State.Done:
          this.fail('extra-bytes', 'the upstream sent bytes after a complete answer, or when none was asked for');
          return;
        case State.Failed:
          return;
        default:
          pos = this.chunkLine(data, pos);
      }
    }
  }

  /** Head bytes until the blank line; then the head is parsed and the body framing set. */
  private head(data: Buffer, pos: number): number {
    const held = this.held;
    const buf = held ? Buffer.concat([held, data.subarray(pos)]) : data;
    const start = held ? 0 : pos;
    const end = buf.indexOf(CRLFCRLF, held ? Math.max(0, held.length - 3) : pos);
    if (end === -1 || end + 4 - start > MAX_HEAD_BYTES) {
      if (end !== -1 || buf.length - start > MAX_HEAD_BYTES)
        return this.fail('head-too-large', `the upstream sent a head over ${MAX_HEAD_BYTES} bytes`);
      // A line ended by a bare LF never reaches a blank CRLF line: refuse it now rather than at the timeout.
      const lf = buf.indexOf(10, start);
      if (lf !== -1 && (lf === start || buf[lf - 1] !== 13))
        return this.fail('line-ending', 'the upstream sent a bare LF in the head');
      this.held = held ? buf : data.subarray(pos);
      return data.length;
    }
    this.held = undefined;
    const parsed = parseResponseHead(buf.toString('latin1', start, end + 4), this.noBody, this.upgrade);
    if (parsed instanceof H1ProtocolError) return this.failWith(parsed);
    const next = held ? pos + end + 4 - held.length : end + 4;
    if (parsed.body === INTERIM) return next;
    if (parsed.head.status === 101) {
      this.halt();
      this.events.onHead(parsed.head);
      this.events.onUpgrade?.(data.subarray(next));
      return data.length;
    }
    this.events.onHead(parsed.head);
    if (this.state !== State.Head) return next;
    if (parsed.body === 0) this.complete();
    else if (parsed.body === UNTIL_CLOSE) this.state = State.Close;
    else if (parsed.body === CHUNKED) this.startChunk();
    else {
      this.state = State.Length;
      this.left = parsed.body;
    }
    return next;
  }

  private startChunk(): void {
    this.state = State.ChunkSize;
    this.chunkSize = 0;
    this.digits = 0;
    this.lineBytes = 0;
  }

  /**
   * The chunk-size line (hex size, then `;name[=token|"quoted"]` extensions as llhttp reads them)
   * and the CRLF after chunk data, byte by byte: a few bytes per chunk, never buffered.
   */
  private chunkLine(data: Buffer, pos: number): number {
    for (; pos < data.length; pos++) {
      const c = data[pos]!;
      if (++this.lineBytes > MAX_CHUNK_LINE_BYTES)
        return this.fail('chunk-size', `the upstream sent a chunk-size line over ${MAX_CHUNK_LINE_BYTES} bytes`);
      switch (this.state) {
        case State.ChunkSize: {
          const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
          if (v >= 0) {
            this.chunkSize = this.chunkSize * 16 + v;
            if (++this.digits > 64 || this.chunkSize > Number.MAX_SAFE_INTEGER)
              return this.fail('chunk-size', 'the upstream sent a chunk size too large');
            continue;
          }
          if (this.digits === 0 || (c !== 13 && c !== 59))
            return this.fail('chunk-size', `the upstream sent a bad chunk size (byte ${c})`);
          this.state = c === 13 ? State.ChunkLf : State.ChunkExt;
          this.ext = EXT_START;
          continue;
        }
        case State.ChunkExt:
          this.ext = chunkExtensionStep(this.ext, c);
          if (this.ext === EXT_BAD)
            return this.fail('chunk-extension', `the upstream sent a bad chunk extension (byte ${c})`);
          if (this.ext === EXT_END) this.state = State.ChunkLf;
          continue;
        case State.ChunkLf:
          if (c !== 10) return this.fail('chunk-size', 'the upstream sent a chunk-size line without CRLF');
          this.state = this.chunkSize > 0 ? State.ChunkData : State.Trailers;
          this.left = this.chunkSize;
          return pos + 1;
        case State.ChunkDataCr:
          if (c !== 13) return this.fail('chunk-data', 'the upstream sent chunk data longer than its size');
          this.state = State.ChunkDataLf;
          continue;
        default:
          if (c !== 10) return this.fail('chunk-data', 'the upstream sent chunk data without its CRLF');
          this.startChunk();
          return pos + 1;
      }
    }
    return pos;
  }

  /** The trailer section after the last chunk: held (up to the head limit) until its blank line, checked, dropped. */
  private trailers(data: Buffer, pos: number): number {
    if (this.held === undefined && data[pos] === 13 && data[pos + 1] === 10) {
      this.complete();
      return pos + 2;
    }
    // Prefixed with the CRLF that ended the last-chunk line, the section ends at the first CRLFCRLF.
    const buf = Buffer.concat([this.held ?? CRLFCRLF.subarray(0, 2), data.subarray(pos)]);
    const end = buf.indexOf(CRLFCRLF, Math.max(0, (this.held?.length ?? 2) - 3));
    if (end === -1) {
      if (buf.length > MAX_HEAD_BYTES)
        return this.fail('trailers', `the upstream sent trailers over ${MAX_HEAD_BYTES} bytes`);
      const lf = buf.indexOf(10, 2);
      if (lf !== -1 && buf[lf - 1] !== 13) return this.fail('trailers', 'the upstream sent a bare LF in the trailers');
      this.held = buf;
      return data.length;
    }
    this.held = undefined;
    const error = checkTrailers(buf.toString('latin1', 2, end + 4));
    if (error) return this.failWith(error);
    this.complete();
    return pos + end + 4 - (buf.length - (data.length - pos));
  }

  private complete(): void {
    this.state = State.Done;
    this.events.onComplete();
  }

  private fail(reason: H1ProtocolError['reason'], message: string): number {
    return this.failWith(new H1ProtocolError(reason, message));
  }

  private failWith(err: H1ProtocolError): number {
    this.state = State.Failed;
    this.held = undefined;
    this.events.onError(err);
    return Number.MAX_SAFE_INTEGER;
  }
}
