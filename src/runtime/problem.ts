import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Code } from '../diagnostics/codes.js';
import type { ProblemType } from '../model/types.js';
import { requestIdFrom } from './headers.js';

/** The model's problem catalogue (`gateway.problems`: status, title, type URL) by code, built once per table. */
export type ProblemCatalogue = ReadonlyMap<string, ProblemType>;

export function compileProblems(problems: readonly ProblemType[]): ProblemCatalogue {
  return new Map(problems.map((p) => [p.code, p]));
}

/** Every GW_HTTP_* code is in the catalogue merge writes; this stands in only for a model built without it. */
function problemOf(problems: ProblemCatalogue, code: Code): ProblemType {
  return problems.get(code) ?? { code, status: 500, type: 'about:blank', title: 'Internal Server Error' };
}

/**
 * Answers a client with application/problem+json (RFC 9457): a stable GW code with the status,
 * title and type the model's catalogue gives it, a detail that names nothing internal (no
 * upstream hosts, no stack), the request id.
 */
export function sendProblem(
  res: ServerResponse,
  problems: ProblemCatalogue,
  code: Code,
  detail: string,
  requestId: string,
  extraHeaders?: Record<string, string>,
  members?: Record<string, unknown>,
): void {
  const problem = problemOf(problems, code);
  const { status } = problem;
  const body = problemBody(problem, detail, requestId, members);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string | number> = {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    'cache-control': 'no-store',
    ...extraHeaders,
  };
  // HTTP/2 has no Connection header (RFC 9113 8.2.2), closing is the stream's end there, and no reason phrase.
  if (isHttp2(res)) {
    delete headers.connection;
    res.writeHead(status, headers);
  }
  // The reason phrase is given: one set by an earlier writeHead that threw would stay ("502 OK").
  else res.writeHead(status, STATUS_CODES[status] ?? 'Error', headers);
  res.end(body);
}

/** An answer on an HTTP/2 stream (Node's compatibility object, which has the stream). */
export function isHttp2(res: ServerResponse): boolean {
  return (res as { stream?: unknown }).stream !== undefined;
}

/**
 * `members` are extension members after the standard ones (RFC 9457 3.2), e.g. the failing fields of
 * GW_HTTP_VALIDATION.
 */
export function problemBody(
  problem: ProblemType,
  detail: string,
  requestId: string,
  members?: Record<string, unknown>,
): string {
  const { type, title, status, code } = problem;
  return JSON.stringify({ type, title, status, detail, code, requestId, ...members });
}

/** A whole HTTP/1.1 response for a socket the HTTP parser gave up on (no ServerResponse exists). */
export function rawProblemResponse(problems: ProblemCatalogue, code: Code, detail: string, requestId: string): string {
  const problem = problemOf(problems, code);
  const { status } = problem;
  const body = problemBody(problem, detail, requestId);
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    408: 'Request Timeout',
    413: 'Payload Too Large',
    431: 'Request Header Fields Too Large',
  };
  const reason = reasons[status] ?? 'Error';
  return (
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/problem+json\r\ncontent-length: ` +
    `${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`
  );
}

/** Requests Node's parser refuses (oversized headers, smuggling attempts, slow clients) get a problem+json answer. */
export function refuseClient(err: Error & { code?: string }, socket: Socket, problems: ProblemCatalogue): void {
  // A response is already on this socket (a pipelined request went bad): no answer can be slotted in.
  const busy = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (!socket.writable || err.code === 'ECONNRESET' || busy) {
    socket.destroy();
    return;
  }
  const id = requestIdFrom(undefined);
  const response =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? rawProblemResponse(problems, 'GW_HTTP_HEADERS_TOO_LARGE', 'the request headers are too large', id)
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? rawProblemResponse(problems, 'GW_HTTP_REQUEST_TIMEOUT', 'the request was not received in time', id)
        : rawProblemResponse(problems, 'GW_HTTP_BAD_REQUEST', 'the request is malformed', id);
  socket.end(response);
}
