import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CompiledRoute } from './compile.js';
import { preflightHeaders } from './cors.js';
import type { RequestFacts } from './proxy.js';
import { emitAnswered, refuse } from './self-answers.js';

/** A CORS preflight: 204 with the route's CORS headers, or 403 (no CORS headers) for an origin it does not allow. */
export function answerPreflight(
  req: IncomingMessage,
  res: ServerResponse,
  facts: RequestFacts,
  route: CompiledRoute,
): void {
  const requested = req.headers['access-control-request-headers'];
  const headers = preflightHeaders(route.cors!, facts.origin!, typeof requested === 'string' ? requested : undefined);
  if (headers === null) {
    const detail = `the origin ${JSON.stringify(facts.origin)} may not call this route`;
    refuse(req, res, facts, route, 'GW_HTTP_CORS_REJECTED', detail);
    return;
  }
  res.writeHead(204, { ...headers, 'x-request-id': facts.requestId, 'content-length': '0' });
  res.end();
  req.resume();
  emitAnswered(req, res, facts, route, null);
}
