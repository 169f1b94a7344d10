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
 * CPU work on one thread; the helper thread takes a share of the targets: each thread takes the
 * next target nobody has taken yet (one shared slot per target), so the render stage lasts about
 * as long as its larger half. It starts before the specs are read, so it imports and prepares the
 * targets meanwhile (Envoy's API descriptors, js-yaml, RE2), and starts rendering the moment the
 * model arrives.
 * The specs' OpenAPI schema checks (0.1-0.4 s on a large spec) wait on this thread until the
 * model and the targets are handed out (checkSchema), then run here while the helper renders:
 * that is earlier than the helper could start them, because a dereferenced document crosses
 * threads slowly (GitHub's: ~60 ms to send, ~150 ms to rebuild on the other side).
 * Which thread does what never changes the output: each target renders the same model the same
 * way, and a spec that fails its check fails the build as if checked first.
 * A helper that cannot start or dies leaves its work to this thread.
 */
export interface BuildHelper {
  /**
   * For buildGateway's checkSchema: the check, run on this thread once shareRenders has handed
   * out the renders, or at the next turn of the event loop if that comes first (so nothing can
   * wait on a check that never runs).
   */
  checkSchema: SchemaCheck;
  /**
   * Sends the model and the targets; the helper takes them in claimOrder(targets, 'helper'),
   * each one it wins in `claims` (one slot per target, shared; see claim()), until none are
   * left. Then runs the schema checks waiting here. Returns the outcome of a target the helper
   * took, by index in `targets`: undefined when the helper died first (render it here then).
   */
  shareRenders(
    gateway: Gateway,
    options: RenderOptions,
    targets: readonly TargetName[],
    claims: Int32Array,
  ): ((index: number) => Promise<TargetOutcome | undefined>) | undefined;
  /** Stops the thread. */
  close(): void;
}

/** One target's render: its result, or what it threw (a GwError's diagnostics, or a bug's message). */
export type TargetOutcome =
  | { target: TargetName; result: RenderResult; error?: undefined }
  | {
      target: TargetName;
      result?: undefined;
      error: { diagnostics: Diagnostic[]; exitCode: number } | { message: string; stack?: string };
    };

/** workerData of the thread: the targets whose modules it imports ahead. */
export interface HelperStart {
  targets: TargetName[];
}

export type HelperRequest = {
  kind: 'render';
  gateway: Gateway;
  options: RenderOptions;
  targets: TargetName[];
  claims: SharedArrayBuffer;
};

export type HelperAnswer = { kind: 'rendered'; index: number; outcome: TargetOutcome };

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

/**
 * Compiled (dist/), the thread is a .js file beside this one; run from src/ (tsx, vitest) there is none, and all runs
 * here.
 */
const THREAD_FILE = import.meta.url.endsWith('.js')
  ? fileURLToPath(new URL('./build-helper-thread.js', import.meta.url))
  : undefined;

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
  const renders = new Map<number, (outcome: TargetOutcome | undefined) => void>();
  const arrived = new Map<number, TargetOutcome>();
  const checks: {
    document: unknown;
    openapi: string;
    resolve: (errors: AjvLikeError[]) => void;
    reject: (err: unknown) => void;
  }[] = [];
  const runChecks = () => {
    for (const c of checks.splice(0)) {
      try {
        c.resolve(checkOpenApiSchema(c.document, c.openapi));
      } catch (err) {
        c.reject(err);
      }
    }
  };
  const died = () => {
    if (!alive) return;
    alive = false;
    for (const resolve of renders.values()) resolve(undefined);
    renders.clear();
  };
  worker.on('error', died);
  worker.on('exit', died);
  worker.on('message', (answer: HelperAnswer) => {
    const waiting = renders.get(answer.index);
    if (waiting) {
      renders.delete(answer.index);
      waiting(answer.outcome);
    } else arrived.set(answer.index, answer.outcome);
  });

  return {
    checkSchema(document, openapi) {
      return new Promise((resolve, reject) => {
        checks.push({ document, openapi, resolve, reject });
        setImmediate(runChecks);
      });
    },
    shareRenders(gateway, options, targets, claims) {
      let shared = alive;
      if (shared) {
        try {
          worker.postMessage({
            kind: 'render',
            gateway,
            options,
            targets: [...targets],
            claims: claims.buffer as SharedArrayBuffer,
          } satisfies HelperRequest);
        } catch {
          shared = false;
        }
      }
      // The helper renders now; the checks run here meanwhile, before this thread takes targets.
      runChecks();
      if (!shared) return undefined;
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
