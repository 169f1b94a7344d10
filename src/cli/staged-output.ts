import { chmod, mkdir, mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GwError } from '../diagnostics/gw-error.js';
import type { RenderedFile, Target, TargetName } from '../targets/types.js';
import type { OutputSink } from './build-output.js';

/** A file written: its path in the output folder and its size in bytes. */
export interface WrittenFile {
  path: string;
  bytes: number;
}

/**
 * gw build's output, all or nothing: every file goes to a staging folder inside the output folder
 * the moment its target is rendered (add), while the next target renders; commit() then swaps each
 * target's folder in with renames, discard() drops it all. Files in the output folder that belong
 * to no rendered target are left alone; a failure leaves the previous output as it was, and an
 * output folder made for the staging goes again.
 */
export class StagedOutput implements OutputSink {
  private staging: Promise<string> | undefined;
  /** The first folder mkdir made on the way to the output folder (it did not exist), to remove on failure. */
  private created: string | undefined;
  private readonly written: WrittenFile[] = [];
  private readonly writes: Promise<unknown>[] = [];

  constructor(
    private readonly outDir: string,
    private readonly targets: readonly Target[],
  ) {}

  async add(files: readonly RenderedFile[]): Promise<void> {
    const writes = files.map((f) => {
      const done: WrittenFile = { path: f.path, bytes: 0 };
      this.written.push(done);
      return this.folder().then(async (dir) => {
        done.bytes = await writeRendered(join(dir, f.path), f);
      });
    });
    this.writes.push(...writes);
    // A failure is reported by commit(), once every write is back.
    await Promise.allSettled(writes);
  }

  /** Swaps the targets' folders in; returns every file added, in that order. */
  async commit(): Promise<WrittenFile[]> {
    let attic: string | undefined;
    const swapped: TargetName[] = [];
    try {
      const failed = (await Promise.allSettled(this.writes)).find((w) => w.status === 'rejected');
      if (failed) throw failed.reason;
      const staging = await this.folder();
      attic = await mkdtemp(join(this.outDir, '.gw-previous-'));
      for (const t of this.targets) {
        await mkdir(join(staging, t.name), { recursive: true });
        await rename(join(this.outDir, t.name), join(attic, t.name)).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
        });
        swapped.push(t.name);
        await rename(join(staging, t.name), join(this.outDir, t.name));
      }
      this.created = undefined;
      return this.written;
    } catch (err) {
      // Put back what was moved aside, newest first.
      for (const name of swapped.reverse()) {
        await rm(join(this.outDir, name), { recursive: true, force: true }).catch(() => undefined);
        await rename(join(attic!, name), join(this.outDir, name)).catch(() => undefined);
      }
      throw writeError(this.outDir, err);
    } finally {
      if (attic) await rm(attic, { recursive: true, force: true }).catch(() => undefined);
      await this.discard();
    }
  }

  /** Drops what was staged (after commit: only the empty staging folder). */
  async discard(): Promise<void> {
    await Promise.allSettled(this.writes);
    const staging = await this.staging?.catch(() => undefined);
    if (staging) await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    if (this.created) await rm(this.created, { recursive: true, force: true }).catch(() => undefined);
  }

  /** The staging folder, made on first use. */
  private folder(): Promise<string> {
    this.staging ??= (async () => {
      this.created = await mkdir(this.outDir, { recursive: true });
      return mkdtemp(join(this.outDir, '.gw-build-'));
    })();
    return this.staging;
  }
}

/** Writes the files all or nothing (StagedOutput); returns each file's size in bytes, in the order of `files`. */
export async function writeOutput(
  outDir: string,
  targets: readonly Target[],
  files: readonly RenderedFile[],
): Promise<number[]> {
  const output = new StagedOutput(outDir, targets);
  await output.add(files);
  return (await output.commit()).map((f) => f.bytes);
}

/** Text pieces are joined into writes of about this many characters. */
const WRITE_CHARS = 1 << 20;

/** Writes one new file as UTF-8 (a file in pieces, piece by piece); returns its size in bytes. */
async function writeRendered(file: string, f: RenderedFile): Promise<number> {
  await mkdir(dirname(file), { recursive: true });
  let bytes = 0;
  if (!f.pieces) {
    const data = Buffer.from(f.contents, 'utf8');
    bytes = data.length;
    await writeFile(file, data, { flag: 'wx' });
  } else {
    const handle = await open(file, 'wx');
    try {
      for (const data of encodedBatches(f.pieces())) {
        bytes += data.length;
        await handle.write(data);
      }
    } finally {
      await handle.close();
    }
  }
  if (f.mode !== undefined) await chmod(file, f.mode);
  return bytes;
}

/** Pieces of text as UTF-8, joined into batches of about WRITE_CHARS (pieces never split a character). */
export function* encodedBatches(pieces: Iterable<string>): Generator<Buffer> {
  let batch: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    batch.push(piece);
    size += piece.length;
    if (size >= WRITE_CHARS) {
      yield Buffer.from(batch.join(''), 'utf8');
      batch = [];
      size = 0;
    }
  }
  if (size > 0) yield Buffer.from(batch.join(''), 'utf8');
}

function writeError(outDir: string, err: unknown): GwError {
  const code = (err as NodeJS.ErrnoException).code;
  return GwError.of('GW_BUILD_WRITE', `cannot write the build output to "${outDir}"${code ? ` (${code})` : ''}`, {
    locations: [{ file: outDir }],
    hints: [
      'check that you may write to that folder (or pick another with --out); the previous output was left as it was',
    ],
    cause: code ?? err,
  });
}
