import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CompiledRoute, PreparedMock } from './compile.js';
import { extraHeadersRecord } from './extra-headers.js';
import { sendProblem } from './problem.js';

/**
 * Answers a route of a mocked service from its documented responses: the first (a success) by
 * default; `Prefer: code=404` picks the documented 404 (RFC 7240 style, as Prism does). A code the
 * spec does not document is a 400 naming the ones it does.
 */
/** Returns the body bytes sent. */
export function answerMock(
  req: IncomingMessage,
  res: ServerResponse,
  route: CompiledRoute,
  requestId: string,
  prefer: string | undefined,
  extra?: readonly string[],
): number {
  req.resume();
  const mocks = route.mock!;
  const wanted = prefer ? /(?:^|[;,\s])code=(\d{3})/.exec(prefer)?.[1] : undefined;
  const mock: PreparedMock | undefined = wanted ? mocks.find((m) => m.status === Number(wanted)) : mocks[0];
  if (!mock) {
    const documented = mocks.map((m) => m.status).join(', ') || 'none';
    sendProblem(
      res,
      route.problems,
      'GW_HTTP_BAD_REQUEST',
      wanted
        ? `this operation documents no ${wanted} response (documented: ${documented})`
        : 'this operation documents no response',
      requestId,
      extra ? extraHeadersRecord(extra) : undefined,
    );
    return 0;
  }
  const headers: Record<string, string | number> = {
    ...(extra ? extraHeadersRecord(extra) : {}),
    'x-request-id': requestId,
    'x-gw-mock': 'true',
    'content-length': mock.body.length,
  };
  if (mock.contentType) headers['content-type'] = mock.contentType;
  res.writeHead(mock.status, headers);
  if (req.method === 'HEAD') {
    res.end();
    return 0;
  }
  res.end(mock.body);
  return mock.body.length;
}
