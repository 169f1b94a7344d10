import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Code } from '../diagnostics/codes.js';
import type { CompiledRoute } from './compile.js';
import type { RequestFacts } from './proxy.js';
import { checkRateLimit, limitKey, type LimitOutcome } from './rate-limit/rate-limiter.js';
import type { BodyIntake } from './body-intake.js';
import { readBody, type BodyRead, type BodyReadOptions } from './read-body.js';
import {
  bodySchemaFor,
  checkJsonBody,
  checkParameters,
  declaredMediaTypes,
  describeFieldError,
  missingBody,
  type FieldError,
} from './validate/validate-request.js';
import type { ValidateFunction } from 'ajv';

/** How a stage answers the client itself (server.ts): a problem+json with the route's extra headers, and the access-log event. */
export type Refuse = (
  req: IncomingMessage,
  res: ServerResponse,
  facts: RequestFacts,
  route: CompiledRoute,
  code: Code,
  detail: string,
  headers?: Record<string, string>,
  members?: Record<string, unknown>,
  drain?: boolean,
) => void;

/**
 * The stages after auth, in the agreed order: rate limit, then validation. true: forward the
 * request; false: a stage has answered it. Synchronous unless a stage has to wait (Redis, or
 * reading a JSON body to check it), so a route limited in memory pays no promise.
 */
export function admitRequest(
  req: IncomingMessage,
  res: ServerResponse,
  route: CompiledRoute,
  facts: RequestFacts,
  pathValues: readonly string[],
  query: string,
  refuse: Refuse,
  intake: BodyIntake,
): boolean | Promise<boolean> {
  const limit = route.rateLimit;
  if (limit !== null) {
    const outcome = checkRateLimit(limit, limitKey(limit, req, facts.consumer, facts.client), Date.now());
    if (outcome instanceof Promise) {
      return outcome.then(
        (o) =>
          applyLimit(req, res, route, facts, o, refuse) &&
          (route.validator === null || validate(req, res, route, facts, pathValues, query, refuse, intake)),
      );
    }
    if (!applyLimit(req, res, route, facts, outcome, refuse)) return false;
  }
  return route.validator === null ? true : validate(req, res, route, facts, pathValues, query, refuse, intake);
}

function applyLimit(
  req: IncomingMessage,
  res: ServerResponse,
  route: CompiledRoute,
  facts: RequestFacts,
  outcome: LimitOutcome,
  refuse: Refuse,
): boolean {
  if (outcome.kind === 'unchecked') return true;
  if (outcome.kind === 'unavailable') {
    refuse(
      req,
      res,
      facts,
      route,
      'GW_HTTP_RATE_LIMIT_UNAVAILABLE',
      'the rate-limit store cannot be reached; retry shortly',
      { 'retry-after': '1' },
    );
    return false;
  }
  facts.responseHeaders =
    facts.responseHeaders && facts.responseHeaders.length > 0
      ? [...facts.responseHeaders, ...outcome.headers]
      : outcome.headers;
  if (outcome.kind === 'allowed') return true;
  refuse(
    req,
    res,
    facts,
    route,
    'GW_HTTP_TOO_MANY_REQUESTS',
    `the limit of ${route.rateLimit!.requests} requests per window is used up; retry in ${outcome.retryAfterSeconds} s`,
  );
  return false;
}

/**
 * Parameters at once; then the body's media type must be one the operation declares (415), and a
 * JSON body is read whole (up to maxBodySize), checked, and then sent on from memory.
 */
function validate(
  req: IncomingMessage,
  res: ServerResponse,
  route: CompiledRoute,
  facts: RequestFacts,
  pathValues: readonly string[],
  query: string,
  refuse: Refuse,
  intake: BodyIntake,
): boolean | Promise<boolean> {
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
    const sent =
      facts.contentType === undefined ? 'a body without Content-Type' : `a ${JSON.stringify(facts.contentType)} body`;
    refuse(
      req,
      res,
      facts,
      route,
      'GW_HTTP_UNSUPPORTED_MEDIA_TYPE',
      `this operation takes ${declaredMediaTypes(v)}, not ${sent}`,
    );
    return false;
  }
  const options = bodyReadOptions(route, facts, intake, Infinity, undefined);
  return readBody(req, options).then((read) => checkBody(req, res, route, facts, schema, read, refuse));
}

