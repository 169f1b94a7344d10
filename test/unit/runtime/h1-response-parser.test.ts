import { describe, expect, it } from 'vitest';
import {
  H1ResponseParser,
  MAX_CHUNK_LINE_BYTES,
  type H1ResponseHead,
} from '../../../src/runtime/h1-response-parser.js';

/** What the parser made of one answer: the head, the body, whether it completed, and the first error's reason. */
interface Transcript {
  status?: number;
  headers?: string[];
  keepAlive?: boolean;
  keepAliveMs?: number;
  body: string;
  complete: boolean;
  error?: string;
}

/** Feeds `given` cut at `cuts`, then (with `close`) says the peer closed. */
function parse(given: string, options: { noBody?: boolean; cuts?: number[]; close?: boolean } = {}): Transcript {
  const out: Transcript = { body: '', complete: false };
  const parser = new H1ResponseParser({
    onHead: (h: H1ResponseHead) =>
      Object.assign(out, { status: h.status, headers: h.headers, keepAlive: h.keepAlive, keepAliveMs: h.keepAliveMs }),
    onBody: (c) => (out.body += c.toString('latin1')),
    onComplete: () => (out.complete = true),
    onError: (e) => (out.error ??= e.reason),
  });
  parser.expect(options.noBody ?? false);
  const bytes = Buffer.from(given, 'latin1');
  let from = 0;
  for (const cut of [...(options.cuts ?? []), bytes.length]) {
    if (cut > from) parser.execute(bytes.subarray(from, cut));
    from = Math.max(from, cut);
  }
  if (options.close) parser.finish();
  if (out.keepAliveMs === undefined) delete out.keepAliveMs;
  return out;
}

const OK = 'HTTP/1.1 200 OK\r\n';
const CHUNKED = `${OK}Transfer-Encoding: chunked\r\n\r\n`;

interface Case {
  name: string;
  given: string;
  noBody?: boolean;
  /** The peer closes after the bytes (for bodies delimited by the close). */
  close?: boolean;
  want: Partial<Transcript>;
}

