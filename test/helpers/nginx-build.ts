import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { buildGateway } from '../../src/cli/load-gateway.js';
import { parseProject } from '../../src/project/load.js';
import type { Gateway } from '../../src/model/types.js';
import { nginxTarget } from '../../src/targets/nginx/index.js';
import { renderKeyMaps } from '../../src/cli/key-maps.js';
import type { RenderedFile, RenderOptions } from '../../src/targets/types.js';
import { nginxTest } from './nginx.js';

/**
 * The NGINX target's files as `gw build` writes them: the rendered ones and the key maps of the API
 * keys `secrets` can read (files relative to `baseDir`, variables in `env`; others give empty maps).
 */
export async function nginxFiles(
  gateway: Gateway,
  options: RenderOptions = {},
  secrets: { baseDir: string; env?: Record<string, string> } = { baseDir: process.cwd() },
): Promise<RenderedFile[]> {
  const ctx = { baseDir: secrets.baseDir, baseDirName: 'the project folder', env: secrets.env ?? {} };
  const maps = await renderKeyMaps(gateway, ctx, 'warn');
  return [...(await nginxTarget.render(gateway, options)).files, ...maps.files];
}

/** Writes rendered files under `dir` (each at its relative path), as `gw build` lays them out. */
export async function writeRendered(dir: string, files: readonly RenderedFile[]): Promise<void> {
  for (const f of files) {
    await mkdir(dirname(join(dir, f.path)), { recursive: true });
    await writeFile(join(dir, f.path), f.contents);
  }
}

/**
 * Writes `yaml` as `dir`/gw.yaml, builds it (no errors allowed), renders the NGINX target with its
 * build.nginx options into `dir`/out (each file's text through `edit`), checks it with `nginx -t`
 * and returns the prefix to run nginx with.
 */
export async function buildNginx(dir: string, yaml: string, edit = (text: string) => text): Promise<string> {
  const file = join(dir, 'gw.yaml');
  await writeFile(file, yaml);
  const project = parseProject(yaml, file, 'gw.yaml');
  const { gateway, diagnostics } = await buildGateway(project);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  for (const f of await nginxFiles(gateway, { nginx: project.config.build?.nginx }, { baseDir: dir })) {
    await mkdir(dirname(join(dir, 'out', f.path)), { recursive: true });
    await writeFile(join(dir, 'out', f.path), edit(f.contents));
  }
  const prefix = join(dir, 'out', 'nginx');
  await nginxTest(prefix);
  return prefix;
}
