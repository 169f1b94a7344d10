import type { ComposeForward, ComposeStep, HttpMethod, RuntimeRoute } from '../../model/types.js';
import { readRef, type RefValues } from './read-ref.js';

/** One step request, ready to send to the gateway itself. */
export interface StepRequest {
  method: string;
  path: string;
  /** Flat [name, value, ...]. */
  headers: string[];
  body: Buffer | null;
}

/** A step with what its request needs from the route it calls, compiled once. */
export interface CompiledStep {
  plan: ComposeStep;
  method: HttpMethod;
  /** The called route's public path: literal text, and path parameter names to fill from the inputs. */
  path: (string | { param: string })[];
}

export function compileStep(plan: ComposeStep, route: RuntimeRoute): CompiledStep {
  const path: CompiledStep['path'] = [];
  for (const piece of route.path.split(/(\{[^{}]+\})/)) {
    if (piece === '') continue;
    const name = /^\{([^{}]+)\}$/.exec(piece)?.[1];
    path.push(name !== undefined ? { param: name } : piece);
  }
  return { plan, method: route.method, path };
}

/** What the step requests take from the caller's request. */
export interface CallerFacts {
  requestId: string;
  host: string;
  client: string;
  consumer: string | undefined;
  rawHeaders: readonly string[];
  /** The caller's query parameters, for forwarded credentials. */
  query: URLSearchParams;
  /** The self client's secret, for X-Gw-Step. */
  secret: string;
}

const MAX_REQUEST_ID = 128;

/** `<id>.<step>` (`.<n>` for a fan-out element), the caller's id shortened so the whole stays a valid id. */
export function stepRequestId(parent: string, suffix: string): string {
  return parent.slice(0, MAX_REQUEST_ID - suffix.length) + suffix;
}

/** The step's request (docs/composition.md, "Running a composite"), or the path parameter that has no value. */
export function stepRequest(
  step: CompiledStep,
  values: RefValues,
  caller: CallerFacts,
  suffix: string,
): StepRequest | { missing: string } {
  const given = new Map(step.plan.inputs.map((i) => [`${i.in}:${i.name}`, readRef(i.from, values)]));
  let path = '';
  for (const piece of step.path) {
    if (typeof piece === 'string') path += piece;
    else {
      const v = given.get(`path:${piece.param}`);
      if (v === undefined || v === null) return { missing: piece.param };
      path += encodeURIComponent(asText(v));
    }
  }
  const query: string[] = [];
  const headers = ['host', caller.host, 'x-request-id', stepRequestId(caller.requestId, suffix)];
  for (const input of step.plan.inputs) {
    const v = given.get(`${input.in}:${input.name}`);
    if (v === undefined || v === null) continue;
    if (input.in === 'query')
      for (const one of Array.isArray(v) ? v : [v])
        query.push(`${encodeURIComponent(input.name)}=${encodeURIComponent(asText(one))}`);
    else if (input.in === 'header') headers.push(input.name, asText(v));
  }
  if (step.plan.forward) forwardCredentials(step.plan.forward, caller, headers, query);
  headers.push('x-gw-step', `${caller.secret} ${caller.client} ${encodeURIComponent(caller.consumer ?? '')}`);
  const bodyValue = given.get('body:body');
  const body = bodyValue === undefined ? null : Buffer.from(JSON.stringify(bodyValue));
  if (body !== null) headers.push('content-type', 'application/json', 'content-length', String(body.length));
  return { method: step.method, path: query.length > 0 ? `${path}?${query.join('&')}` : path, headers, body };
}

/** Copies the caller's credentials the step's route reads: its headers, query parameters and cookies. */
function forwardCredentials(f: ComposeForward, caller: CallerFacts, headers: string[], query: string[]): void {
  const cookies: string[] = [];
  const raw = caller.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (f.headers.includes(name)) headers.push(raw[i]!, raw[i + 1]!);
    else if (name === 'cookie' && f.cookies.length > 0)
      for (const pair of raw[i + 1]!.split(';')) {
        const eq = pair.indexOf('=');
        if (eq !== -1 && f.cookies.includes(pair.slice(0, eq).trim())) cookies.push(pair.trim());
      }
  }
  if (cookies.length > 0) headers.push('cookie', cookies.join('; '));
  for (const name of f.query) {
    const v = caller.query.get(name);
    if (v !== null) query.push(`${encodeURIComponent(name)}=${encodeURIComponent(v)}`);
  }
}

/** A value as parameter text: strings as they are, other scalars as JSON, objects as JSON. */
function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
