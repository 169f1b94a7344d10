import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buildGateway } from '../../src/cli/load-gateway.js';
import { parseProject } from '../../src/project/load.js';
import { nginxTarget } from '../../src/targets/nginx/index.js';
import { findNginx, nginxTest, startNginx, type RunningNginx } from './nginx.js';

/**
 * Writes `yaml` as gw.yaml in `dir` (its specs already there), renders the NGINX target into
 * dir/out, checks it with `nginx -t` and runs it on `port`. A project with errors throws.
 */
export async function startNginxProject(dir: string, yaml: string, port: number): Promise<RunningNginx> {
  if (!findNginx()) throw new Error('nginx is not installed (apt-get install -y nginx); .ci/run installs it');
  const file = join(dir, 'gw.yaml');
  await writeFile(file, yaml);
  const { gateway, diagnostics } = await buildGateway(parseProject(yaml, file, 'gw.yaml'));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`the project has errors: ${errors.map((d) => d.message).join('; ')}`);
  for (const f of (await nginxTarget.render(gateway, {})).files) {
    await mkdir(dirname(join(dir, 'out', f.path)), { recursive: true });
    await writeFile(join(dir, 'out', f.path), f.contents);
  }
  const prefix = join(dir, 'out', 'nginx');
  await nginxTest(prefix);
  return startNginx(prefix, port);
}