const accepted: Case[] = [
  {
    name: 'a Content-Length body',
    given: `${OK}Content-Length: 5\r\nX-A: 1\r\n\r\nhello`,
    want: { status: 200, headers: ['X-A', '1', 'Content-Length', '5'], body: 'hello', complete: true, keepAlive: true },
  },
  { name: 'Content-Length: 0', given: `${OK}Content-Length: 0\r\n\r\n`, want: { body: '', complete: true } },
  {
    name: 'leading zeros in Content-Length, normalised',
    given: `${OK}Content-Length: 002\r\n\r\nok`,
    want: { headers: ['Content-Length', '2'], body: 'ok', complete: true },
  },
  {
    name: 'a status line without a reason',
    given: 'HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n',
    want: { status: 200, complete: true },
  },
  {
    name: 'any reason phrase bytes but CR and LF (never forwarded)',
    given: 'HTTP/1.1 404 N\u0000t \u00ff\r\nContent-Length: 0\r\n\r\n',
    want: { status: 404, complete: true },
  },
  {
    name: 'a three-digit status up to 999',
    given: 'HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n',
    want: { status: 999, complete: true },
  },
  {
    name: 'blanks around values trimmed; tab, obs-text and empty values kept',
    given: `${OK}A:  x y \t\r\nB:\r\nC: \u00e9\tz\r\nContent-Length: 0\r\n\r\n`,
    want: { headers: ['A', 'x y', 'B', '', 'C', '\u00e9\tz', 'Content-Length', '0'], complete: true },
  },
  {
    name: 'a chunked body with extensions and trailers',
    given: `${CHUNKED}5;a=b;c="q\\"d"\r\nhello\r\n6;e\r\n world\r\n0;f=\r\nX-T: 1\r\n\r\n`,
    want: { body: 'hello world', complete: true, keepAlive: true },
  },
  {
    name: 'chunk sizes in upper case hex with leading zeros',
    given: `${CHUNKED}000A\r\n0123456789\r\n00\r\n\r\n`,
    want: { body: '0123456789', complete: true },
  },
  {
    name: 'Transfer-Encoding: Chunked in any case',
    given: `${OK}Transfer-Encoding:  ChUnKeD \r\n\r\n2\r\nok\r\n0\r\n\r\n`,
    want: { body: 'ok', complete: true },
  },
  {
    name: 'a body delimited by the close',
    given: `${OK}\r\nuntil the end`,
    close: true,
    want: { body: 'until the end', complete: true, keepAlive: false },
  },
  {
    name: 'interim 1xx answers skipped',
    given:
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n' +
      `${OK}Content-Length: 2\r\n\r\nok`,
    want: { status: 200, body: 'ok', complete: true },
  },
  {
    name: 'HEAD: no body whatever the framing',
    given: `${OK}Content-Length: 5\r\n\r\n`,
    noBody: true,
    want: { headers: ['Content-Length', '5'], body: '', complete: true },
  },
  {
    name: '204 with Content-Length: no body, no Content-Length',
    given: 'HTTP/1.1 204 No Content\r\nETag: "x"\r\nContent-Length: 5\r\n\r\n',
    want: { status: 204, headers: ['ETag', '"x"'], body: '', complete: true },
  },
  {
    name: '304 with Content-Length: no body, no Content-Length',
    given: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n',
    want: { status: 304, headers: [], body: '', complete: true },
  },
  {
    name: '204 with Transfer-Encoding: no body',
    given: 'HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n',
    want: { status: 204, body: '', complete: true },
  },
  {
    name: 'HTTP/1.0: not kept alive',
    given: 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok',
    want: { body: 'ok', complete: true, keepAlive: false },
  },
  {
    name: 'Connection: close: not kept alive',
    given: `${OK}Connection: close\r\nContent-Length: 2\r\n\r\nok`,
    want: { complete: true, keepAlive: false },
  },
  {
    name: 'Keep-Alive: timeout=N is read',
    given: `${OK}Keep-Alive: timeout=5, max=100\r\nContent-Length: 0\r\n\r\n`,
    want: { complete: true, keepAlive: true, keepAliveMs: 5000 },
  },
  {
    name: 'a head of exactly 64 KiB',
    given: `${OK}X: ${'a'.repeat(65536 - 17 - 7)}\r\n\r\n`,
    close: true,
    want: { status: 200, complete: true },
  },
];

