import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { buildGateway } from '../../src/cli/load-gateway.js';
import { parseProject } from '../../src/project/load.js';
import { nginxTarget } from '../../src/targets/nginx/index.js';
import { nginxTest } from './nginx.js';

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
  for (const f of (await nginxTarget.render(gateway, { nginx: project.config.build?.nginx })).files) {
    await mkdir(dirname(join(dir, 'out', f.path)), { recursive: true });
    await writeFile(join(dir, 'out', f.path), edit(f.contents));
  }
  const prefix = join(dir, 'out', 'nginx');
  await nginxTest(prefix);
  return prefix;
}
