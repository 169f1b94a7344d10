import { describe, expect, it } from 'vitest';
import { compileProblems, problemBody, rawProblemResponse } from '../../../src/runtime/problem.js';
import { settle } from '../../helpers/routes.js';

const catalogue = compileProblems(settle([]).problems);

describe("problem+json bodies print the model's catalogue", () => {
  it('type, title and status come from gateway.problems, then detail, code, request id and members', () => {
    const body = problemBody(catalogue.get('GW_HTTP_NOT_FOUND')!, 'no route matches this path', 'r1', { extra: 1 });
    expect(body).toBe(
      '{"type":"https://gw.dev/errors#gw_http_not_found","title":"No route matches the request path.",' +
        '"status":404,"detail":"no route matches this path","code":"GW_HTTP_NOT_FOUND","requestId":"r1","extra":1}',
    );
  });

  it('whatever the model says is what is sent (nothing is rebuilt from the code)', () => {
    const moved = compileProblems([
      { code: 'GW_HTTP_NOT_FOUND', status: 404, type: 'https://errors.example/nf', title: 'Gone' },
    ]);
    expect(JSON.parse(problemBody(moved.get('GW_HTTP_NOT_FOUND')!, 'd', 'r'))).toMatchObject({
      type: 'https://errors.example/nf',
      title: 'Gone',
    });
  });

  it('a raw answer for a socket the parser gave up on: status line, headers and the same body', () => {
    const raw = rawProblemResponse(catalogue, 'GW_HTTP_HEADERS_TOO_LARGE', 'the request headers are too large', 'r2');
    const [head, body] = raw.split('\r\n\r\n') as [string, string];
    expect(head.split('\r\n')).toEqual([
      'HTTP/1.1 431 Request Header Fields Too Large',
      'content-type: application/problem+json',
      `content-length: ${Buffer.byteLength(body)}`,
      'x-request-id: r2',
      'connection: close',
    ]);
    expect(JSON.parse(body)).toMatchObject({
      type: 'https://gw.dev/errors#gw_http_headers_too_large',
      status: 431,
      code: 'GW_HTTP_HEADERS_TOO_LARGE',
    });
  });

  it('a code a hand-built model lacks is a 500 with no type of its own (about:blank)', () => {
    const raw = rawProblemResponse(compileProblems([]), 'GW_HTTP_BAD_REQUEST', 'bad', 'r3');
    expect(raw.startsWith('HTTP/1.1 500 Error\r\n')).toBe(true);
    expect(JSON.parse(raw.split('\r\n\r\n')[1]!)).toMatchObject({ type: 'about:blank', status: 500 });
  });
});
