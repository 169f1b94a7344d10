import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EDGE } from '../../../src/project/edge.js';
import { checkHead } from '../../../src/runtime/check-head.js';
import { readFacts } from '../../../src/runtime/read-facts.js';

/** A request as node:http hands it over: raw headers, the header object made from them, the version. */
function request(raw: string[], minor = 1): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) headers[raw[i]!.toLowerCase()] ??= raw[i + 1]!;
  return { rawHeaders: raw, headers, httpVersionMinor: minor } as unknown as IncomingMessage;
}

function judge(raw: string[], minor = 1, edge = DEFAULT_EDGE): string | undefined {
  const req = request(raw, minor);
  return checkHead(req, readFacts(raw), edge)?.code;
}

describe('checkHead: what the gateway refuses from a request head (issue 10, items 6 and 11)', () => {
  const table: { name: string; raw: string[]; minor?: number; want: string | undefined }[] = [
    { name: 'a plain request', raw: ['Host', 'api.example.com', 'Accept', '*/*'], want: undefined },
    { name: 'host with a port', raw: ['Host', 'api.example.com:8443'], want: undefined },
    { name: 'an IPv6 literal with a port', raw: ['Host', '[2001:db8::1]:80'], want: undefined },
    { name: 'no Host at all (HTTP/1.0)', raw: ['Accept', '*/*'], minor: 0, want: undefined },
    { name: 'two Host headers', raw: ['Host', 'a.example', 'host', 'b.example'], want: 'GW_HTTP_BAD_REQUEST' },
    { name: 'two equal Host headers', raw: ['Host', 'a.example', 'Host', 'a.example'], want: 'GW_HTTP_BAD_REQUEST' },
    { name: 'an empty Host', raw: ['Host', ''], want: 'GW_HTTP_BAD_REQUEST' },
    { name: 'a Host with a space', raw: ['Host', 'a b'], want: 'GW_HTTP_BAD_REQUEST' },
    { name: 'a Host with a path', raw: ['Host', 'a.example/x'], want: 'GW_HTTP_BAD_REQUEST' },
    { name: 'a Host with user info', raw: ['Host', 'user@a.example'], want: 'GW_HTTP_BAD_REQUEST' },
    { name: 'a port that is not a number', raw: ['Host', 'a.example:http'], want: 'GW_HTTP_BAD_REQUEST' },
    { name: 'an unclosed IPv6 literal', raw: ['Host', '[::1'], want: 'GW_HTTP_BAD_REQUEST' },
    { name: 'chunked', raw: ['Host', 'a', 'Transfer-Encoding', 'chunked'], want: undefined },
    {
      name: 'gzip, chunked',
      raw: ['Host', 'a', 'Transfer-Encoding', 'gzip, chunked'],
      want: 'GW_HTTP_TRANSFER_ENCODING',
    },
    {
      name: 'gzip and chunked on two lines',
      raw: ['Host', 'a', 'Transfer-Encoding', 'gzip', 'Transfer-Encoding', 'chunked'],
      want: 'GW_HTTP_TRANSFER_ENCODING',
    },
    {
      name: 'Transfer-Encoding in HTTP/1.0',
      raw: ['Host', 'a', 'Transfer-Encoding', 'chunked'],
      minor: 0,
      want: 'GW_HTTP_BAD_REQUEST',
    },
    { name: 'one Content-Type', raw: ['Host', 'a', 'Content-Type', 'application/json'], want: undefined },
    {
      name: 'two Content-Types',
      raw: ['Host', 'a', 'Content-Type', 'application/json', 'content-type', 'text/plain'],
      want: 'GW_HTTP_BAD_REQUEST',
    },
    {
      name: 'X-Request-Id is not a Content-Type (same length)',
      raw: ['Host', 'a', 'X-Request-Id', 'r1', 'Content-Type', 'text/plain'],
      want: undefined,
    },
  ];
  for (const t of table) it(t.name, () => expect(judge(t.raw, t.minor)).toBe(t.want));
});

describe('checkHead: headers with "_" in their names', () => {
  it('drops them from the raw list and the header object (edge.underscoresInHeaders: drop)', () => {
    const raw = ['Host', 'a', 'X_Consumer', 'root', 'X-Consumer', 'me', 'x_other', '1'];
    const req = request(raw);
    expect(checkHead(req, readFacts(raw), DEFAULT_EDGE)).toBeUndefined();
    expect(req.rawHeaders).toEqual(['Host', 'a', 'X-Consumer', 'me']);
    expect(Object.keys(req.headers)).toEqual(['host', 'x-consumer']);
  });
  it('keeps them with allow', () => {
    const raw = ['Host', 'a', 'X_Consumer', 'root'];
    const req = request(raw);
    checkHead(req, readFacts(raw), { ...DEFAULT_EDGE, underscoresInHeaders: 'allow' });
    expect(req.rawHeaders).toEqual(raw);
  });
  it('leaves a request without them as it is (the same array)', () => {
    const raw = ['Host', 'a', 'X-Kept', '1'];
    const req = request(raw);
    checkHead(req, readFacts(raw), DEFAULT_EDGE);
    expect(req.rawHeaders).toBe(raw);
  });
});