const refused: Case[] = [
  {
    name: 'a four-digit status (item 2)',
    given: 'HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n',
    want: { error: 'status-line' },
  },
  {
    name: 'a status under 100',
    given: 'HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n',
    want: { error: 'status-line' },
  },
  { name: 'a status with two blanks before it', given: 'HTTP/1.1  200 OK\r\n\r\n', want: { error: 'status-line' } },
  {
    name: 'an HTTP version other than 1.0 and 1.1',
    given: 'HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n',
    want: { error: 'status-line' },
  },
  {
    name: 'a lower-case protocol name',
    given: 'http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
    want: { error: 'status-line' },
  },
  {
    name: 'an empty line before the status line',
    given: `\r\n${OK}Content-Length: 0\r\n\r\n`,
    want: { error: 'status-line' },
  },
  { name: 'bare LF line ends', given: 'HTTP/1.1 200 OK\nContent-Length: 0\n\n', want: { error: 'line-ending' } },
  { name: 'one bare LF among CRLFs', given: `${OK}A: 1\nContent-Length: 0\r\n\r\n`, want: { error: 'line-ending' } },
  { name: 'a bare CR in a value', given: `${OK}A: 1\r2\r\nContent-Length: 0\r\n\r\n`, want: { error: 'line-ending' } },
  {
    name: 'a folded header line (obs-fold)',
    given: `${OK}A: 1\r\n 2\r\nContent-Length: 0\r\n\r\n`,
    want: { error: 'obs-fold' },
  },
  {
    name: 'a header line without a colon (item 2)',
    given: `${OK}nocolon\r\nContent-Length: 0\r\n\r\n`,
    want: { error: 'header-name' },
  },
  {
    name: 'a blank before the colon (item 2)',
    given: `${OK}A : 1\r\nContent-Length: 0\r\n\r\n`,
    want: { error: 'header-name' },
  },
  { name: 'an empty header name', given: `${OK}: 1\r\nContent-Length: 0\r\n\r\n`, want: { error: 'header-name' } },
  {
    name: 'a header name that is not a token',
    given: `${OK}A(b): 1\r\nContent-Length: 0\r\n\r\n`,
    want: { error: 'header-name' },
  },
  {
    name: 'a control character in a value',
    given: `${OK}A: a\u0001b\r\nContent-Length: 0\r\n\r\n`,
    want: { error: 'header-value' },
  },
  { name: 'NUL in a value', given: `${OK}A: a\u0000b\r\nContent-Length: 0\r\n\r\n`, want: { error: 'header-value' } },
  { name: 'DEL in a value', given: `${OK}A: a\u007fb\r\nContent-Length: 0\r\n\r\n`, want: { error: 'header-value' } },
  {
    name: 'a 70 KB head in one piece (item 2)',
    given: `${OK}X: ${'a'.repeat(70_000)}\r\nContent-Length: 0\r\n\r\n`,
    want: { error: 'head-too-large' },
  },
  {
    name: 'a head one byte over 64 KiB',
    given: `${OK}X: ${'a'.repeat(65537 - 17 - 7)}\r\n\r\n`,
    want: { error: 'head-too-large' },
  },
  {
    name: 'a head that never ends, past 64 KiB',
    given: `${OK}X: ${'a'.repeat(70_000)}`,
    want: { error: 'head-too-large' },
  },
  {
    name: 'Content-Length twice, even equal',
    given: `${OK}Content-Length: 2\r\nContent-Length: 2\r\n\r\nok`,
    want: { error: 'content-length' },
  },
  { name: 'Content-Length as a list', given: `${OK}Content-Length: 2, 2\r\n\r\nok`, want: { error: 'content-length' } },
  { name: 'Content-Length with a sign', given: `${OK}Content-Length: +2\r\n\r\nok`, want: { error: 'content-length' } },
  { name: 'an empty Content-Length', given: `${OK}Content-Length: \r\n\r\nok`, want: { error: 'content-length' } },
  {
    name: 'Content-Length past 2^53',
    given: `${OK}Content-Length: 9007199254740993\r\n\r\nok`,
    want: { error: 'content-length' },
  },
  {
    name: 'Content-Length with Transfer-Encoding',
    given: `${OK}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n`,
    want: { error: 'content-length' },
  },
  {
    name: 'a coding gw cannot pass on (gzip)',
    given: `${OK}Transfer-Encoding: gzip\r\n\r\nxx`,
    want: { error: 'transfer-encoding' },
  },
  {
    name: 'codings stacked on chunked',
    given: `${OK}Transfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n`,
    want: { error: 'transfer-encoding' },
  },
  {
    name: 'Transfer-Encoding twice',
    given: `${OK}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    want: { error: 'transfer-encoding' },
  },
  {
    name: 'a 101 without an upgrade asked for (item 3)',
    given: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n',
    want: { error: 'unexpected-101' },
  },
  {
    name: 'junk between chunk data and its CRLF (item 2)',
    given: `${CHUNKED}5\r\nhelloJUNK\r\n0\r\n\r\n`,
    want: { body: 'hello', error: 'chunk-data' },
  },
  {
    name: 'chunk data ended by a bare LF',
    given: `${CHUNKED}5\r\nhello\n0\r\n\r\n`,
    want: { body: 'hello', error: 'chunk-data' },
  },
  { name: 'a chunk size in 0x notation', given: `${CHUNKED}0x5\r\nhello\r\n0\r\n\r\n`, want: { error: 'chunk-size' } },
  { name: 'a blank after the chunk size', given: `${CHUNKED}5 \r\nhello\r\n0\r\n\r\n`, want: { error: 'chunk-size' } },
  { name: 'an empty chunk-size line', given: `${CHUNKED}\r\nhello\r\n0\r\n\r\n`, want: { error: 'chunk-size' } },
  {
    name: 'a chunk-size line ended by a bare LF',
    given: `${CHUNKED}5\nhello\r\n0\r\n\r\n`,
    want: { error: 'chunk-size' },
  },
  { name: 'a chunk size past 2^53', given: `${CHUNKED}fffffffffffffff\r\n`, want: { error: 'chunk-size' } },
  {
    name: 'a chunk-size line that never ends (item 2)',
    given: `${CHUNKED}5;${'e'.repeat(MAX_CHUNK_LINE_BYTES)}`,
    want: { error: 'chunk-size' },
  },
  { name: 'an empty chunk extension', given: `${CHUNKED}5;\r\nhello\r\n0\r\n\r\n`, want: { error: 'chunk-extension' } },
  {
    name: 'a blank in a chunk extension',
    given: `${CHUNKED}5; a=b\r\nhello\r\n0\r\n\r\n`,
    want: { error: 'chunk-extension' },
  },
  {
    name: 'a chunk extension value that is not a token',
    given: `${CHUNKED}5;a=b c\r\nhello\r\n0\r\n\r\n`,
    want: { error: 'chunk-extension' },
  },
  {
    name: 'an unterminated quoted chunk extension',
    given: `${CHUNKED}5;a="b\r\nhello\r\n0\r\n\r\n`,
    want: { error: 'chunk-extension' },
  },
  {
    name: 'bytes after a quoted chunk extension',
    given: `${CHUNKED}5;a="b"c\r\nhello\r\n0\r\n\r\n`,
    want: { error: 'chunk-extension' },
  },
  {
    name: 'a malformed trailer',
    given: `${CHUNKED}2\r\nok\r\n0\r\nX : 1\r\n\r\n`,
    want: { body: 'ok', error: 'trailers' },
  },
  {
    name: 'Content-Length as a trailer',
    given: `${CHUNKED}2\r\nok\r\n0\r\nContent-Length: 2\r\n\r\n`,
    want: { body: 'ok', error: 'trailers' },
  },
  {
    name: 'a bare LF ending the trailers',
    given: `${CHUNKED}2\r\nok\r\n0\r\n\n`,
    want: { body: 'ok', error: 'trailers' },
  },
];

