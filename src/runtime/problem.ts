import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { CODES, type Code, type CodeInfo } from '../diagnostics/codes.js';
import { requestIdFrom } from './headers.js';

function statusOf(code: Code): number {
  return (CODES[code] as CodeInfo).status ?? 500;
}

/**
 * Answers a client with application/problem+json (RFC 9457): a stable GW code, the status from
 * the catalogue, a detail that names nothing internal (no upstream hosts, no stack), the request id.
 */
export function sendProblem(
  res: ServerResponse,
  code: Code,
  detail: string,
  requestId: string,
  extraHeaders?: Record<string, string>,
  members?: Record<string, unknown>,
): void {
  const status = statusOf(code);
  const body = problemBody(code, detail, requestId, members);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // The reason phrase is given: one set by an earlier writeHead that threw would stay ("502 OK").
  res.writeHead(status, STATUS_CODES[status] ?? 'Error', {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    'cache-control': 'no-store',
    ...extraHeaders,
  });
  res.end(body);
}

/** `members` are extension members after the standard ones (RFC 9457 3.2), e.g. the failing fields of GW_HTTP_VALIDATION. */
export function problemBody(code: Code, detail: string, requestId: string, members?: Record<string, unknown>): string {
  const info = CODES[code];
  return JSON.stringify({
    type: `https://gw.dev/errors#${code.toLowerCase()}`,
    title: info.title,
    status: statusOf(code),
    detail,
    code,
    requestId,
    ...members,
  });
}

/** A whole HTTP/1.1 response for a socket the HTTP parser gave up on (no ServerResponse exists). */
export function rawProblemResponse(code: Code, detail: string, requestId: string): string {
  const status = statusOf(code);
  const body = problemBody(code, detail, requestId);
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    408: 'Request Timeout',
    413: 'Payload Too Large',
    431: 'Request Header Fields Too Large',
  };
  const reason = reasons[status] ?? 'Error';
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`;
}

/** Requests Node's parser refuses (oversized headers, smuggling attempts, slow clients) get a problem+json answer. */
export function refuseClient(err: Error & { code?: string }, socket: Socket): void {
  // A response is already on this socket (a pipelined request went bad): no answer can be slotted in.
  const busy = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (!socket.writable || err.code === 'ECONNRESET' || busy) {
    socket.destroy();
    return;
  }
  const id = requestIdFrom(undefined);
  const response =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? rawProblemResponse('GW_HTTP_HEADERS_TOO_LARGE', 'the request headers are too large', id)
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? rawProblemResponse('GW_HTTP_REQUEST_TIMEOUT', 'the request was not received in time', id)
        : rawProblemResponse('GW_HTTP_BAD_REQUEST', 'the request is malformed', id);
  socket.end(response);
}
