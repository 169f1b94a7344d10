import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, requestIdFrom, upstreamRequestHeaders } from '../../../src/runtime/headers.js';

describe('upstreamRequestHeaders', () => {
  it('drops hop-by-hop headers and those named in Connection, sets the forwarding headers', () => {
    const out = upstreamRequestHeaders(
      [
        'Host',
        'api.test',
        'Connection',
        'keep-alive, X-Hop',
        'X-Hop',
        '1',
        'TE',
        'trailers',
        'Expect',
        '100-continue',
        'X-Forwarded-For',
        '198.51.100.1',
        'X-Kept',
        'yes',
        'X-Request-Id',
        'spoof',
      ],
      {
        peerIp: '127.0.0.1',
        proto: 'http',
        host: 'api.test',
        requestId: 'rid',
        upstreamHost: 'svc.internal:8080',
        contentLength: undefined,
      },
    );
    expect(out).toEqual([
      'X-Kept',
      'yes',
      'host',
      'svc.internal:8080',
      'x-forwarded-for',
      '198.51.100.1, 127.0.0.1',
      'x-forwarded-proto',
      'http',
      'x-forwarded-host',
      'api.test',
      'x-request-id',
      'rid',
    ]);
  });
  it('counts every Connection line, not only the last (issue 10, item 6)', () => {
    const out = upstreamRequestHeaders(
      ['Host', 'a', 'Connection', 'X-Hop', 'connection', 'keep-alive', 'X-Hop', '1', 'X-Kept', 'yes'],
      { peerIp: '::1', proto: 'http', host: 'a', requestId: 'r', upstreamHost: 'u', contentLength: undefined },
    );
    expect(out.slice(0, 2)).toEqual(['X-Kept', 'yes']);
    expect(out.map((h) => h.toLowerCase())).not.toContain('x-hop');
  });
  it('keeps the client Host when asked (preserveHost)', () => {
    expect(
      upstreamRequestHeaders(['Host', 'api.test'], {
        peerIp: '::1',
        proto: 'http',
        host: 'api.test',
        requestId: 'r',
        upstreamHost: undefined,
        contentLength: undefined,
      }),
    ).toContain('api.test');
  });
});

describe('clientResponseHeaders and request ids', () => {
  it('drops hop-by-hop response headers and sets X-Request-Id', () => {
    const raw = [
      'Content-Type',
      'text/plain',
      'Connection',
      'close, X-Internal',
      'X-Internal',
      'a',
      'Transfer-Encoding',
      'chunked',
      'X-Request-Id',
      'other',
    ];
    expect(clientResponseHeaders(raw, 'rid')).toEqual(['Content-Type', 'text/plain', 'x-request-id', 'rid']);
  });
  it('counts every Connection line of a response too', () => {
    expect(clientResponseHeaders(['Connection', 'X-A', 'Connection', 'close', 'X-A', '1', 'X-B', '2'], 'r')).toEqual([
      'X-B',
      '2',
      'x-request-id',
      'r',
    ]);
  });
  it('keeps a plain client request id, replaces anything else', () => {
    expect(requestIdFrom('abc-123_x:y.z')).toBe('abc-123_x:y.z');
    expect(requestIdFrom('has space')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('x'.repeat(129))).toMatch(/^[0-9a-f-]{36}$/);
  });
});
