import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { createDiagnostic, GwError } from '../diagnostics/gw-error.js';
import { suggestClosest } from '../diagnostics/suggest.js';
import type { Gateway } from '../model/types.js';
import type { BuildConfig } from '../project/config.js';
import { parseSize } from '../project/settings.js';
import { TARGETS } from '../targets/registry.js';
import { TARGET_NAMES, type RenderedFile, type RenderOptions, type Target, type TargetName } from '../targets/types.js';
import { claim, claimOrder, type BuildHelper, type TargetOutcome } from './build-helper.js';
import type { BuiltGateway } from './load-gateway.js';

/** gw.yaml `build` as the targets' options (sizes in bytes); `templatesDir` from --templates. */
export function renderOptionsOf(
  build: BuildConfig | undefined,
  templatesDir?: string,
  projectDir?: string,
): RenderOptions {
  const envoy = build?.envoy && {
    maxHeapBytes: build.envoy.maxHeapSize !== undefined ? parseSize(build.envoy.maxHeapSize) : undefined,
    sharedRateLimits: build.envoy.sharedRateLimits,
  };
  return { templatesDir, nginx: build?.nginx, envoy, openapi: build?.openapi, projectDir };
}

/**
 * `--target nginx,envoy` (or gw.yaml build.targets) -> the targets, in the canonical order; unknown names are usage
 * errors.
 */
export function selectTargets(names: readonly string[] | undefined): Target[] {
  const wanted = names?.length ? names : TARGET_NAMES;
  const out: Target[] = [];
  for (const raw of wanted) {
    const name = raw.trim();
    const target = TARGETS[name as TargetName];
    if (!target) {
      const close = suggestClosest(name, TARGET_NAMES);
      throw new GwError(
        [
          createDiagnostic('GW_BUILD_TARGET', `there is no build target "${name}"`, {
            hints: [
              close && close !== name ? `did you mean "${close}"?` : `the targets are: ${TARGET_NAMES.join(', ')}`,
            ],
          }),
        ],
        2,
      );
    }
    if (!out.includes(target)) out.push(target);
  }
  return out.sort((a, b) => TARGET_NAMES.indexOf(a.name) - TARGET_NAMES.indexOf(b.name));
}

export interface Rendered {
  /** Sorted by path; empty when an OutputSink took them. */
  files: RenderedFile[];
  diagnostics: Diagnostic[];
}

/**
 * Where renderTargets puts each target's files the moment they are rendered (gw build: a staging
 * folder, staged-output.ts; --check: a comparison with the disk, stale-check.ts), so that no
 * target's files wait in memory for the other targets. It need not keep them.
 */
export interface OutputSink {
  /** Takes the files; resolves once it is done with them (whatever the outcome: failures are the sink's to report). */
  add(files: readonly RenderedFile[]): Promise<void>;
}

/**
 * Renders every target in memory; `onTarget` reports progress. Nothing is written: with a `sink`,
 * each target's files go to it as they come (then they are not returned). With a helper thread
 * (build-helper.ts), both threads take targets in turn until none are left. The result is the same
 * either way: files sorted by path, diagnostics in the targets' order, and when targets fail, the
 * error of the first of them in that order.
 */
export async function renderTargets(
  gateway: Gateway,
  targets: readonly Target[],
  options: RenderOptions,
  onTarget?: (t: Target, done: boolean, count: number) => void,
  helper?: BuildHelper,
  sink?: OutputSink,
): Promise<Rendered> {
  const claims = new Int32Array(
    helper ? new SharedArrayBuffer(4 * targets.length) : new ArrayBuffer(4 * targets.length),
  );
  const remote = helper?.shareRenders(
    gateway,
    options,
    targets.map((t) => t.name),
    claims,
  );
  const outcomes = new Map<TargetName, TargetOutcome | { thrown: unknown }>();
  // Each target's files are done with before the next target renders here, so they are let go meanwhile.
  const rendered = async (outcome: TargetOutcome): Promise<void> => {
    if (outcome.result && sink) {
      const { files } = outcome.result;
      outcome = { ...outcome, result: { ...outcome.result, files: [] } };
      outcomes.set(outcome.target, outcome);
      await sink.add(files);
    } else outcomes.set(outcome.target, outcome);
  };
  const renderHere = async (target: Target) => {
    onTarget?.(target, false, 0);
    try {
      const result = await target.render(gateway, options);
      onTarget?.(target, true, result.files.length);
      await rendered({ target: target.name, result });
    } catch (err) {
      outcomes.set(target.name, { thrown: err });
    }
  };
  for (const target of remote ? claimOrder(targets, 'main') : targets)
    if (claim(claims, targets.indexOf(target))) await renderHere(target);
  for (const [i, target] of targets.entries()) {
    if (outcomes.has(target.name)) continue;
    // The helper's target, in progress as far as this thread knows.
    onTarget?.(target, false, 0);
    const outcome = await remote?.(i);
    if (!outcome) await renderHere(target);
    else {
      if (outcome.result) onTarget?.(target, true, outcome.result.files.length);
      await rendered(outcome);
    }
  }

  const files: RenderedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const target of targets) {
    const o = outcomes.get(target.name)!;
    if ('thrown' in o) throw o.thrown;
    if (o.error)
      throw 'diagnostics' in o.error ? new GwError(o.error.diagnostics, o.error.exitCode) : helperBug(o.error);
    files.push(...o.result.files);
    diagnostics.push(...o.result.diagnostics);
  }
  return { files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), diagnostics };
}

/** A bug the helper thread ran into, as an Error of this thread (gw's internal-error path prints it). */
function helperBug(e: { message: string; stack?: string }): Error {
  const err = new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}

export interface BuildResult {
  /** Every diagnostic, sorted: the load's and the targets'. */
  diagnostics: Diagnostic[];
  /** Absent when there are errors: nothing may be written then. */
  rendered?: Rendered;
}

/**
 * gw build's stages after the load: renders the model unless it has errors, then waits for
 * schema checks still out (BuildOptions.checkSchema). A spec that fails its check fails the
 * build with its schema errors, as if it had been checked first, whatever the renders gave.
 */
export async function renderBuilt(
  built: BuiltGateway,
  targets: readonly Target[],
  options: RenderOptions,
  onTarget?: (t: Target, done: boolean, count: number) => void,
  helper?: BuildHelper,
  sink?: OutputSink,
): Promise<BuildResult> {
  if (hasErrors(built.diagnostics)) return { diagnostics: (await built.checked).diagnostics };
  let rendered: Rendered | undefined;
  let failure: { err: unknown } | undefined;
  try {
    rendered = await renderTargets(built.gateway, targets, options, onTarget, helper, sink);
  } catch (err) {
    failure = { err };
  }
  const checked = await built.checked;
  if (checked !== built) return { diagnostics: checked.diagnostics };
  if (failure) throw failure.err;
  const diagnostics = sortDiagnostics([...built.diagnostics, ...rendered!.diagnostics]);
  return hasErrors(diagnostics) ? { diagnostics } : { diagnostics, rendered };
}
