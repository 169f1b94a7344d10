import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { RenderedFile, Target } from '../targets/types.js';
import type { OutputSink } from './build-output.js';
import { encodedBatches } from './staged-output.js';

export interface StaleFile {
  path: string;
  why: 'differs' | 'missing' | 'not generated';
}

/**
 * `gw build --check`: each file is compared with the one on disk as soon as its target is
 * rendered (add); finish() adds the files on disk that gw would not write any more.
 */
export class StaleCheck implements OutputSink {
  private readonly paths = new Set<string>();
  private readonly checks: Promise<StaleFile | undefined>[] = [];

  constructor(readonly outDir: string) {}

  /** How many files were compared. */
  get count(): number {
    return this.paths.size;
  }

  async add(files: readonly RenderedFile[]): Promise<void> {
    const checks = files.map((f) => {
      this.paths.add(f.path);
      return stalenessOf(join(this.outDir, f.path), f);
    });
    this.checks.push(...checks);
    await Promise.allSettled(checks);
  }

  /**
   * Every stale file, sorted; `unknown`: files whose contents cannot be known here (key maps of keys gw cannot read),
   * never stale.
   */
  async finish(targets: readonly Target[], unknown: readonly string[] = []): Promise<StaleFile[]> {
    const stale = (await Promise.all(this.checks)).filter((s): s is StaleFile => s !== undefined);
    const rendered = new Set([...this.paths, ...unknown]);
    for (const t of targets) {
      for (const path of await listFiles(join(this.outDir, t.name))) {
        const rel = relative(this.outDir, path).split('\\').join('/');
        if (!rendered.has(rel)) stale.push({ path: rel, why: 'not generated' });
      }
    }
    return stale.sort((a, b) => (a.path < b.path ? -1 : 1));
  }
}

async function stalenessOf(file: string, f: RenderedFile): Promise<StaleFile | undefined> {
  const onDisk = await readFile(file).catch(() => undefined);
  if (onDisk === undefined) return { path: f.path, why: 'missing' };
  return sameText(onDisk, f) ? undefined : { path: f.path, why: 'differs' };
}

/** Whether the bytes on disk are the file's text (a file in pieces: compared piece by piece, never joined). */
function sameText(onDisk: Buffer, f: RenderedFile): boolean {
  if (!f.pieces) return onDisk.toString('utf8') === f.contents;
  let at = 0;
  for (const data of encodedBatches(f.pieces())) {
    if (at + data.length > onDisk.length || !data.equals(onDisk.subarray(at, at + data.length))) return false;
    at += data.length;
  }
  return at === onDisk.length;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
