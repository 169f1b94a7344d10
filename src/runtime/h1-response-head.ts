/**
 * The head of an upstream's HTTP/1.1 answer: status line and header fields checked as RFC 9112
 * asks (no leniency: a proxy that reads a message differently from the next hop is a desync),
 * and the body framing decided once. Pure; `H1ResponseParser` feeds it whole heads.
 */

/** Why an answer was refused; the `reason` of an `H1ProtocolError`. */
export type H1ErrorReason =
  | 'status-line'
  | 'line-ending'
  | 'obs-fold'
  | 'header-name'
  | 'header-value'
  | 'head-too-large'
  | 'content-length'
  | 'transfer-encoding'
  | 'unexpected-101'
  | 'chunk-size'
  | 'chunk-extension'
  | 'chunk-data'
  | 'trailers'
  | 'extra-bytes';

/** An answer that is not valid HTTP/1.1: the connection it came on cannot be trusted again. */
export class H1ProtocolError extends Error {
  readonly code = 'GW_UPSTREAM_PROTOCOL';
  constructor(
    readonly reason: H1ErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export interface H1ResponseHead {
  status: number;
  /**
   * Flat [name, value, ...] as sent (values without surrounding blanks); Content-Length normalised, none for 204/304.
   */
  headers: string[];
  /** The connection may carry another request: HTTP/1.1, no `Connection: close`, a framed (or no) body. */
  keepAlive: boolean;
  /** `Keep-Alive: timeout=N` in milliseconds; undefined when not announced. */
  keepAliveMs: number | undefined;
}

/** Body framing of a parsed head: a length (0 for none), or one of these. */
export const CHUNKED = -1;
export const UNTIL_CLOSE = -2;
/** A 1xx interim answer: the real head follows. */
export const INTERIM = -3;

/** Largest head (status line, fields, blank line), as undici's and Node's 16 KiB times four. */
export const MAX_HEAD_BYTES = 64 * 1024;

const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]";
const FIELD_LINE = `${TOKEN}+:[\\t\\x20-\\x7e\\x80-\\xff]*\\r\\n`;
/** A whole head in one pass of the regex engine (cheaper than checking line by line in JS). */
const HEAD = new RegExp(`^HTTP/1\\.[01] [1-9][0-9][0-9](?: [^\\r\\n]*)?\\r\\n(?:${FIELD_LINE})*\\r\\n$`);
const TRAILERS = new RegExp(`^(?:${FIELD_LINE})*\\r\\n$`);
const TOKEN_ONLY = new RegExp(`^${TOKEN}+$`);
const VALUE_ONLY = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * `text` is the head up to and including its blank line, as latin1. `noBody`: the answer to a HEAD. `upgrade`: the
 * request asked to switch protocols (a WebSocket handshake), so a 101 is its answer, with no body after it.
 */
export function parseResponseHead(
  text: string,
  noBody: boolean,
  upgrade = false,
): { head: H1ResponseHead; body: number } | H1ProtocolError {
  if (!HEAD.test(text)) return diagnose(text, true);
  const status = (text.charCodeAt(9) - 48) * 100 + (text.charCodeAt(10) - 48) * 10 + (text.charCodeAt(11) - 48);
  if (status === 101 && !upgrade)
    return new H1ProtocolError(
      'unexpected-101',
      'the upstream switched protocols (101) though gw asked for no upgrade',
    );
  const headers: string[] = [];
  const head: H1ResponseHead = { status, headers, keepAlive: text.charCodeAt(7) === 49, keepAliveMs: undefined };
  if (status < 200 && status !== 101) return { head, body: INTERIM };
  let length: string | undefined;
  let coding: string | undefined;
  let pos = text.indexOf('\r\n') + 2;
  while (pos < text.length - 2) {
    const eol = text.indexOf('\r\n', pos);
    const colon = text.indexOf(':', pos);
    let from = colon + 1;
    let to = eol;
    while (from < to && (text.charCodeAt(from) === 32 || text.charCodeAt(from) === 9)) from++;
    while (to > from && (text.charCodeAt(to - 1) === 32 || text.charCodeAt(to - 1) === 9)) to--;
    const name = text.slice(pos, colon);
    const value = text.slice(from, to);
    pos = eol + 2;
    const lower = name.length === 10 || name.length === 14 || name.length === 17 ? name.toLowerCase() : '';
    if (lower === 'content-length') {
      if (length !== undefined) return new H1ProtocolError('content-length', 'the upstream sent Content-Length twice');
      length = value;
      continue;
    }
    if (lower === 'transfer-encoding') {
      if (coding !== undefined)
        return new H1ProtocolError('transfer-encoding', 'the upstream sent Transfer-Encoding twice');
      coding = value;
    } else if (lower === 'connection' && value.toLowerCase().includes('close')) head.keepAlive = false;
    else if (lower === 'keep-alive') {
      const t = /timeout=(\d+)/i.exec(value);
      if (t) head.keepAliveMs = Number(t[1]) * 1000;
    }
    headers.push(name, value);
  }
  if (status === 101) return { head, body: 0 };
  return frame(head, status === 204 || status === 304 || noBody, length, coding);
}

/** Content-Length or Transfer-Encoding (never both), checked; 204 and 304 lose Content-Length. */
function frame(
  head: H1ResponseHead,
  noBody: boolean,
  length: string | undefined,
  coding: string | undefined,
): { head: H1ResponseHead; body: number } | H1ProtocolError {
  if (length !== undefined && coding !== undefined)
    return new H1ProtocolError('content-length', 'the upstream sent both Content-Length and Transfer-Encoding');
  let n = -1;
  if (length !== undefined) {
    n = /^[0-9]{1,16}$/.test(length) ? Number(length) : NaN;
    if (!Number.isSafeInteger(n))
      return new H1ProtocolError('content-length', `the upstream sent Content-Length "${length.slice(0, 40)}"`);
    if (head.status !== 204 && head.status !== 304) head.headers.push('Content-Length', String(n));
  }
  if (noBody) return { head, body: 0 };
  if (n >= 0) return { head, body: n };
  if (coding !== undefined) {
    // Only plain chunked: a coding gw would drop with the hop-by-hop header corrupts the body (nginx refuses it too).
    if (coding.toLowerCase() !== 'chunked')
      return new H1ProtocolError('transfer-encoding', `the upstream sent Transfer-Encoding "${coding.slice(0, 40)}"`);
    return { head, body: CHUNKED };
  }
  head.keepAlive = false;
  return { head, body: UNTIL_CLOSE };
}

/** The fields after a last chunk (`text` from the first field to the blank line): checked, then dropped. */
export function checkTrailers(text: string): H1ProtocolError | undefined {
  if (!TRAILERS.test(text))
    return new H1ProtocolError('trailers', `the upstream sent malformed trailers: ${diagnose(text, false).message}`);
  if (/(^|\r\n)(content-length|transfer-encoding):/i.test(text))
    return new H1ProtocolError('trailers', 'the upstream sent a framing field as a trailer');
  return undefined;
}

/** The first thing wrong with a head (or trailer section) that failed the one-pass check. Off the hot path. */
function diagnose(text: string, withStatusLine: boolean): H1ProtocolError {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c === 10 && text.charCodeAt(i - 1) !== 13) || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      return new H1ProtocolError(
        'line-ending',
        `the upstream sent a bare ${c === 10 ? 'LF' : 'CR'} at byte ${i} of the head`,
      );
    }
  }
  const lines = text.split('\r\n');
  if (withStatusLine && !/^HTTP\/1\.[01] [1-9][0-9][0-9](?: [^\r\n]*)?$/.test(lines[0]!)) {
    return new H1ProtocolError('status-line', `the upstream sent the status line "${printable(lines[0]!)}"`);
  }
  for (const line of lines.slice(withStatusLine ? 1 : 0, -2)) {
    if (line.startsWith(' ') || line.startsWith('\t'))
      return new H1ProtocolError('obs-fold', `the upstream folded a header line ("${printable(line)}")`);
    const colon = line.indexOf(':');
    if (colon <= 0 || !TOKEN_ONLY.test(line.slice(0, colon)))
      return new H1ProtocolError('header-name', `the upstream sent the header line "${printable(line)}"`);
    if (!VALUE_ONLY.test(line.slice(colon + 1)))
      return new H1ProtocolError(
        'header-value',
        `the upstream sent a control character in header ${line.slice(0, colon)}`,
      );
  }
  return new H1ProtocolError('status-line', 'the upstream sent a head gw cannot read');
}

function printable(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text).slice(1, -1);
}
