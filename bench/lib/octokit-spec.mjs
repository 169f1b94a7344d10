// GitHub's REST API description, fetched on demand: `@octokit/openapi` at a pinned version is
// installed once into bench/.cache/octokit (git-ignored, never added to package.json) with
// `npm install --no-save --prefix`, and later runs reuse it. Shared by bench/import.js and
// bench/proxy.js. See bench/README.md.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OCTOKIT_OPENAPI_VERSION = '23.0.2'; // pinned: bump on purpose, and note it in the results

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CACHE = join(ROOT, 'bench', '.cache', 'octokit');
export const PKG_DIR = join(CACHE, 'node_modules', '@octokit', 'openapi');

const defaultDie = (message) => {
  throw new Error(message);
};

/** Installs @octokit/openapi@OCTOKIT_OPENAPI_VERSION into bench/.cache/octokit unless it is already there. */
export function ensureOctokit({ die = defaultDie, log = console.log } = {}) {
  const pkgJson = join(PKG_DIR, 'package.json');
  if (existsSync(pkgJson) && JSON.parse(readFileSync(pkgJson, 'utf8')).version === OCTOKIT_OPENAPI_VERSION) {
    log(`@octokit/openapi@${OCTOKIT_OPENAPI_VERSION}: already in bench/.cache/octokit`);
    return;
  }
  log(`@octokit/openapi@${OCTOKIT_OPENAPI_VERSION}: installing into bench/.cache/octokit (about 400 MB, once)...`);
  mkdirSync(CACHE, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(
    npm,
    [
      'install',
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--prefix',
      CACHE,
      `@octokit/openapi@${OCTOKIT_OPENAPI_VERSION}`,
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
      timeout: 240_000,
    },
  );
  if (r.status !== 0 || !existsSync(pkgJson))
    die(
      `npm install of @octokit/openapi@${OCTOKIT_OPENAPI_VERSION} failed (status ` +
        `${r.status}${r.error ? `, ${r.error.message}` : ''})`,
    );
}

/** The full, non-dereferenced api.github.com description: generated/api.github.com.json (or .yaml). */
export function pickSpecFile({ die = defaultDie } = {}) {
  const dir = join(PKG_DIR, 'generated');
  const names = existsSync(dir) ? readdirSync(dir) : [];
  const pick = ['api.github.com.json', 'api.github.com.yaml', 'api.github.com.yml'].find((n) => names.includes(n));
  if (!pick) die(`no api.github.com.{json,yaml} in ${dir}; it holds: ${names.join(', ') || '(nothing)'}`);
  return {
    file: join(dir, pick),
    relative: `generated/${pick}`,
    siblings: names.filter((n) => n.startsWith('api.github.com')),
  };
}

export async function readSpec(file) {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) return JSON.parse(text);
  const { parse } = await import('yaml'); // gw's own dependency
  return parse(text, { maxAliasCount: -1 });
}
