import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Gateway } from '../../src/model/types.js';
import type { RenderedFile } from '../../src/targets/types.js';
import { nginxTarget } from '../../src/targets/nginx/index.js';
import { nginxTest, type RunningNginx, startNginx } from './nginx.js';

export interface GeneratedNginx {
  nginx: RunningNginx;
  files: RenderedFile[];
  /** The access log the generated config writes (JSON lines). */
  logFile: string;
}

/** Renders the nginx target for `gateway` into `<dir>/out`, checks it with `nginx -t` and runs it on `port`. */
export async function runGeneratedNginx(gateway: Gateway, dir: string, port: number): Promise<GeneratedNginx> {
  const { files } = await nginxTarget.render(gateway, {});
  for (const f of files) {
    await mkdir(dirname(join(dir, 'out', f.path)), { recursive: true });
    await writeFile(join(dir, 'out', f.path), f.contents);
  }
  const prefix = join(dir, 'out', 'nginx');
  await nginxTest(prefix);
  const nginx = await startNginx(prefix, port);
  return { nginx, files, logFile: join(prefix, 'access.log') };
}

/** The route the access log names for the request with this X-Request-Id. */
export function loggedRoute(logFile: string, requestId: string): string | undefined {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { requestId: string; route: string })
    .find((e) => e.requestId === requestId)?.route;
}
