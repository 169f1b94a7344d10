// One file out of a pinned npm package, fetched on demand: `npm pack` downloads the tarball
// (the registry is the one place these machines may fetch from) into bench/.cache/packs, and
// tar extracts just the file asked for. Far lighter than installing a package (GitHub's
// @octokit/openapi is a 29 MB tarball but 400 MB installed), so tests can use real specs too.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKS = join(fileURLToPath(new URL('../..', import.meta.url)), 'bench', '.cache', 'packs');

/** The absolute path of `inner` (a path inside the package) from pkg@version, fetched and extracted once. */
export function packFile(pkg, version, inner) {
  const dir = join(PACKS, `${pkg.replace('/', '__')}@${version}`);
  const file = join(dir, 'package', inner);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  let tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tgz) {
    const r = spawnSync(
      process.platform === 'win32' ? 'npm.cmd' : 'npm',
      ['pack', `${pkg}@${version}`, '--pack-destination', dir, '--silent'],
      { encoding: 'utf8', timeout: 180_000 },
    );
    tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (r.status !== 0 || !tgz) throw new Error(`npm pack ${pkg}@${version} failed (status ${r.status}): ${r.stderr}`);
  }
  const t = spawnSync('tar', ['-xzf', join(dir, tgz), '-C', dir, `package/${inner}`], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (t.status !== 0 || !existsSync(file)) throw new Error(`${pkg}@${version} has no ${inner}: ${t.stderr}`);
  return file;
}
