// The files a `gw build` wrote, with their sizes: every file under a folder, and per target.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `dir` (sub-folders included): { path (relative to dir), bytes }. */
export function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: relative(dir, p), bytes: statSync(p).size });
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Bytes per target (the first folder of each path) of a build's files. */
export function bytesByTarget(files) {
  const out = {};
  for (const f of files) {
    const target = f.path.split('/')[0];
    out[target] = (out[target] ?? 0) + f.bytes;
  }
  return out;
}