/** Complete answers followed by bytes nobody asked for: complete, then refused (the connection must close). */
const extra: Case[] = [
  {
    name: 'a second answer after Content-Length: 0 (item 1)',
    given: `${OK}Content-Length: 0\r\n\r\n${OK}Content-Length: 8\r\n\r\nINJECTED`,
    want: { body: '', complete: true, error: 'extra-bytes' },
  },
  {
    name: 'bytes past the Content-Length',
    given: `${OK}Content-Length: 2\r\n\r\nokSTALE`,
    want: { body: 'ok', complete: true, error: 'extra-bytes' },
  },
  {
    name: 'bytes after the last chunk',
    given: `${CHUNKED}2\r\nok\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n`,
    want: { body: 'ok', complete: true, error: 'extra-bytes' },
  },
  {
    name: 'a body after a 204',
    given: 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello',
    want: { status: 204, body: '', complete: true, error: 'extra-bytes' },
  },
  {
    name: 'a body after a HEAD answer',
    given: `${OK}Content-Length: 5\r\n\r\nhello`,
    noBody: true,
    want: { body: '', complete: true, error: 'extra-bytes' },
  },
  {
    name: 'one CRLF after a complete answer',
    given: `${OK}Content-Length: 2\r\n\r\nok\r\n`,
    want: { body: 'ok', complete: true, error: 'extra-bytes' },
  },
];

/** Cut short by the peer closing: never complete. */
const cut: Case[] = [
  {
    name: 'a Content-Length body cut short',
    given: `${OK}Content-Length: 5\r\n\r\nhel`,
    close: true,
    want: { body: 'hel', complete: false },
  },
  {
    name: 'a chunked body without its last chunk',
    given: `${CHUNKED}5\r\nhello\r\n`,
    close: true,
    want: { body: 'hello', complete: false },
  },
  { name: 'a head cut short', given: `${OK}Content-Length: 5\r\n`, close: true, want: { body: '', complete: false } },
];

