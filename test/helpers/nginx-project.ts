import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buildGateway } from '../../src/cli/load-gateway.js';
import type { Gateway } from '../../src/model/types.js';
import { parseProject } from '../../src/project/load.js';
import type { RenderedFile } from '../../src/targets/types.js';
import { findNginx, nginxTest, type RunningNginx, startNginx } from './nginx.js';
import { nginxFiles } from './nginx-build.js';

export interface GeneratedNginx {
  nginx: RunningNginx;
  files: RenderedFile[];
  /** The access log the generated config writes (JSON lines). */
  logFile: string;
}

/** Renders the nginx target for `gateway` into `<dir>/out`, checks it with `nginx -t` and runs it on `port`. */
export async function runGeneratedNginx(gateway: Gateway, dir: string, port: number): Promise<GeneratedNginx> {
  if (!findNginx()) throw new Error('nginx is not installed (apt-get install -y nginx); .ci/run installs it');
  const files = await nginxFiles(gateway, {}, { baseDir: dir });
  for (const f of files) {
    await mkdir(dirname(join(dir, 'out', f.path)), { recursive: true });
    await writeFile(join(dir, 'out', f.path), f.contents);
  }
  const prefix = join(dir, 'out', 'nginx');
  await nginxTest(prefix);
  const nginx = await startNginx(prefix, port);
  return { nginx, files, logFile: join(prefix, 'access.log') };
}

/**
 * Writes `yaml` as gw.yaml in `dir` (its specs already there), renders the NGINX target into
 * dir/out, checks it with `nginx -t` and runs it on `port`. A project with errors throws.
 */
export async function startNginxProject(dir: string, yaml: string, port: number): Promise<RunningNginx> {
  const file = join(dir, 'gw.yaml');
  await writeFile(file, yaml);
  const { gateway, diagnostics } = await buildGateway(parseProject(yaml, file, 'gw.yaml'));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`the project has errors: ${errors.map((d) => d.message).join('; ')}`);
  return (await runGeneratedNginx(gateway, dir, port)).nginx;
}

/**
 * The route the access log names for the request with this X-Request-Id. nginx writes the line in
 * its log phase, after the response went out, so a client can read the answer first: wait for it
 * (at most `waitMs`).
 */
export async function loggedRoute(logFile: string, requestId: string, waitMs = 2_000): Promise<string | undefined> {
  const until = Date.now() + waitMs;
  for (;;) {
    const text = readFileSync(logFile, 'utf8');
    // Only whole lines: nginx may be writing the last one.
    const entry = text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { requestId: string; route: string })
      .find((e) => e.requestId === requestId);
    if (entry || Date.now() > until) return entry?.route;
    await new Promise((r) => setTimeout(r, 20));
  }
}
