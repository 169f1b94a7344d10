import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Code } from '../diagnostics/codes.js';
import type { CompiledRoute } from './compile.js';
import type { RequestFacts } from './proxy.js';
import { checkRateLimit, limitKey, type LimitOutcome } from './rate-limit/rate-limiter.js';
import { readBody, type BodyRead } from './validate/read-body.js';
import { bodySchemaFor, checkJsonBody, checkParameters, declaredMediaTypes, describeFieldError, missingBody, type FieldError } from './validate/validate-request.js';
import type { ValidateFunction } from 'ajv';

/** How a stage answers the client itself (server.ts): a problem+json with the route's extra headers, and the access-log event. */
export type Refuse = (req: IncomingMessage, res: ServerResponse, facts: RequestFacts, route: CompiledRoute, code: Code, detail: string, headers?: Record<string, string>, members?: Record<string, unknown>, drain?: boolean) => void;

/**
 * The stages after auth, in the agreed order: rate limit, then validation. true: forward the
 * request; false: a stage has answered it. Synchronous unless a stage has to wait (Redis, or
 * reading a JSON body to check it), so a route limited in memory pays no promise.
 */
export function admitRequest(req: IncomingMessage, res: ServerResponse, route: CompiledRoute, facts: RequestFacts, pathValues: readonly string[], query: string, refuse: Refuse): boolean | Promise<boolean> {
  const limit = route.rateLimit;
  if (limit !== null) {
    const outcome = checkRateLimit(limit, limitKey(limit, req, facts.consumer), Date.now());
    if (outcome instanceof Promise) {
      return outcome.then((o) => applyLimit(req, res, route, facts, o, refuse) && (route.validator === null || validate(req, res, route, facts, pathValues, query, refuse)));
    }
    if (!applyLimit(req, res, route, facts, outcome, refuse)) return false;
  }
  return route.validator === null ? true : validate(req, res, route, facts, pathValues, query, refuse);
}

function applyLimit(req: IncomingMessage, res: ServerResponse, route: CompiledRoute, facts: RequestFacts, outcome: LimitOutcome, refuse: Refuse): boolean {
  if (outcome.kind === 'unchecked') return true;
  if (outcome.kind === 'unavailable') {
    refuse(req, res, facts, route, 'GW_HTTP_RATE_LIMIT_UNAVAILABLE', 'the rate-limit store cannot be reached; retry shortly', { 'retry-after': '1' });
    return false;
  }
  facts.responseHeaders = facts.responseHeaders && facts.responseHeaders.length > 0 ? [...facts.responseHeaders, ...outcome.headers] : outcome.headers;
  if (outcome.kind === 'allowed') return true;
  refuse(req, res, facts, route, 'GW_HTTP_TOO_MANY_REQUESTS', `the limit of ${route.rateLimit!.requests} requests per window is used up; retry in ${outcome.retryAfterSeconds} s`);
  return false;
}

/**
 * Parameters at once; then the body's media type must be one the operation declares (415), and a
 * JSON body is read whole (up to maxBodySize), checked, and then sent on from memory.
 */
function validate(req: IncomingMessage, res: ServerResponse, route: CompiledRoute, facts: RequestFacts, pathValues: readonly string[], query: string, refuse: Refuse): boolean | Promise<boolean> {
  const v = route.validator!;
  const wrong = checkParameters(v, req, query, pathValues);
  if (wrong) return invalid(req, res, route, facts, wrong, refuse);
  const hasBody = facts.chunked || (facts.contentLength ?? 0) > 0;
  if (!hasBody) {
    const missing = missingBody(v, false);
    return missing ? invalid(req, res, route, facts, missing, refuse) : true;
  }
  const schema = bodySchemaFor(v, facts.contentType);
  if (schema === undefined) return true;
  if (schema === 'unsupported') {
    const sent = facts.contentType === undefined ? 'a body without Content-Type' : `a ${JSON.stringify(facts.contentType)} body`;
    refuse(req, res, facts, route, 'GW_HTTP_UNSUPPORTED_MEDIA_TYPE', `this operation takes ${declaredMediaTypes(v)}, not ${sent}`);
    return false;
  }
  return readBody(req, route.maxBodyBytes).then((read) => checkBody(req, res, route, facts, schema, read, refuse));
}

function checkBody(req: IncomingMessage, res: ServerResponse, route: CompiledRoute, facts: RequestFacts, schema: ValidateFunction, read: BodyRead, refuse: Refuse): boolean {
  if (read.kind === 'aborted') return false;
  if (read.kind === 'too-large') {
    // The rest of the body is not read: the connection closes after the answer.
    res.shouldKeepAlive = false;
    refuse(req, res, facts, route, 'GW_HTTP_PAYLOAD_TOO_LARGE', `the request body is larger than ${route.maxBodyBytes} bytes`, { connection: 'close' }, undefined, false);
    return false;
  }
  const wrong = checkJsonBody(schema, read.bytes);
  if (wrong) return invalid(req, res, route, facts, wrong, refuse);
  // The buffered body goes upstream with its length, whatever framing the client used.
  facts.body = read.bytes;
  facts.chunked = false;
  facts.contentLength = read.bytes.length;
  return true;
}

function invalid(req: IncomingMessage, res: ServerResponse, route: CompiledRoute, facts: RequestFacts, e: FieldError, refuse: Refuse): false {
  refuse(req, res, facts, route, 'GW_HTTP_VALIDATION', describeFieldError(e), undefined, { errors: [e] });
  return false;
}
