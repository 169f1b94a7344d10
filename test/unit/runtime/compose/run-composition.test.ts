import { describe, expect, it } from 'vitest';
import type { ComposeStep, Composition } from '../../../../src/model/types.js';
import { runComposition } from '../../../../src/runtime/compose/run-composition.js';
import type { SelfClient, StepAnswer } from '../../../../src/runtime/compose/self-client.js';
import type { CallerFacts, CompiledStep, StepRequest } from '../../../../src/runtime/compose/step-request.js';

/** A stand-in for the gateway's client of itself: answers by path after a delay, records what was called. */
function fakeSelf(answers: Record<string, { after: number; answer: StepAnswer }>) {
  const calls: string[] = [];
  const aborted: string[] = [];
  const self = {
    secret: 's',
    call(request: StepRequest, timeoutMs: number, signal: AbortSignal): Promise<StepAnswer> {
      calls.push(request.path);
      const a = answers[request.path]!;
      return new Promise((resolve) => {
        let settled = false;
        const settle = (answer: StepAnswer) => {
          settled = true;
          resolve(answer);
        };
        const late = a.after > timeoutMs;
        const timer = setTimeout(() => settle(late ? { kind: 'timeout' } : a.answer), Math.min(a.after, timeoutMs));
        signal.addEventListener('abort', () => {
          if (settled) return;
          clearTimeout(timer);
          aborted.push(request.path);
          settle({ kind: 'unreachable' });
        });
      });
    },
  };
  return { self: self as unknown as SelfClient, calls, aborted };
}

const json = (v: unknown): StepAnswer => ({
  kind: 'answer',
  status: 200,
  contentType: 'application/json',
  body: Buffer.from(JSON.stringify(v)),
});

function step(name: string, over: Partial<ComposeStep> = {}): CompiledStep {
  const plan: ComposeStep = {
    name,
    route: `svc.${name}`,
    inputs: [],
    after: [],
    forEach: null,
    required: true,
    timeoutMs: 1000,
    forward: null,
    source: { file: 'bff.yaml', pointer: '#' },
    ...over,
  };
  return { plan, method: 'GET', path: [`/${name}`] };
}

function run(steps: CompiledStep[], self: SelfClient, deadlineMs = 1000) {
  const plan: Composition = {
    steps: steps.map((s) => s.plan),
    response: { kind: 'object', merge: [], members: [] },
    deadlineMs,
    failuresMember: null,
    source: { file: 'bff.yaml', pointer: '#' },
  };
  const request = { path: () => undefined, query: () => undefined, header: () => undefined, body: () => undefined };
  const caller: CallerFacts = {
    requestId: 'r',
    host: 'h',
    client: 'c',
    consumer: undefined,
    rawHeaders: [],
    query: new URLSearchParams(),
    secret: 's',
  };
  return runComposition(
    plan,
    new Map(steps.map((s) => [s.plan.name, s])),
    request,
    caller,
    self,
    new AbortController(),
  );
}

describe('runComposition', () => {
  it('past the deadline: a timeout naming a step still running, and its call is aborted', async () => {
    const f = fakeSelf({ '/a': { after: 10, answer: json(1) }, '/b': { after: 500, answer: json(2) } });
    const got = await run([step('a'), step('b')], f.self, 100);
    expect(got).toEqual({ kind: 'failed', failure: { step: 'b', reason: 'timeout' } });
    expect(f.aborted).toEqual(['/b']);
  });
  it('a required step that fails ends the run at once and aborts the others', async () => {
    const bad: StepAnswer = { kind: 'answer', status: 503, contentType: 'text/plain', body: Buffer.from('no') };
    const f = fakeSelf({ '/a': { after: 5, answer: bad }, '/b': { after: 300, answer: json(2) } });
    const got = await run([step('a'), step('b')], f.self);
    expect(got).toEqual({ kind: 'failed', failure: { step: 'a', reason: 'status', status: 503 } });
    expect(f.aborted).toEqual(['/b']);
  });
  it('a step that reads a failed optional step is not called, and fails as a dependency', async () => {
    const f = fakeSelf({ '/a': { after: 5, answer: { kind: 'unreachable' } }, '/c': { after: 5, answer: json(3) } });
    const got = await run(
      [step('a', { required: false }), step('b', { required: false, after: ['a'] }), step('c')],
      f.self,
    );
    expect(got).toMatchObject({
      kind: 'done',
      failures: [
        { step: 'a', reason: 'unreachable' },
        { step: 'b', reason: 'dependency' },
      ],
    });
    expect(f.calls.sort()).toEqual(['/a', '/c']);
  });
  it('a dependent step starts only once the step it reads is done', async () => {
    const f = fakeSelf({ '/a': { after: 30, answer: json({ id: 1 }) }, '/b': { after: 1, answer: json(2) } });
    const order: string[] = [];
    const call = f.self.call.bind(f.self);
    f.self.call = (r, t, s) => {
      order.push(`start ${r.path}`);
      return call(r, t, s).then((a) => {
        order.push(`end ${r.path}`);
        return a;
      });
    };
    const got = await run([step('a'), step('b', { after: ['a'] })], f.self);
    expect(got.kind).toBe('done');
    expect(order).toEqual(['start /a', 'end /a', 'start /b', 'end /b']);
  });
  it('a fan-out over a value that is not an array fails as not-an-array, without a call', async () => {
    const f = fakeSelf({ '/a': { after: 1, answer: json({ items: 'x' }) } });
    const forEach = { from: { kind: 'step' as const, step: 'a', pointer: ['items'] }, concurrency: 2, maxItems: 5 };
    const got = await run([step('a'), step('each', { after: ['a'], forEach })], f.self);
    expect(got).toEqual({ kind: 'failed', failure: { step: 'each', reason: 'not-an-array' } });
    expect(f.calls).toEqual(['/a']);
  });
});