function checkBody(
  req: IncomingMessage,
  res: ServerResponse,
  route: CompiledRoute,
  facts: RequestFacts,
  schema: ValidateFunction,
  read: BodyRead,
  refuse: Refuse,
): boolean {
  if (read.kind !== 'body' && read.kind !== 'head') return refuseBodyRead(req, res, facts, route, read, refuse);
  const wrong = checkJsonBody(schema, read.bytes);
  if (wrong) return invalid(req, res, route, facts, wrong, refuse);
  keepWholeBody(facts, read.bytes);
  return true;
}

function invalid(
  req: IncomingMessage,
  res: ServerResponse,
  route: CompiledRoute,
  facts: RequestFacts,
  e: FieldError,
  refuse: Refuse,
): false {
  refuse(req, res, facts, route, 'GW_HTTP_VALIDATION', describeFieldError(e), undefined, { errors: [e] });
  return false;
}

/**
 * gw's rule for request bodies (docs/serve.md): before an upstream connection is taken, the body
 * is read into memory, all of it when it fits in edge.bodyBufferBytes, else that much, and the
 * rest streams after it. So a slow client holds memory it has sent, never an upstream connection,
 * until it has proved it is sending. true: go on (facts.body or facts.bodyHead is set); false: the
 * gateway has answered (408, 413, 503) or the client left.
 */
export function bufferBody(
  req: IncomingMessage,
  res: ServerResponse,
  facts: RequestFacts,
  route: CompiledRoute,
  intake: BodyIntake,
  refuse: Refuse,
): Promise<boolean> {
  const length = facts.chunked ? undefined : facts.contentLength;
  return readBody(req, bodyReadOptions(route, facts, intake, route.edge.bodyBufferBytes, length)).then((read) => {
    if (read.kind === 'head') facts.bodyHead = read.bytes;
    else if (read.kind === 'body') keepWholeBody(facts, read.bytes);
    else return refuseBodyRead(req, res, facts, route, read, refuse);
    return true;
  });
}

/** How a route's body is read: its maxBodySize, the edge's body timeout and memory, up to `stopAt` bytes. */
function bodyReadOptions(
  route: CompiledRoute,
  facts: RequestFacts,
  intake: BodyIntake,
  stopAt: number,
  length: number | undefined,
): BodyReadOptions {
  const edge = route.edge;
  return {
    limit: route.maxBodyBytes,
    stopAt,
    length,
    gapMs: edge.bodyTimeoutMs,
    intake,
    memoryLimit: edge.bodyMemoryBytes,
    holder: facts,
  };
}

/** A body read whole goes upstream from memory with its length, whatever framing the client used. */
function keepWholeBody(facts: RequestFacts, bytes: Buffer): void {
  facts.body = bytes;
  facts.chunked = false;
  facts.contentLength = bytes.length;
}

type FailedRead = Exclude<BodyRead, { kind: 'body' | 'head' }>;

/** Answers a body that could not be read (the connection closes: the rest of the body is never read); always false. */
function refuseBodyRead(
  req: IncomingMessage,
  res: ServerResponse,
  facts: RequestFacts,
  route: CompiledRoute,
  read: FailedRead,
  refuse: Refuse,
): false {
  if (read.kind === 'aborted') return false;
  res.shouldKeepAlive = false;
  const close = { connection: 'close' };
  if (read.kind === 'too-large') {
    refuse(
      req,
      res,
      facts,
      route,
      'GW_HTTP_PAYLOAD_TOO_LARGE',
      `the request body is larger than ${route.maxBodyBytes} bytes`,
      close,
      undefined,
      false,
    );
  } else if (read.kind === 'timeout') {
    refuse(
      req,
      res,
      facts,
      route,
      'GW_HTTP_REQUEST_TIMEOUT',
      `the client sent no body bytes for ${route.edge.bodyTimeoutMs} ms`,
      close,
      undefined,
      false,
    );
  } else {
    const detail = 'the gateway holds as many request bodies as it may; retry shortly';
    refuse(req, res, facts, route, 'GW_HTTP_BUFFERS_FULL', detail, { ...close, 'retry-after': '1' }, undefined, false);
  }
  return false;
}
