import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import { suggestClosest } from '../diagnostics/suggest.js';
import { stepOf } from '../model/compose-ref.js';
import type {
  ComposeDraft,
  ComposeForward,
  ComposeStep,
  ComposeStepDraft,
  Composition,
  Gateway,
  JsonObject,
  Route,
  SecurityScheme,
} from '../model/types.js';
import { settleInputs } from './compose-inputs.js';
import { checkRef, type RefScope } from './compose-refs.js';
import { deriveResponseSchema, responseShape } from './compose-response.js';
import { componentLookup, typeOf, type ComponentLookup } from './compose-schema.js';
import { orderSteps } from './compose-order.js';
import { routeCarriers } from './request-removals.js';

/**
 * Settles every composite route (docs/composition.md): each step's route found by
 * `service.operationId`, its inputs checked against what that operation takes, its dependencies
 * read from its references, the order checked for cycles, fan-outs bounded, the caller's
 * credentials it forwards, and the answer's schema derived into the route's `api`. The runtime
 * runs the Composition as it is.
 */
export function settleCompositions(
  gateway: Gateway,
  drafts: ReadonlyMap<string, ComposeDraft>,
): { gateway: Gateway; diagnostics: Diagnostic[] } {
  if (drafts.size === 0) return { gateway, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const lookups = new Map(gateway.services.map((s) => [s.name, componentLookup(s.components)]));
  const callable = new Map(gateway.routes.filter((r) => r.operationId !== null).map((r) => [r.id, r]));
  const schemes = new Map(gateway.securitySchemes.map((s) => [s.id, s]));
  const ctx: PlanContext = { lookups, callable, drafts, schemes, diagnostics };
  const routes = gateway.routes.map((r) => {
    const draft = drafts.get(r.id);
    return draft ? settleComposite(r, draft, ctx) : r;
  });
  return { gateway: { ...gateway, routes }, diagnostics };
}

interface PlanContext {
  lookups: ReadonlyMap<string, ComponentLookup>;
  callable: ReadonlyMap<string, Route>;
  drafts: ReadonlyMap<string, ComposeDraft>;
  schemes: ReadonlyMap<string, SecurityScheme>;
  diagnostics: Diagnostic[];
}

function settleComposite(route: Route, draft: ComposeDraft, ctx: PlanContext): Route {
  const none: ComponentLookup = () => undefined;
  const steps = new Map(
    draft.steps.map((d) => {
      const target = findTarget(d, ctx);
      return [d.name, { draft: d, route: target, lookup: target ? (ctx.lookups.get(target.service) ?? none) : none }];
    }),
  );
  const scope: RefScope = { composite: route, lookup: ctx.lookups.get(route.service) ?? none, steps };
  const deadlineMs = route.settings.requestTimeoutMs;
  const settled: ComposeStep[] = [];
  for (const { draft: d, route: target, lookup } of steps.values()) {
    checkFanOut(d, scope, ctx.diagnostics);
    const inputs = target ? settleInputs(d, target, lookup, scope, ctx.diagnostics) : [];
    const reads = [...d.with.map((w) => stepOf(w.from)), d.forEach ? stepOf(d.forEach.from) : null];
    const after = [...new Set(reads.filter((s): s is string => s !== null && s !== d.name && steps.has(s)))].sort();
    settled.push({
      name: d.name,
      route: target?.id ?? d.call,
      inputs,
      after,
      forEach: d.forEach
        ? { from: d.forEach.from, concurrency: d.forEach.concurrency, maxItems: d.forEach.maxItems ?? 0 }
        : null,
      required: d.required,
      timeoutMs: Math.min(d.timeoutMs ?? deadlineMs, deadlineMs),
      forward: d.forwardCredentials && target ? forwarded(target, ctx.schemes) : null,
      source: d.source,
    });
  }
  const shape = responseShape(draft);
  const schema = deriveResponseSchema(shape, draft, scope, ctx.diagnostics);
  const composition: Composition = {
    steps: orderSteps(settled, ctx.diagnostics),
    response: shape,
    deadlineMs,
    failuresMember: draft.failuresMember,
    source: draft.source,
  };
  return { ...route, compose: composition, ...(route.api ? { api: withAnswers(route.api, schema) } : {}) };
}

/** The route a step calls, or a diagnostic: unknown (with "did you mean"), or itself a composite. */
function findTarget(d: ComposeStepDraft, ctx: PlanContext): Route | undefined {
  const target = ctx.callable.get(d.call);
  if (target === undefined) {
    const close = suggestClosest(d.call, [...ctx.callable.keys()]);
    ctx.diagnostics.push(
      createDiagnostic('GW_COMPOSE_UNKNOWN_OPERATION', `step "${d.name}" calls "${d.call}", which no service has`, {
        locations: [{ ...d.source, pointer: `${d.source.pointer}/call` }],
        hints: [close ? `did you mean "${close}"?` : 'write service.operationId; `gw routes` lists the operations'],
      }),
    );
    return undefined;
  }
  if (ctx.drafts.has(target.id)) {
    ctx.diagnostics.push(
      createDiagnostic('GW_COMPOSE_NESTED', `step "${d.name}" calls "${d.call}", which is itself a composite`, {
        locations: [{ ...d.source, pointer: `${d.source.pointer}/call` }],
        hints: ['call the operations that composite calls, as steps of this one'],
      }),
    );
    return undefined;
  }
  return target;
}

/** forEach must read an array and say how many elements it may call for. */
function checkFanOut(d: ComposeStepDraft, scope: RefScope, diagnostics: Diagnostic[]): void {
  if (!d.forEach) return;
  const at = { ...d.source, pointer: `${d.source.pointer}/forEach` };
  const found = checkRef(d.forEach.from, scope, { ...d, forEach: null });
  if ('problem' in found) {
    diagnostics.push(
      createDiagnostic('GW_COMPOSE_REF', `step "${d.name}": ${found.problem}`, {
        locations: [at],
        hints: [found.hint],
      }),
    );
  } else if (typeOf(found.schema) !== undefined && typeOf(found.schema) !== 'array') {
    diagnostics.push(
      createDiagnostic(
        'GW_COMPOSE_INPUT_TYPE',
        `step "${d.name}": forEach reads a ${typeOf(found.schema)}, not an array`,
        {
          locations: [at],
          hints: ['point forEach at an array; a * in the pointer collects every element of one'],
        },
      ),
    );
  }
  if (d.forEach.maxItems === null) {
    diagnostics.push(
      createDiagnostic('GW_COMPOSE_UNBOUNDED', `step "${d.name}" fans out (forEach) with no maxItems`, {
        locations: [at],
        hints: ['add maxItems: the most calls one request may make (more fail the step), e.g. maxItems: 20'],
      }),
    );
  }
}

/** The caller's credentials a step passes on: where its route's schemes read them. */
function forwarded(target: Route, schemes: ReadonlyMap<string, SecurityScheme>): ComposeForward {
  const carriers = routeCarriers(target, schemes);
  const named = (kind: 'header' | 'query' | 'cookie') => carriers.filter((c) => c.in === kind).map((c) => c.name);
  return { headers: named('header').map((n) => n.toLowerCase()), query: named('query'), cookies: named('cookie') };
}

/** The route's documented answers with the derived 200 (its description kept) and the composite's failures. */
function withAnswers(api: NonNullable<Route['api']>, schema: JsonObject): NonNullable<Route['api']> {
  const own = api.responses?.['200'];
  const description = typeof own?.description === 'string' ? own.description : 'The composed answer.';
  const problem = (text: string) => ({
    description: text,
    content: { 'application/problem+json': { schema: { type: 'object' } } },
  });
  return {
    ...api,
    responses: {
      ...api.responses,
      '200': { description, content: { 'application/json': { schema } } },
      '502': problem('A required step failed (GW_HTTP_COMPOSE_STEP_FAILED); the problem names the step.'),
      '504': problem('A required step or the whole composite ran out of time (GW_HTTP_COMPOSE_TIMEOUT).'),
    },
  };
}
