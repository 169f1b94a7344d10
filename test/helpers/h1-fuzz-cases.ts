/**
 * Random HTTP/1.1 answers for the differential test of the response parser: mostly well-formed,
 * with one or two deliberate mistakes of the kinds issue 10 names (status line, header syntax,
 * Content-Length and Transfer-Encoding combinations, chunk framing, extra bytes, obs-fold, bare
 * LF, oversized heads). Each case lists the features it used, so a known, documented difference
 * between two parsers can be told from a bug. Seeded: the same seed gives the same cases.
 */

export interface FuzzCase {
  method: 'GET' | 'HEAD';
  bytes: Buffer;
  /** Where the bytes are cut into separate writes / reads. */
  cuts: number[];
  features: string[];
}

/** mulberry32: small, fast, good enough for test inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pick = <T>(items: readonly T[]) => T;

const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const TRICKY = [
  ' ',
  '\t',
  '"',
  '=',
  ';',
  '\\',
  ',',
  ':',
  '(',
  '@',
  '\u0001',
  '\u0000',
  '\u007f',
  '\u0080',
  '\u00ff',
  '\r',
  '\n',
];

export function generateCase(next: () => number): FuzzCase {
  const chance = (p: number) => next() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick: Pick = (items) => items[Math.floor(next() * items.length)]!;
  const word = (n: number, chars = TCHARS) => Array.from({ length: n }, () => pick([...chars])).join('');
  const features: string[] = [];
  const use = <T>(feature: string, value: T): T => {
    features.push(feature);
    return value;
  };

  const method = chance(0.1) ? 'HEAD' : 'GET';
  let text = chance(0.03) ? use('leading-crlf', '\r\n') : '';
  if (chance(0.15))
    text +=
      `HTTP/1.1 ${chance(0.3) ? use('interim-100', '100') : pick(['102', '103'])} Interim\r\n` +
      `${chance(0.5) ? 'Link: </a>\r\n' : ''}\r\n`;

  const version = chance(0.9)
    ? pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'])
    : use('bad-version', pick(['HTTP/1.2', 'HTTP/2.0', 'HTTP/0.9', 'http/1.1', 'HTTP/1.1 ', 'HTTP/11']));
  if (version === 'HTTP/2.0' || version === 'HTTP/0.9') features.push('version-llhttp-knows');
  const status = chance(0.92)
    ? pick(['200', '200', '201', '204', '206', '301', '304', '404', '500', '999'])
    : use('bad-status', pick(['2000', '20', '099', '20a', '101']));
  const reason = pick([' OK', ' Not Found', '', ' ', ` w\u0000e\u0001ird\u00ff`]);
  const head: string[] = [`${version} ${status}${reason}`];

  for (let i = int(0, 4); i > 0; i--) head.push(`X-${word(int(1, 8))}: ${word(int(0, 20), `${TCHARS} /;="`)}`);
  if (chance(0.04)) head.push(`X-Large: ${'a'.repeat(int(20_000, 60_000))}`);
  if (chance(0.04)) head.push(use('huge-head', `X-Huge: ${'a'.repeat(int(70_000, 90_000))}`));
  if (chance(0.25)) mutateHeader(head, pick, use, int);

  const noBody = method === 'HEAD' || status === '204' || status === '304';
  const body = chance(0.1)
    ? Buffer.alloc(int(1000, 100_000), 'b').toString('latin1')
    : word(int(0, 60), `${TCHARS}\r\n \u0000\u00ff`);
  const framing = pick(['length', 'length', 'chunked', 'chunked', 'close', 'other']);
  let payload = '';
  if (framing === 'length') payload = contentLength(head, body, chance, pick, use, int);
  else if (framing === 'chunked') {
    head.push(`Transfer-Encoding: ${chance(0.1) ? 'ChUnKeD' : 'chunked'}`);
    if (chance(0.05)) head.push(use('te-and-cl', `Content-Length: ${body.length}`));
    payload = chunkedBody(body, chance, pick, use, int, word);
  } else if (framing === 'other') {
    head.push(
      'Transfer-Encoding: ' +
        `${use('te-not-chunked', pick(['gzip', 'gzip, chunked', 'chunked, gzip', 'identity', 'xchunked']))}`,
    );
    payload = body;
  } else payload = body;
  if (noBody && payload.length > 0 && (framing === 'length' || framing === 'chunked'))
    features.push('bytes-after-no-body');
  if (status === '204' || status === '304') {
    if (framing === 'length' && !/Content-Length: 0\b/.test(head.join('\n')))
      features.push('no-body-status-with-length');
  }

  let headText = `${head.join('\r\n')}\r\n\r\n`;
  if (chance(0.04)) headText = use('bare-lf', replaceOne(headText, '\r\n', '\n', int));
  text += headText + payload;
  if (chance(0.08))
    text += use('extra-after', pick(['\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nINJECTED', 'junk']));
  const bytes = Buffer.from(text, 'latin1');
  const cuts = Array.from({ length: int(0, 4) }, () => int(1, Math.max(1, bytes.length - 1))).sort((a, b) => a - b);
  return { method, bytes, cuts, features };
}

function mutateHeader(
  head: string[],
  pick: Pick,
  use: <T>(f: string, v: T) => T,
  int: (a: number, b: number) => number,
): void {
  const kind = pick([
    'obs-fold',
    'no-colon',
    'space-before-colon',
    'ctl-in-value',
    'bad-name-char',
    'bare-cr-value',
    'empty-name',
  ]);
  const line = {
    'obs-fold': ` folded`,
    'no-colon': 'NoColonHere',
    'space-before-colon': 'X-Space : 1',
    'ctl-in-value': `X-Ctl: a${pick(['\u0001', '\u0000', '\u007f', '\u001f', '\u000b'])}b`,
    'bad-name-char': `X${pick(['(', '@', '/', '\u0080', '"', '{'])}Y: 1`,
    'bare-cr-value': 'X-Cr: a\rb',
    'empty-name': ': empty',
  }[kind]!;
  head.splice(int(1, head.length), 0, use(kind, line));
}

function contentLength(
  head: string[],
  body: string,
  chance: (p: number) => boolean,
  pick: Pick,
  use: <T>(f: string, v: T) => T,
  int: (a: number, b: number) => number,
): string {
  const n = body.length;
  if (chance(0.75)) head.push(`Content-Length: ${n}`);
  else {
    const kind = pick(['cl-dup-same', 'cl-dup-diff', 'cl-bad', 'cl-short', 'cl-long', 'cl-blanks', 'cl-zeros']);
    use(kind, 0);
    if (kind === 'cl-dup-same') head.push(`Content-Length: ${n}`, `Content-Length: ${n}`);
    if (kind === 'cl-dup-diff') head.push(`Content-Length: ${n}`, `Content-Length: ${n + 1}`);
    if (kind === 'cl-bad')
      head.push(
        'Content-Length: ' +
          `${pick([`+${n}`, `${n} ${n}`, '', 'abc', `0x${n}`, '-1', `${n},${n}`, '99999999999999999999'])}`,
      );
    if (kind === 'cl-short') head.push(`Content-Length: ${n + int(1, 10)}`);
    if (kind === 'cl-long') {
      head.push(`Content-Length: ${Math.max(0, n - int(1, 5))}`);
      return body;
    }
    if (kind === 'cl-blanks') head.push(`Content-Length:${pick([' ', '  ', '\t', ' \t'])}${n}${pick(['', ' ', '\t'])}`);
    if (kind === 'cl-zeros') head.push(`Content-Length: 000${n}`);
  }
  return body;
}

function chunkedBody(
  body: string,
  chance: (p: number) => boolean,
  pick: Pick,
  use: <T>(f: string, v: T) => T,
  int: (a: number, b: number) => number,
  word: (n: number, chars?: string) => string,
): string {
  let out = '';
  let at = 0;
  while (at < body.length) {
    const size = Math.min(body.length - at, int(1, 5000));
    const sizeText = chance(0.1) ? `00${size.toString(16).toUpperCase()}` : size.toString(16);
    out +=
      `${sizeText}${chance(0.15) ? extension(chance, pick, use, int, word) : ''}\r\n` +
      `${body.slice(at, at + size)}\r\n`;
    at += size;
  }
  out += `0${chance(0.1) ? extension(chance, pick, use, int, word) : ''}\r\n`;
  if (chance(0.1)) out += use('trailers', `X-Trailer: ${word(int(0, 10))}\r\n`);
  if (chance(0.02)) out += use('te-trailer', 'Transfer-Encoding: chunked\r\n');
  out += '\r\n';
  if (chance(0.15)) {
    const kind = pick(['chunk-junk', 'chunk-bad-size', 'chunk-bare-lf', 'chunk-cut', 'chunk-huge-ext', 'trailer-bad']);
    use(kind, 0);
    const data = out.indexOf('\r\n') + 2;
    if (kind === 'chunk-junk' && body.length > 0) out = out.replace(/\r\n(?=[0-9a-fA-F]+[;\r])/, 'JUNK\r\n');
    if (kind === 'chunk-bad-size') out = pick([' ', '0x', 'g', '-']) + out;
    if (kind === 'chunk-bare-lf') out = replaceOne(out, '\r\n', '\n', int);
    if (kind === 'chunk-cut') out = out.slice(0, int(0, Math.max(0, out.length - 1)));
    if (kind === 'chunk-huge-ext')
      out = `${out.slice(0, data - 2)};${'e'.repeat(int(17_000, 20_000))}${out.slice(data - 2)}`;
    if (kind === 'trailer-bad')
      out = `${out.slice(0, -2)}${pick(['X : 1', 'NoColon', ' folded', 'X: a\u0001'])}\r\n\r\n`;
  }
  return out;
}

/** `;name[=value]` chunk extensions, mostly valid, sometimes with a tricky byte somewhere. */
function extension(
  chance: (p: number) => boolean,
  pick: Pick,
  use: <T>(f: string, v: T) => T,
  int: (a: number, b: number) => number,
  word: (n: number, chars?: string) => string,
): string {
  let ext = '';
  for (let i = int(1, 3); i > 0; i--) {
    ext += `;${word(int(0, 6))}`;
    if (chance(0.6)) {
      const quoted = () => `"${word(int(0, 8), `${TCHARS} \t(),\\"`).replace(/\\"|"|\\$/g, '\\\\')}"`;
      ext += `=${chance(0.3) ? quoted() : word(int(0, 6))}`;
    }
  }
  if (chance(0.25)) {
    const at = int(0, ext.length);
    ext = ext.slice(0, at) + use('ext-tricky', pick(TRICKY)) + ext.slice(at);
  }
  return ext;
}

function replaceOne(text: string, find: string, by: string, int: (a: number, b: number) => number): string {
  const all: number[] = [];
  for (let i = text.indexOf(find); i !== -1; i = text.indexOf(find, i + 1)) all.push(i);
  if (all.length === 0) return text;
  const at = all[int(0, all.length - 1)]!;
  return text.slice(0, at) + by + text.slice(at + find.length);
}