describe('H1ResponseParser', () => {
  for (const [group, cases] of [
    ['accepts', accepted],
    ['refuses', refused],
    ['completes, then refuses the bytes after', extra],
    ['never completes when cut', cut],
  ] as const) {
    describe(group, () => {
      for (const c of cases) {
        it(c.name, () => {
          const whole = parse(c.given, c);
          expect(whole).toMatchObject(c.want);
          if (!c.want.complete) expect(whole.complete).toBe(false);
          if (!c.want.error) expect(whole.error).toBeUndefined();
          // The same answer cut anywhere (once, or into single bytes for short ones) reads the same.
          const bytes = Buffer.byteLength(c.given, 'latin1');
          const step = Math.max(1, Math.floor(bytes / 200));
          for (let at = 1; at < bytes; at += step)
            expect(parse(c.given, { ...c, cuts: [at] }), `cut at ${at}`).toEqual(whole);
          if (bytes < 400)
            expect(parse(c.given, { ...c, cuts: [...Array(bytes).keys()] }), 'byte by byte').toEqual(whole);
        });
      }
    });
  }

  it('says nothing after halt()', () => {
    const events: string[] = [];
    const parser = new H1ResponseParser({
      onHead: () => {
        events.push('head');
        parser.halt();
      },
      onBody: () => events.push('body'),
      onComplete: () => events.push('complete'),
      onError: () => events.push('error'),
    });
    parser.expect(false);
    parser.execute(Buffer.from(`${OK}Content-Length: 2\r\n\r\nok`));
    parser.execute(Buffer.from('more'));
    expect(events).toEqual(['head']);
  });

  it('reads one answer after another when each is expected', () => {
    let body = '';
    let completed = 0;
    const parser = new H1ResponseParser({
      onHead: () => undefined,
      onBody: (c) => (body += c),
      onComplete: () => completed++,
      onError: (e) => expect.fail(e.message),
    });
    for (const answer of [
      `${OK}Content-Length: 1\r\n\r\na`,
      `${CHUNKED}1\r\nb\r\n0\r\n\r\n`,
      `${OK}Content-Length: 1\r\n\r\nc`,
    ]) {
      parser.expect(false);
      parser.execute(Buffer.from(answer));
    }
    expect({ body, completed }).toEqual({ body: 'abc', completed: 3 });
  });
});

describe('H1ResponseParser: the answer to a WebSocket handshake (issue 14)', () => {
  function handshake(text: string, cut?: number): string[] {
    const events: string[] = [];
    const parser = new H1ResponseParser({
      onHead: (h) => events.push(`head ${h.status} ${h.headers.join('|')}`),
      onBody: (b) => events.push(`body ${b.toString('latin1')}`),
      onComplete: () => events.push('complete'),
      onError: (e) => events.push(`error ${e.reason}`),
      onUpgrade: (rest) => events.push(`upgrade ${rest.toString('latin1')}`),
    });
    parser.expect(false, true);
    const bytes = Buffer.from(text, 'latin1');
    const at = cut ?? bytes.length;
    parser.execute(bytes.subarray(0, at));
    if (at < bytes.length) parser.execute(bytes.subarray(at));
    return events;
  }
  const SWITCH = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n';
  it('a 101 gives its head, then the bytes after it to the new protocol, and nothing more', () =>
    expect(handshake(`${SWITCH}Sec-WebSocket-Accept: abc=\r\n\r\n\x81\x02hi`)).toEqual([
      'head 101 Upgrade|websocket|Connection|Upgrade|Sec-WebSocket-Accept|abc=',
      'upgrade \x81\x02hi',
    ]));
  it('cut inside the head, the same', () =>
    expect(handshake(`${SWITCH}\r\n\x81\x00`, 20)).toEqual([
      'head 101 Upgrade|websocket|Connection|Upgrade',
      'upgrade \x81\x00',
    ]));
  it('any other answer is read as usual', () =>
    expect(handshake('HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno')).toEqual([
      'head 403 Content-Length|2',
      'body no',
      'complete',
    ]));
});
