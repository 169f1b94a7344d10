import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { isUrl } from '../importers/openapi/load.js';
import type { Project } from '../project/load.js';

/**
 * How `gw build` runs on large inputs: specs of this many bytes in all (the files gw.yaml names;
 * a spec read from a URL counts 0) or more. Below it, the helper thread renders a share of the
 * targets from its own copy of the model (build-helper.ts); past it, that copy costs more memory
 * than the second thread saves time (bench/scale.js: 90 MB of specs, 29,300 routes, a model of
 * 260 MB, 1.8 GB at peak with the helper), so no helper starts, every target renders on the main
 * thread, one after the other, and V8 collects its heap more often (keepHeapLean).
 */
export const LARGE_SPEC_BYTES = 32 * 1024 * 1024;

export async function isLargeBuild(project: Project): Promise<boolean> {
  let bytes = 0;
  for (const { spec } of project.config.services ?? []) {
    if (isUrl(spec)) continue;
    bytes += await stat(isAbsolute(spec) ? spec : resolve(project.dir, spec)).then(
      (s) => s.size,
      () => 0,
    );
  }
  return bytes >= LARGE_SPEC_BYTES;
}

/**
 * V8 lets its heap grow up to about 4x what survived its last full collection before the next one;
 * with a model of hundreds of MB, that is a peak of 1.3-1.4 GB where 0.6 GB is alive. From now on,
 * in this process, each growth is at most half of what survives (V8's --heap-growing-percent, read
 * at each collection): on bench/scale.js's gateway 0.85 GB at peak, for about 5 % more CPU time.
 * Meant for a command that ends with its work, such as gw build.
 */
export function keepHeapLean(): void {
  setFlagsFromString('--heap-growing-percent=50');
}
