import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CompiledRoute } from '../compile.js';
import { extraHeadersRecord } from '../extra-headers.js';
import type { RequestFacts } from '../proxy.js';
import { emitAnswered, refuse } from '../self-answers.js';
import { buildShape, type RefValues } from './read-ref.js';
import { runComposition, type StepFailure } from './run-composition.js';
import type { SelfClient } from './self-client.js';

/**
 * A composite route's request, its body read whole if it has one (edge.requestBodies.buffer, else
 * 413); returns what stops its steps when the client leaves.
 */
export function startComposite(
  req: IncomingMessage,
  res: ServerResponse,
  facts: RequestFacts,
  route: CompiledRoute,
  params: readonly string[],
  url: string,
  q: number,
  hasBody: boolean,
  self: SelfClient,
): { clientClosed(): void } | undefined {
  if (hasBody && facts.body === undefined) {
    res.shouldKeepAlive = false;
    const detail = "a composite operation's body must fit in edge.requestBodies.buffer";
    refuse(req, res, facts, route, 'GW_HTTP_PAYLOAD_TOO_LARGE', detail, { connection: 'close' }, undefined, false);
    return undefined;
  }
  const run = answerComposite(req, res, facts, route, params, url, q, self);
  return { clientClosed: () => run.abort() };
}

/** The header that names the optional steps that failed. */
export const PARTIAL_HEADER = 'x-gw-partial';

/**
 * Answers a composite route's request (docs/composition.md): runs its steps through the gateway
 * itself, then sends the shaped JSON answer (200, X-Gw-Partial when optional steps failed), or a
 * problem naming the required step that failed (502) or timed out (504). Returns the run's abort
 * controller, which the server trips when the client leaves.
 */
export function answerComposite(
  req: IncomingMessage,
  res: ServerResponse,
  facts: RequestFacts,
  route: CompiledRoute,
  params: readonly string[],
  url: string,
  q: number,
  self: SelfClient,
): AbortController {
  const c = route.compose!;
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  let body: unknown;
  const request: Omit<RefValues, 'step' | 'item'> = {
    path: (name) => params[c.params.get(name) ?? -1],
    query: (name) => query.get(name) ?? undefined,
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    },
    body: () => (body ??= parseBody(facts.body)),
  };
  const caller = {
    requestId: facts.requestId,
    host: facts.host,
    client: facts.client,
    consumer: facts.consumer,
    rawHeaders: req.rawHeaders,
    query,
    secret: self.secret,
  };
  const abort = new AbortController();
  req.resume();
  void runComposition(c.plan, c.steps, request, caller, self, abort).then((outcome) => {
    if (res.destroyed) return;
    if (outcome.kind === 'failed') return refuseStep(req, res, facts, route, outcome.failure);
    const results = outcome.results;
    const answer = buildShape(c.plan.response, { ...request, step: (n) => results.get(n), item: undefined });
    const member = c.plan.failuresMember;
    if (member !== null && isObject(answer)) answer[member] = outcome.failures.map(failureEntry);
    send(req, res, facts, route, answer, outcome.failures);
  });
  return abort;
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  facts: RequestFacts,
  route: CompiledRoute,
  answer: unknown,
  failures: readonly StepFailure[],
): void {
  const bytes = Buffer.from(answer === undefined ? 'null' : JSON.stringify(answer));
  const headers: Record<string, string> = {
    ...(facts.responseHeaders ? extraHeadersRecord(facts.responseHeaders) : {}),
    'content-type': 'application/json',
    'content-length': String(bytes.length),
    'x-request-id': facts.requestId,
  };
  if (failures.length > 0) headers[PARTIAL_HEADER] = failures.map((f) => f.step).join(', ');
  res.writeHead(200, headers);
  res.end(bytes);
  emitAnswered(req, res, facts, route, null, bytes.length);
}

/** A required step failed: 504 for a timeout, else 502, naming the step (docs/composition.md, "Failures"). */
function refuseStep(
  req: IncomingMessage,
  res: ServerResponse,
  facts: RequestFacts,
  route: CompiledRoute,
  f: StepFailure,
): void {
  const timeout = f.reason === 'timeout';
  const detail = timeout
    ? `step "${f.step}" did not finish in time`
    : `step "${f.step}" failed (${f.reason}${f.status !== undefined ? ` ${f.status}` : ''})`;
  const members: Record<string, unknown> = { step: f.step, reason: f.reason };
  if (f.status !== undefined) members.stepStatus = f.status;
  if (f.code !== undefined) members.stepCode = f.code;
  const code = timeout ? 'GW_HTTP_COMPOSE_TIMEOUT' : 'GW_HTTP_COMPOSE_STEP_FAILED';
  refuse(req, res, facts, route, code, detail, undefined, members, false);
}

function failureEntry(f: StepFailure): Record<string, unknown> {
  return { step: f.step, reason: f.reason, ...(f.status !== undefined ? { status: f.status } : {}) };
}

function parseBody(bytes: Buffer | undefined): unknown {
  if (bytes === undefined || bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
