import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { send } from '../helpers/http.js';
import { freePort, type RunningNginx } from '../helpers/nginx.js';
import { startNginxProject } from '../helpers/nginx-project.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * Issue 13: nginx's variables and map hashes sized from what gw generates. A path with every
 * method but one makes a method map whose variable name is 45 characters long: with nginx's
 * default 64-byte buckets, `nginx -t` failed ("could not build variables_hash").
 */
let cleanup: (() => Promise<void>) | undefined;
let echo: EchoUpstream | undefined;
let nginx: RunningNginx | undefined;

afterEach(async () => {
  await nginx?.stop();
  nginx = undefined;
  await echo?.close();
  echo = undefined;
  await cleanup?.();
});

const ALL = ['get', 'put', 'post', 'delete', 'options', 'patch', 'trace'];

describe('nginx: hash sizes from the generated names', () => {
  it('a method map with a long variable name passes nginx -t and serves', async () => {
    const t = await tempDir('gw-nginx-hash-');
    cleanup = t.cleanup;
    echo = await startEcho('svc');
    const port = await freePort();
    const ops = Object.fromEntries(ALL.map((m) => [m, { operationId: `${m}Item` }]));
    await writeFiles(t.dir, { 'svc.yaml': oas30('Svc', { '/items/{id}': ops, '/items/new': { get: {} } }) });
    const yaml = [
      'version: 1',
      'name: test',
      `listen: { host: 127.0.0.1, port: ${port} }`,
      'services:',
      '  - name: svc',
      '    spec: svc.yaml',
      `    upstreams: ["${echo.url}"]`,
      '',
    ].join('\n');
    nginx = await startNginxProject(t.dir, yaml, port);
    expect((await send(nginx.url, 'PATCH', '/items/7')).status).toBe(200);
  });
});
