/**
 * Composition (docs/composition.md): a route answered by calling other routes of the gateway
 * (steps) and building one answer from their results. The importer reads the `x-gw.compose`
 * block into a ComposeDraft; merge checks it against the whole gateway and settles a
 * Composition on the route, which gw serve and the Node gateway execute as it is.
 * Part of THE MODEL (types.ts re-exports every type here).
 */

import type { Source } from './source.js';

/** Where a request's value is read from. */
export type ComposeRequestPart = 'path' | 'query' | 'header' | 'body';

/**
 * A value of the composite's request, of an earlier step's answer body, of the fan-out element,
 * or a constant. `pointer` holds the JSON Pointer's tokens, unescaped; a `*` token takes every
 * element of an array (the results are flattened into one array, one level per `*`).
 */
export type ComposeRef =
  | { kind: 'request'; part: ComposeRequestPart; name: string | null; pointer: string[] }
  | { kind: 'step'; step: string; pointer: string[] }
  | { kind: 'item'; pointer: string[] }
  | { kind: 'value'; value: unknown };

/** One parameter (or the body) of the called operation, and where its value comes from. */
export interface ComposeInput {
  name: string;
  in: ComposeRequestPart;
  from: ComposeRef;
}

/** A step that calls its operation once per element of an array (`item`), a few at a time. */
export interface ComposeFanOut {
  from: ComposeRef;
  concurrency: number;
  maxItems: number;
}

/** The caller's credentials a step passes on: the carriers of its route's security schemes. */
export interface ComposeForward {
  /** Lower-case header names. */
  headers: string[];
  query: string[];
  cookies: string[];
}

export interface ComposeStep {
  /** Unique in the composition; the suffix of the step's request id (`<id>.<name>`). */
  name: string;
  /** The id of the route the step calls; its own policies apply as if a client called it. */
  route: string;
  /** Path and query parameters, headers and the body, in the called operation's order. */
  inputs: ComposeInput[];
  /** The steps whose results this one reads (its inputs and forEach), sorted; it starts when they are done. */
  after: string[];
  forEach: ComposeFanOut | null;
  /** A required step's failure fails the composite; an optional one's gives a partial answer. */
  required: boolean;
  /** How long each call of the step may take; the composite's deadline bounds it too. */
  timeoutMs: number;
  /** null: the caller's credentials are not passed on. */
  forward: ComposeForward | null;
  source: Source;
}

/** How the answer is built: a reference, or an object of members (objects in `merge` copied in first). */
export type ComposeShape =
  | { kind: 'ref'; ref: ComposeRef }
  | { kind: 'object'; merge: ComposeRef[]; members: { name: string; shape: ComposeShape }[] };

export interface Composition {
  /** In an order where every step comes after the steps it reads (dependencies first, else as declared). */
  steps: ComposeStep[];
  response: ComposeShape;
  /** The whole composite's time: the route's `timeouts.request`. Past it the answer is 504. */
  deadlineMs: number;
  /** The answer member that lists failed optional steps; null: only the X-Gw-Partial header names them. */
  failuresMember: string | null;
  source: Source;
}

/** A step as the importer reads it, before merge finds its route and checks its inputs. */
export interface ComposeStepDraft {
  name: string;
  /** `service.operationId`, as written. */
  call: string;
  with: { name: string; from: ComposeRef; source: Source }[];
  forEach: { from: ComposeRef; concurrency: number; maxItems: number | null } | null;
  required: boolean;
  timeoutMs: number | null;
  forwardCredentials: boolean;
  source: Source;
}

export interface ComposeDraft {
  steps: ComposeStepDraft[];
  /** null: each step's result under its name. */
  response: ComposeShape | null;
  /** Where `response` is, for errors about its references. */
  responseSource: Source;
  failuresMember: string | null;
  source: Source;
}
