import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import { escapePointerToken } from '../diagnostics/json-pointer.js';
import type { ComposeDraft, ComposeRef, ComposeShape, JsonObject, Source } from '../model/types.js';
import { checkRef, type RefScope } from './compose-refs.js';
import { isObject, orNull } from './compose-schema.js';

/** The answer's shape: the one written, or each step's result under its name ("the results as they are"). */
export function responseShape(draft: ComposeDraft): ComposeShape {
  if (draft.response !== null) return draft.response;
  return {
    kind: 'object',
    merge: [],
    members: draft.steps.map((s) => ({
      name: s.name,
      shape: { kind: 'ref', ref: { kind: 'step', step: s.name, pointer: [] } },
    })),
  };
}

/** The failures member: one entry per optional step that failed. */
const FAILURES_SCHEMA: JsonObject = {
  type: 'array',
  items: {
    type: 'object',
    required: ['step', 'reason'],
    properties: {
      step: { type: 'string' },
      reason: {
        enum: [
          'status',
          'timeout',
          'unreachable',
          'not-json',
          'not-an-array',
          'too-many-items',
          'dependency',
          'missing-input',
        ],
        description: 'Why the step failed (docs/composition.md, "Failures").',
      },
      status: { type: 'integer', description: "The step's answer status, when the reason is status." },
    },
  },
};

/**
 * The JSON Schema of the composite's answer, derived from the steps' response schemas and the
 * shape; its references are checked on the way (GW_COMPOSE_REF). A value read from an optional
 * step may be null (the step failed).
 */
export function deriveResponseSchema(
  shape: ComposeShape,
  draft: ComposeDraft,
  scope: RefScope,
  diagnostics: Diagnostic[],
): JsonObject {
  const optional = new Set(draft.steps.filter((s) => !s.required).map((s) => s.name));
  const at = draft.responseSource;
  const schema = shapeSchema(shape, { scope, optional, at, diagnostics });
  if (draft.failuresMember === null || schema.type !== 'object') return schema;
  const properties = { ...(schema.properties as JsonObject), [draft.failuresMember]: FAILURES_SCHEMA };
  return { ...schema, properties };
}

interface ShapeContext {
  scope: RefScope;
  optional: ReadonlySet<string>;
  at: Source;
  diagnostics: Diagnostic[];
}

function shapeSchema(shape: ComposeShape, ctx: ShapeContext): JsonObject {
  if (shape.kind === 'ref') return refSchema(shape.ref, ctx);
  const properties: JsonObject = {};
  const under = (...tokens: (string | number)[]): ShapeContext => {
    const tail = tokens.map((t) => `/${escapePointerToken(String(t))}`).join('');
    return { ...ctx, at: { ...ctx.at, pointer: `${ctx.at.pointer}${tail}` } };
  };
  for (const [i, m] of shape.merge.entries()) {
    const merged = refSchema(m, under('$merge', i));
    const base = Array.isArray(merged.anyOf) ? (merged.anyOf[0] as JsonObject) : merged;
    if (isObject(base.properties)) Object.assign(properties, base.properties);
  }
  for (const m of shape.members) properties[m.name] = shapeSchema(m.shape, under(m.name));
  return { type: 'object', properties };
}

function refSchema(ref: ComposeRef, ctx: ShapeContext): JsonObject {
  const found = checkRef(ref, ctx.scope, null);
  if ('problem' in found) {
    ctx.diagnostics.push(
      createDiagnostic('GW_COMPOSE_REF', `compose response: ${found.problem}`, {
        locations: [ctx.at],
        hints: [found.hint],
      }),
    );
    return {};
  }
  const schema = found.schema ?? {};
  return ref.kind === 'step' && ctx.optional.has(ref.step) ? orNull(schema) : schema;
}
