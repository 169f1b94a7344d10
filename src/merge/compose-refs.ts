import { suggestClosest } from '../diagnostics/suggest.js';
import { formatComposeRef } from '../model/compose-ref.js';
import type { ComposeRef, ComposeStepDraft, JsonObject, Route } from '../model/types.js';
import {
  arrayOf,
  deref,
  inlineSchema,
  isObject,
  itemsOf,
  responseSchemaOf,
  schemaAt,
  type ComponentLookup,
} from './compose-schema.js';

/** What a composition's references are checked against. */
export interface RefScope {
  composite: Route;
  /** The composite's service components. */
  lookup: ComponentLookup;
  /** Every step of the composition, by name, with the route it calls (undefined when that is unknown). */
  steps: ReadonlyMap<string, { draft: ComposeStepDraft; route: Route | undefined; lookup: ComponentLookup }>;
}

/** The schema of a reference's value (undefined: not known), or why the reference is wrong, with a hint. */
export type RefCheck = { schema: JsonObject | undefined } | { problem: string; hint: string };

/** A reference read by step `inStep` (null: by the response), checked and typed. */
export function checkRef(ref: ComposeRef, scope: RefScope, inStep: ComposeStepDraft | null): RefCheck {
  const text = formatComposeRef(ref);
  switch (ref.kind) {
    case 'value':
      return { schema: valueSchema(ref.value) };
    case 'request':
      return walk(text, ref.pointer, requestSchema(ref, scope));
    case 'item': {
      if (!inStep?.forEach) {
        return {
          problem: `"${text}" is only defined in a step with forEach`,
          hint: 'give the step a forEach, or read the array itself with steps.NAME',
        };
      }
      const each = checkRef(inStep.forEach.from, scope, null);
      return 'problem' in each ? each : walk(text, ref.pointer, { schema: itemsOf(each.schema) });
    }
    case 'step':
      return walk(text, ref.pointer, stepSchema(ref.step, scope, inStep));
  }
}

function walk(text: string, pointer: readonly string[], base: RefCheck): RefCheck {
  if ('problem' in base) return base;
  const found = schemaAt(base.schema, pointer);
  if ('schema' in found) return found;
  const close = suggestClosest(found.missing, found.known);
  return {
    problem: `"${text}" reads "${found.missing}", which the documented schema does not have`,
    hint: close ? `did you mean "${close}"?` : `the schema has: ${found.known.join(', ') || 'no properties'}`,
  };
}

function requestSchema(ref: Extract<ComposeRef, { kind: 'request' }>, scope: RefScope): RefCheck {
  const api = scope.composite.api ?? {};
  if (ref.part === 'body') {
    const body = deref(api.requestBody, scope.lookup);
    const content = isObject(body?.content) ? (body.content as Record<string, JsonObject>) : {};
    const json = Object.keys(content).find((m) => /json/.test(m));
    if (json === undefined) {
      return {
        problem: 'request.body is read, but the composite operation declares no JSON request body',
        hint: 'declare a requestBody with application/json content on the composite operation',
      };
    }
    return { schema: inlineSchema(content[json]!.schema, scope.lookup) };
  }
  const params = (api.parameters ?? []).map((p) => deref(p, scope.lookup)).filter(isObject);
  const same = (p: JsonObject) =>
    p.in === ref.part && (ref.part === 'header' ? String(p.name).toLowerCase() === ref.name : p.name === ref.name);
  const found = params.find(same);
  if (found) return { schema: inlineSchema(found.schema, scope.lookup) };
  const names = params.filter((p) => p.in === ref.part).map((p) => String(p.name));
  const close = suggestClosest(ref.name ?? '', names);
  return {
    problem: `the composite operation declares no ${ref.part} parameter "${ref.name}"`,
    hint: close ? `did you mean "${close}"?` : `declare it in the composite operation's parameters (in: ${ref.part})`,
  };
}

function stepSchema(name: string, scope: RefScope, inStep: ComposeStepDraft | null): RefCheck {
  const step = scope.steps.get(name);
  if (step === undefined) {
    const close = suggestClosest(name, [...scope.steps.keys()]);
    return {
      problem: `there is no step "${name}"`,
      hint: close ? `did you mean "${close}"?` : `the steps are: ${[...scope.steps.keys()].join(', ')}`,
    };
  }
  if (inStep?.name === name) {
    return { problem: `step "${name}" reads its own result`, hint: 'a step can read the request and earlier steps' };
  }
  const body = step.route ? responseSchemaOf(step.route, step.lookup) : undefined;
  return { schema: step.draft.forEach ? arrayOf(body) : body };
}

function valueSchema(value: unknown): JsonObject | undefined {
  if (typeof value === 'string') return { type: 'string' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  if (Array.isArray(value)) return { type: 'array' };
  return value === null ? { type: 'null' } : { type: 'object' };
}
