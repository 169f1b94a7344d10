import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Code } from '../diagnostics/codes.js';
import { redactQueryParams } from './auth/strip-credentials.js';
import type { HeadRefusal } from './check-head.js';
import type { CompiledRoute } from './compile.js';
import { requestChannel, type RequestEvent } from './events.js';
import { extraHeadersRecord } from './extra-headers.js';
import { type ProblemCatalogue, sendProblem } from './problem.js';
import type { RequestFacts } from './proxy.js';

/*
 * The answers the gateway gives itself (404, 405, 401, 413, 429, ...), as problem+json, each told
 * to the access log and metrics (gw:request) like a forwarded one.
 */

/**
 * The gateway answers a matched route's request itself (401, 413, 429, 400, ...), with the route's extra headers
 * (CORS, RateLimit-*).
 */
export function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  facts: RequestFacts,
  route: CompiledRoute,
  code: Code,
  detail: string,
  headers?: Record<string, string>,
  members?: Record<string, unknown>,
  drain = true,
): void {
  const extra =
    facts.responseHeaders && facts.responseHeaders.length > 0
      ? { ...extraHeadersRecord(facts.responseHeaders), ...headers }
      : headers;
  sendProblem(res, route.problems, code, detail, facts.requestId, extra, members);
  // Unread request bodies are drained so the connection stays usable (or closed with it).
  if (drain) req.resume();
  emitAnswered(req, res, facts, route, code);
}

/**
 * The gateway answers itself (404, 405, 413, 401, ...), and tells the subscribers (with the route, when one matched).
 */
export function answer(
  req: IncomingMessage,
  res: ServerResponse,
  facts: RequestFacts,
  problems: ProblemCatalogue,
  code: Code,
  detail: string,
  headers?: Record<string, string>,
  route?: CompiledRoute,
): void {
  sendProblem(res, problems, code, detail, facts.requestId, headers);
  // Unread request bodies are drained so the connection stays usable (or closed with it).
  req.resume();
  emitAnswered(req, res, facts, route ?? null, code);
}

/** A request refused from its head (check-head.ts): the answer, then the connection closes, its body unread. */
export function refuseHead(
  req: IncomingMessage,
  res: ServerResponse,
  facts: RequestFacts,
  problems: ProblemCatalogue,
  refusal: HeadRefusal,
): void {
  res.shouldKeepAlive = false;
  sendProblem(res, problems, refusal.code, refusal.detail, facts.requestId, { connection: 'close' });
  emitAnswered(req, res, facts, null, refusal.code);
}

/** Tells the subscribers about a request the gateway answered itself. */
export function emitAnswered(
  req: IncomingMessage,
  res: ServerResponse,
  facts: RequestFacts,
  route: CompiledRoute | null,
  code: string | null = null,
  bytesOut = 0,
): void {
  if (!requestChannel.hasSubscribers) return;
  requestChannel.publish({
    time: Date.now(),
    requestId: facts.requestId,
    client: facts.client,
    method: req.method ?? '',
    path:
      route && route.auth.logRedact.length > 0
        ? redactQueryParams(req.url ?? '', route.auth.logRedact)
        : (req.url ?? ''),
    route: route?.id ?? null,
    service: route?.service ?? null,
    target: route && code === null ? (route.compose !== null ? 'compose' : 'mock') : null,
    status: res.statusCode,
    durationMs: performance.now() - facts.start,
    bytesIn: facts.contentLength ?? 0,
    bytesOut,
    code,
    consumer: facts.consumer ?? null,
  } satisfies RequestEvent);
}
