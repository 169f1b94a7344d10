import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { checkOpenApiSchema, type SchemaCheck } from '../importers/openapi/schema-check.js';
import type { AjvLikeError } from '../importers/openapi/spec-errors.js';
import type { Gateway } from '../model/types.js';
import type { RenderOptions, RenderResult, Target, TargetName } from '../targets/types.js';

/**
 * A second thread for `gw build` (build-helper-thread.ts). On a large spec most of the build is
 * CPU work on one thread; a helper thread takes the parts that need not wait for each other:
 *  - the OpenAPI schema check of each dereferenced spec (0.1-0.7 s on a large one), while this
 *    thread imports and merges; the document crosses as a structured clone (~10-30 ms here);
 *  - a share of the targets: each thread takes the next target nobody has taken yet (one shared
 *    slot per target), so the render stage lasts about as long as its larger half.
 * It starts before the specs are read, so it imports its modules meanwhile. Which thread does
 * what never changes the output: each target renders the same model the same way.
 * A helper that cannot start or dies leaves its work to this thread.
 */
export interface BuildHelper {
  /** For buildGateway's checkSchema: the check on the helper thread. */
  checkSchema: SchemaCheck;
  /**
   * Sends the model and the targets; the helper takes them in claimOrder(targets, 'helper'),
   * each one it wins in `claims` (one slot per target, shared; see claim()), until none are
   * left. Returns the outcome of a target the helper took, by index in `targets`: undefined
   * when the helper died first (render it here then).
   */
  shareRenders(gateway: Gateway, options: RenderOptions, targets: readonly TargetName[], claims: Int32Array): ((index: number) => Promise<TargetOutcome | undefined>) | undefined;
  /** Stops the thread. */
  close(): void;
}

/** One target's render: its result, or what it threw (a GwError's diagnostics, or a bug's message). */
export type TargetOutcome =
  | { target: TargetName; result: RenderResult; error?: undefined }
  | { target: TargetName; result?: undefined; error: { diagnostics: Diagnostic[]; exitCode: number } | { message: string; stack?: string } };

/** workerData of the thread: the targets whose modules it imports ahead. */
export interface HelperStart {
  targets: TargetName[];
}

export type HelperRequest =
  | { kind: 'check'; id: number; document: unknown; openapi: string }
  | { kind: 'render'; gateway: Gateway; options: RenderOptions; targets: TargetName[]; claims: SharedArrayBuffer };

export type HelperAnswer = { kind: 'checked'; id: number; errors: AjvLikeError[] } | { kind: 'check-failed'; id: number } | { kind: 'rendered'; index: number; outcome: TargetOutcome };

/**
 * Relative render cost of each target (bench/build.js, per-stage split on GitHub's, Stripe's and
 * Kubernetes' specs: envoy renders and then checks its output against the protos; node mostly
 * copies the model). Only who renders what depends on it, never the output.
 */
const RENDER_COST: Record<TargetName, number> = { envoy: 4, nginx: 3, openapi: 3, node: 1 };

/**
 * The order in which each thread takes targets. The helper has imported every target's modules
 * ahead (Envoy's API descriptors and protobufjs alone cost ~0.1 s), so it starts from the
 * costliest; this thread, which is usually free first and imports a target on its first render,
 * starts from the other end of the same list.
 */
export function claimOrder(targets: readonly Target[], thread: 'main' | 'helper'): Target[] {
  const costliest = [...targets].sort((a, b) => RENDER_COST[b.name] - RENDER_COST[a.name]);
  return thread === 'helper' ? costliest : costliest.reverse();
}

/** Takes target `index` for the calling thread; false when the other thread has it. */
export function claim(claims: Int32Array, index: number): boolean {
  return Atomics.compareExchange(claims, index, 0, 1) === 0;
}

/** Compiled (dist/), the thread is a .js file beside this one; run from src/ (tsx, vitest) there is none, and all runs here. */
const THREAD_FILE = import.meta.url.endsWith('.js') ? fileURLToPath(new URL('./build-helper-thread.js', import.meta.url)) : undefined;

/** Starts the helper when there is a second core to run it; undefined otherwise. */
export function startBuildHelper(targets: readonly Target[]): BuildHelper | undefined {
  if (!THREAD_FILE || availableParallelism() < 2) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(THREAD_FILE, { workerData: { targets: targets.map((t) => t.name) } satisfies HelperStart });
  } catch {
    return undefined;
  }
  // Never keeps gw alive by itself: the build awaits what it needs, and an error path just leaves.
  worker.unref();
  let alive = true;
  let nextId = 0;
  const checks = new Map<number, { document: unknown; openapi: string; resolve: (errors: AjvLikeError[]) => void; reject: (err: unknown) => void }>();
  const renders = new Map<number, (outcome: TargetOutcome | undefined) => void>();
  const arrived = new Map<number, TargetOutcome>();
  const checkHere = (c: { document: unknown; openapi: string; resolve: (errors: AjvLikeError[]) => void; reject: (err: unknown) => void }) => {
    try {
      c.resolve(checkOpenApiSchema(c.document, c.openapi));
    } catch (err) {
      c.reject(err);
    }
  };
  const died = () => {
    if (!alive) return;
    alive = false;
    for (const c of checks.values()) checkHere(c);
    checks.clear();
    for (const resolve of renders.values()) resolve(undefined);
    renders.clear();
  };
  worker.on('error', died);
  worker.on('exit', died);
  worker.on('message', (answer: HelperAnswer) => {
    if (answer.kind === 'rendered') {
      const waiting = renders.get(answer.index);
      if (waiting) {
        renders.delete(answer.index);
        waiting(answer.outcome);
      } else arrived.set(answer.index, answer.outcome);
      return;
    }
    const check = checks.get(answer.id);
    if (!check) return;
    checks.delete(answer.id);
    // A check that threw there is run here, so the error (a gw bug) surfaces the usual way.
    if (answer.kind === 'checked') check.resolve(answer.errors);
    else checkHere(check);
  });

  return {
    checkSchema(document, openapi) {
      return new Promise((resolve, reject) => {
        const check = { document, openapi, resolve, reject };
        if (!alive) return checkHere(check);
        const id = nextId++;
        try {
          worker.postMessage({ kind: 'check', id, document, openapi } satisfies HelperRequest);
          checks.set(id, check);
        } catch {
          checkHere(check);
        }
      });
    },
    shareRenders(gateway, options, targets, claims) {
      if (!alive) return undefined;
      try {
        worker.postMessage({ kind: 'render', gateway, options, targets: [...targets], claims: claims.buffer as SharedArrayBuffer } satisfies HelperRequest);
      } catch {
        return undefined;
      }
      return (index) => {
        const done = arrived.get(index);
        if (done) return Promise.resolve(done);
        if (!alive) return Promise.resolve(undefined);
        return new Promise((resolve) => renders.set(index, resolve));
      };
    },
    close() {
      alive = false;
      void worker.terminate();
    },
  };
}
