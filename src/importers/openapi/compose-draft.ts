import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import { escapePointerToken } from '../../diagnostics/json-pointer.js';
import { parseComposeRef } from '../../model/compose-ref.js';
import type { ComposeDraft, ComposeRef, ComposeShape, ComposeStepDraft, Source } from '../../model/types.js';
import type { ComposeInput, ComposeShapeInput, ComposeStepInput } from '../../project/config.js';
import { parseDuration } from '../../project/settings.js';

/** forEach calls running at once unless a step says otherwise. */
export const DEFAULT_FAN_OUT_CONCURRENCY = 4;

/**
 * An operation's `x-gw.compose` block (already checked against the schema) as the model's draft:
 * references parsed, durations in milliseconds, each part with its source. Merge checks the rest
 * against the whole gateway (src/merge/compose-plan.ts). A reference that does not parse is
 * reported here (GW_COMPOSE_REF) and left out.
 */
export function readComposeDraft(input: ComposeInput, source: Source, diagnostics: Diagnostic[]): ComposeDraft {
  const at = (pointer: string): Source => ({ file: source.file, pointer: `${source.pointer}${pointer}` });
  const ref = (text: string, pointer: string): ComposeRef | undefined => {
    const parsed = parseComposeRef(text);
    if (typeof parsed !== 'string') return parsed;
    diagnostics.push(
      createDiagnostic('GW_COMPOSE_REF', `compose: ${parsed}`, {
        locations: [at(pointer)],
        hints: ['references are described in docs/composition.md, "References"'],
      }),
    );
    return undefined;
  };
  const steps = Object.entries(input.steps).map(([name, step]) =>
    readStep(name, step, input.forwardCredentials ?? false, `/steps/${escapePointerToken(name)}`, at, ref),
  );
  return {
    steps,
    response: input.response === undefined ? null : readShape(input.response, '/response', ref),
    responseSource: at('/response'),
    failuresMember: input.failures ?? null,
    source,
  };
}

type RefReader = (text: string, pointer: string) => ComposeRef | undefined;

function readStep(
  name: string,
  step: ComposeStepInput,
  forwardAll: boolean,
  base: string,
  at: (pointer: string) => Source,
  ref: RefReader,
): ComposeStepDraft {
  const inputs: ComposeStepDraft['with'] = [];
  for (const [param, value] of Object.entries(step.with ?? {})) {
    const pointer = `${base}/with/${escapePointerToken(param)}`;
    const from = typeof value === 'string' ? ref(value, pointer) : { kind: 'value' as const, value: value.value };
    if (from) inputs.push({ name: param, from, source: at(pointer) });
  }
  const each = step.forEach !== undefined ? ref(step.forEach, `${base}/forEach`) : undefined;
  return {
    name,
    call: step.call,
    with: inputs,
    forEach: each
      ? { from: each, concurrency: step.concurrency ?? DEFAULT_FAN_OUT_CONCURRENCY, maxItems: step.maxItems ?? null }
      : null,
    required: step.optional !== true,
    timeoutMs: step.timeout !== undefined ? parseDuration(step.timeout) : null,
    forwardCredentials: step.forwardCredentials ?? forwardAll,
    source: at(base),
  };
}

function readShape(input: ComposeShapeInput, pointer: string, ref: RefReader): ComposeShape {
  if (typeof input === 'string') {
    const r = ref(input, pointer);
    return r ? { kind: 'ref', ref: r } : { kind: 'object', merge: [], members: [] };
  }
  const merge: ComposeRef[] = [];
  const members: { name: string; shape: ComposeShape }[] = [];
  for (const [name, value] of Object.entries(input)) {
    const at = `${pointer}/${escapePointerToken(name)}`;
    if (name === '$merge') {
      (value as string[]).forEach((text, i) => {
        const r = ref(text, `${at}/${i}`);
        if (r) merge.push(r);
      });
    } else members.push({ name, shape: readShape(value as ComposeShapeInput, at, ref) });
  }
  return { kind: 'object', merge, members };
}
