import type { ComposeStep, Composition } from '../../model/types.js';
import { readRef, type RefValues } from './read-ref.js';
import type { SelfClient, StepAnswer } from './self-client.js';
import { stepRequest, type CallerFacts, type CompiledStep } from './step-request.js';

/** Why a step failed (docs/composition.md, "Failures"). */
export type StepFailureReason =
  | 'status'
  | 'timeout'
  | 'unreachable'
  | 'not-json'
  | 'not-an-array'
  | 'too-many-items'
  | 'dependency'
  | 'missing-input';

export interface StepFailure {
  step: string;
  reason: StepFailureReason;
  /** The step's answer status, for `status`. */
  status?: number;
  /** The GW_HTTP_* code when the gateway answered the step itself. */
  code?: string;
}

/** How a run ends: every step done (some optional ones perhaps failed), or a required step failed. */
export type RunOutcome =
  | { kind: 'done'; results: ReadonlyMap<string, unknown>; failures: StepFailure[] }
  | { kind: 'failed'; failure: StepFailure };

type StepResult = { ok: true; value: unknown } | { ok: false; failure: StepFailure };

/**
 * Runs a composition's plan as the model settled it: a step starts once the steps it reads are
 * done, the others at once; a fan-out runs `concurrency` calls at a time. A required step's
 * failure ends the run at once and aborts the calls still running; the deadline does too.
 */
export function runComposition(
  plan: Composition,
  steps: ReadonlyMap<string, CompiledStep>,
  request: Omit<RefValues, 'step' | 'item'>,
  caller: CallerFacts,
  self: SelfClient,
  abort: AbortController,
): Promise<RunOutcome> {
  const results = new Map<string, unknown>();
  const failed = new Map<string, StepFailure>();
  const started = new Set<string>();
  const values: RefValues = { ...request, step: (name) => results.get(name), item: undefined };
  return new Promise<RunOutcome>((resolve) => {
    let running = 0;
    const end = (outcome: RunOutcome) => {
      clearTimeout(deadline);
      abort.abort();
      resolve(outcome);
    };
    const deadline = setTimeout(() => {
      const late = plan.steps.find((s) => started.has(s.name) && !results.has(s.name) && !failed.has(s.name));
      end({ kind: 'failed', failure: { step: late?.name ?? plan.steps[0]!.name, reason: 'timeout' } });
    }, plan.deadlineMs);
    // The client left: the calls stop, and nothing waits for the deadline any more.
    abort.signal.addEventListener('abort', () => clearTimeout(deadline), { once: true });
    const launch = () => {
      for (const s of plan.steps) {
        if (started.has(s.name) || !s.after.every((a) => results.has(a) || failed.has(a))) continue;
        started.add(s.name);
        running++;
        void runStep(steps.get(s.name)!, values, caller, self, abort.signal, failed).then((r) => {
          running--;
          if (abort.signal.aborted) return;
          if (r.ok) results.set(s.name, r.value);
          else if (s.required) return end({ kind: 'failed', failure: r.failure });
          else {
            failed.set(s.name, r.failure);
            results.set(s.name, null);
          }
          launch();
          if (running === 0 && started.size === plan.steps.length) {
            const failures = plan.steps.filter((p) => failed.has(p.name)).map((p) => failed.get(p.name)!);
            end({ kind: 'done', results, failures });
          }
        });
      }
    };
    launch();
  });
}

function runStep(
  step: CompiledStep,
  values: RefValues,
  caller: CallerFacts,
  self: SelfClient,
  signal: AbortSignal,
  failed: ReadonlyMap<string, StepFailure>,
): Promise<StepResult> {
  const plan = step.plan;
  const fail = (reason: StepFailureReason): StepResult => ({ ok: false, failure: { step: plan.name, reason } });
  if (plan.after.some((a) => failed.has(a))) return Promise.resolve(fail('dependency'));
  if (plan.forEach === null) return callOnce(step, values, caller, self, signal, `.${plan.name}`);
  const items = readRef(plan.forEach.from, values);
  if (!Array.isArray(items)) return Promise.resolve(fail('not-an-array'));
  if (items.length > plan.forEach.maxItems) return Promise.resolve(fail('too-many-items'));
  return fanOut(step, items, values, caller, self, signal);
}

/** One call per element, `concurrency` at a time; the first failure fails the step. */
async function fanOut(
  step: CompiledStep,
  items: readonly unknown[],
  values: RefValues,
  caller: CallerFacts,
  self: SelfClient,
  signal: AbortSignal,
): Promise<StepResult> {
  const out: unknown[] = new Array(items.length);
  let next = 0;
  let failure: StepFailure | undefined;
  const worker = async () => {
    while (next < items.length && failure === undefined && !signal.aborted) {
      const i = next++;
      const r = await callOnce(step, { ...values, item: items[i] }, caller, self, signal, `.${step.plan.name}.${i}`);
      if (r.ok) out[i] = r.value;
      else failure ??= r.failure;
    }
  };
  await Promise.all(Array.from({ length: Math.min(step.plan.forEach!.concurrency, items.length) }, worker));
  return failure ? { ok: false, failure } : { ok: true, value: out };
}

async function callOnce(
  step: CompiledStep,
  values: RefValues,
  caller: CallerFacts,
  self: SelfClient,
  signal: AbortSignal,
  suffix: string,
): Promise<StepResult> {
  const name = step.plan.name;
  const request = stepRequest(step, values, caller, suffix);
  if ('missing' in request) return { ok: false, failure: { step: name, reason: 'missing-input' } };
  return judgeAnswer(step.plan, await self.call(request, step.plan.timeoutMs, signal));
}

/** A 2xx JSON answer (empty: null) is the step's value; anything else is its failure. */
function judgeAnswer(plan: ComposeStep, a: StepAnswer): StepResult {
  const step = plan.name;
  if (a.kind !== 'answer') return { ok: false, failure: { step, reason: a.kind } };
  if (a.status < 200 || a.status > 299) {
    const code = /^application\/problem\+json/.test(a.contentType) ? problemCode(a.body) : undefined;
    return { ok: false, failure: { step, reason: 'status', status: a.status, ...(code ? { code } : {}) } };
  }
  if (a.body.length === 0) return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(a.body.toString('utf8')) };
  } catch {
    return { ok: false, failure: { step, reason: 'not-json', status: a.status } };
  }
}

function problemCode(body: Buffer): string | undefined {
  try {
    const code = (JSON.parse(body.toString('utf8')) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
