import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
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
  files: RenderedFile[];
  diagnostics: Diagnostic[];
}

/** How renderTargets may use the time it waits for the helper thread. */
export interface RenderPlan {
  /**
   * The files will be written (not --check): encode this thread's files to UTF-8 while the helper
   * is still at work, so that writeOutput only writes them. Nothing touches the disk any earlier.
   */
  encodeWhileWaiting?: boolean;
}

/** Each file's UTF-8 bytes, encoded once (renderTargets may do it early; writeOutput uses it). */
const encodedFiles = new WeakMap<RenderedFile, Buffer>();
function encodeFile(f: RenderedFile): Buffer {
  let data = encodedFiles.get(f);
  if (!data) {
    data = Buffer.from(f.contents, 'utf8');
    encodedFiles.set(f, data);
  }
  return data;
}

/**
 * Renders every target in memory; `onTarget` reports progress. Nothing is written. With a helper
 * thread (build-helper.ts), both threads take targets in turn until none are left. The result is
 * the same either way: files sorted by path, diagnostics in the targets' order, and when targets
 * fail, the error of the first of them in that order.
 */
export async function renderTargets(
  gateway: Gateway,
  targets: readonly Target[],
  options: RenderOptions,
  onTarget?: (t: Target, done: boolean, count: number) => void,
  helper?: BuildHelper,
  plan: RenderPlan = {},
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
  const renderHere = async (target: Target) => {
    onTarget?.(target, false, 0);
    try {
      const result = await target.render(gateway, options);
      outcomes.set(target.name, { target: target.name, result });
      onTarget?.(target, true, result.files.length);
    } catch (err) {
      outcomes.set(target.name, { thrown: err });
    }
  };
  for (const target of remote ? claimOrder(targets, 'main') : targets)
    if (claim(claims, targets.indexOf(target))) await renderHere(target);
  if (remote && plan.encodeWhileWaiting)
    for (const o of outcomes.values()) if ('result' in o && o.result) for (const f of o.result.files) encodeFile(f);
  for (const [i, target] of targets.entries()) {
    if (outcomes.has(target.name)) continue;
    // The helper's target, in progress as far as this thread knows.
    onTarget?.(target, false, 0);
    const outcome = await remote?.(i);
    if (!outcome) await renderHere(target);
    else {
      outcomes.set(target.name, outcome);
      if (outcome.result) onTarget?.(target, true, outcome.result.files.length);
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
  plan: RenderPlan = {},
): Promise<BuildResult> {
  if (hasErrors(built.diagnostics)) return { diagnostics: (await built.checked).diagnostics };
  let rendered: Rendered | undefined;
  let failure: { err: unknown } | undefined;
  try {
    rendered = await renderTargets(built.gateway, targets, options, onTarget, helper, plan);
  } catch (err) {
    failure = { err };
  }
  const checked = await built.checked;
  if (checked !== built) return { diagnostics: checked.diagnostics };
  if (failure) throw failure.err;
  const diagnostics = sortDiagnostics([...built.diagnostics, ...rendered!.diagnostics]);
  return hasErrors(diagnostics) ? { diagnostics } : { diagnostics, rendered };
}

/**
 * Writes the rendered files all or nothing: everything goes to a staging folder inside `outDir`
 * first; then each target's folder is swapped in with renames. Files in `outDir` that belong to no
 * rendered target are left alone. Any failure leaves the previous output as it was.
 * Returns each file's size in bytes, in the order of `files` (each is encoded once, to be written).
 */
export async function writeOutput(
  outDir: string,
  targets: readonly Target[],
  files: readonly RenderedFile[],
): Promise<number[]> {
  let staging: string | undefined;
  let attic: string | undefined;
  const swapped: TargetName[] = [];
  try {
    await mkdir(outDir, { recursive: true });
    staging = await mkdtemp(join(outDir, '.gw-build-'));
    attic = await mkdtemp(join(outDir, '.gw-previous-'));
    for (const t of targets) await mkdir(join(staging, t.name), { recursive: true });
    for (const dir of new Set(files.map((f) => dirname(join(staging!, f.path))))) await mkdir(dir, { recursive: true });
    // All at once: encoding the next file overlaps writing the last (the writes run on libuv's threads).
    const bytes: number[] = [];
    const write = async (f: RenderedFile, file: string, i: number) => {
      const data = encodeFile(f);
      bytes[i] = data.length;
      await writeFile(file, data, { flag: 'wx' });
      if (f.mode !== undefined) await chmod(file, f.mode);
    };
    const written = await Promise.allSettled(files.map((f, i) => write(f, join(staging!, f.path), i)));
    const failed = written.find((w): w is PromiseRejectedResult => w.status === 'rejected');
    if (failed) throw failed.reason;
    for (const t of targets) {
      await rename(join(outDir, t.name), join(attic, t.name)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      swapped.push(t.name);
      await rename(join(staging, t.name), join(outDir, t.name));
    }
    return bytes;
  } catch (err) {
    // Put back what was moved aside, newest first.
    for (const name of swapped.reverse()) {
      await rm(join(outDir, name), { recursive: true, force: true }).catch(() => undefined);
      await rename(join(attic!, name), join(outDir, name)).catch(() => undefined);
    }
    const code = (err as NodeJS.ErrnoException).code;
    throw GwError.of('GW_BUILD_WRITE', `cannot write the build output to "${outDir}"${code ? ` (${code})` : ''}`, {
      locations: [{ file: outDir }],
      hints: [
        'check that you may write to that folder (or pick another with --out); the previous output was left as it was',
      ],
      cause: code ?? err,
    });
  } finally {
    if (staging) await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    if (attic) await rm(attic, { recursive: true, force: true }).catch(() => undefined);
  }
}

export interface StaleFile {
  path: string;
  why: 'differs' | 'missing' | 'not generated';
}

/** `--check`: which files on disk differ from what would be written now (and files gw would not write any more). */
export async function findStaleFiles(
  outDir: string,
  targets: readonly Target[],
  files: readonly RenderedFile[],
  unknown: readonly string[] = [],
): Promise<StaleFile[]> {
  const stale: StaleFile[] = [];
  // `unknown`: files whose contents cannot be known here (key maps of keys gw cannot read), never stale.
  const rendered = new Set([...files.map((f) => f.path), ...unknown]);
  for (const f of files) {
    const onDisk = await readFile(join(outDir, f.path), 'utf8').catch(() => undefined);
    if (onDisk === undefined) stale.push({ path: f.path, why: 'missing' });
    else if (onDisk !== f.contents) stale.push({ path: f.path, why: 'differs' });
  }
  for (const t of targets) {
    for (const path of await listFiles(join(outDir, t.name))) {
      const rel = relative(outDir, path).split('\\').join('/');
      if (!rendered.has(rel)) stale.push({ path: rel, why: 'not generated' });
    }
  }
  return stale.sort((a, b) => (a.path < b.path ? -1 : 1));
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
