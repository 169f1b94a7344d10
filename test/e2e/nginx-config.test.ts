import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../src/cli/load-gateway.js';
import { parseProject } from '../../src/project/load.js';
import { tempDir } from '../helpers/cli.js';
import { findNginx, nginxTest } from '../helpers/nginx.js';
import { nginxFiles } from '../helpers/nginx-build.js';

/**
 * Every golden case's NGINX output (with its key maps) is accepted by Debian's nginx (`nginx -t`),
 * hostnames that do not resolve included.
 */
const CASES = new URL('../golden/cases/', import.meta.url).pathname;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => Promise.all(cleanups.map((c) => c())));

describe('nginx -t accepts the generated configuration', () => {
  it('finds nginx (apt-get install -y nginx; .ci/run installs it)', () => {
    expect(findNginx(), 'nginx is not installed').toBeDefined();
  });
  for (const name of readdirSync(CASES)
    .filter((d) => existsSync(join(CASES, d, 'gw.yaml')))
    .sort()) {
    for (const resolver of [undefined, ['127.0.0.53']]) {
      it(`${name}${resolver ? ' with build.nginx.resolver' : ''}`, async () => {
        const file = join(CASES, name, 'gw.yaml');
        const { gateway } = await buildGateway(parseProject(readFileSync(file, 'utf8'), file, 'gw.yaml'));
        // With the key maps gw build writes: empty ones, the cases' keys being nowhere.
        const files = await nginxFiles(gateway, { nginx: { resolver } }, { baseDir: join(CASES, name) });
        const t = await tempDir('gw-nginx-t-');
        cleanups.push(t.cleanup);
        for (const f of files) {
          await mkdir(dirname(join(t.dir, f.path)), { recursive: true });
          await writeFile(join(t.dir, f.path), f.contents);
        }
        expect(await nginxTest(join(t.dir, 'nginx'))).toMatch(/test is successful/);
      });
    }
  }
});
