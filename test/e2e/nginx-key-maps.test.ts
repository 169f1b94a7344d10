import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGw, tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { sendFrom } from '../helpers/http.js';
import { type DaemonNginx, findNginx, freePort, startNginxDaemon } from '../helpers/nginx.js';
import { oas30 } from '../helpers/specs.js';

/**
 * API keys on Debian's nginx (njs 0.7.9) as `gw build` and `gw keys` write them: nginx looks the
 * digest of the key sent up in a map per scheme (docs/targets/nginx.md, "API keys"), and a change
 * of keys takes effect when `gw keys` has written the maps again and nginx has reloaded.
 */
const ACME = 'k-acme-5f0c9e1d7a2b4c68';
const ACME_NEW = 'k-acme-91b7d3e5f2a0c846';
const GLOBEX = 'k-globex-0a7e3c5d9b1f2468';
const OPS = 'k-ops-3d5f7a9c1e2b4d60';
const spec = oas30(
  'orders',
  {
    '/orders': { get: { operationId: 'listOrders', security: [{ partner: [] }] } },
    '/admin': { get: { operationId: 'admin', security: [{ ops: [] }] } },
  },
  {
    components: {
      securitySchemes: {
        partner: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        ops: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
    },
  },
);

let dir: string;
let echo: EchoUpstream;
let nginx: DaemonNginx;
const env = { OPS_KEYS: `ops:${OPS}` };
const cleanups: (() => Promise<unknown>)[] = [];

/** Every file gw wrote under dist/, with its text. */
function outputFiles(): [string, string][] {
  const root = join(dir, 'dist');
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => [join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name), 'utf8')]);
}

/** A fresh connection each (a reload closes the old workers' ones); the request id names the key's prefix. */
const get = (path: string, key: string) =>
  sendFrom('127.0.0.1', nginx.url, 'GET', path, { 'x-api-key': key, 'x-request-id': `r-${key.slice(0, 6)}` });

beforeAll(async () => {
  if (!findNginx()) throw new Error('nginx is not installed (apt-get install -y nginx); .ci/run installs it');
  const t = await tempDir('gw-nginx-keys-');
  dir = t.dir;
  cleanups.push(t.cleanup);
  echo = await startEcho('orders');
  cleanups.unshift(() => echo.close());
  const port = await freePort();
  await writeFile(join(dir, 'orders.json'), JSON.stringify(spec));
  await mkdir(join(dir, 'secrets'));
  await writeFile(join(dir, 'secrets/partner.keys'), `acme:${ACME}\nglobex:${GLOBEX}\n`);
  await writeFile(
    join(dir, 'gw.yaml'),
    `version: 1
name: keys
listen: { host: 127.0.0.1, port: ${port} }
services:
  - name: orders
    spec: orders.json
    upstreams: ["${echo.url}"]
credentials:
  orders.partner: { keys: { file: secrets/partner.keys } }
  orders.ops: { keys: { env: OPS_KEYS } }
`,
  );
  const built = await runGw(['build', '--target', 'nginx'], { cwd: dir, env });
  expect(built.stderr).not.toMatch(/error|warning/);
  expect(built.code).toBe(0);
  nginx = await startNginxDaemon(join(dir, 'dist', 'nginx'), port);
  cleanups.unshift(() => nginx.stop());
}, 60_000);
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('nginx checks API keys in the maps gw writes', () => {
  it('gw build writes a map per scheme, and no key in plain text in any file', () => {
    const files = outputFiles();
    expect(files.map(([p]) => p.slice(dir.length + 1)).filter((p) => p.includes('/keys/'))).toEqual([
      'dist/nginx/keys/orders.ops.map',
      'dist/nginx/keys/orders.partner.map',
    ]);
    for (const key of [ACME, GLOBEX, OPS]) expect(files.filter(([, text]) => text.includes(key))).toEqual([]);
  });

  it('a valid key: 200, its consumer upstream and in the access log', async () => {
    const a = await get('/orders', ACME);
    expect(a.status).toBe(200);
    expect((JSON.parse(a.body) as { headers: Record<string, string> }).headers['x-consumer']).toBe('acme');
    const log = join(dir, 'dist', 'nginx', 'access.log');
    const until = Date.now() + 2_000;
    let line: { consumer?: string } | undefined;
    while (!line && Date.now() < until) {
      const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
      line = text
        .split('\n')
        .filter((l) => l.includes(`"r-${ACME.slice(0, 6)}"`))
        .map((l) => JSON.parse(l))[0];
      if (!line) await new Promise((r) => setTimeout(r, 20));
    }
    expect(line?.consumer).toBe('acme');
    expect(readFileSync(log, 'utf8')).not.toContain(ACME.slice(6));
  });

  it("a wrong key, or another scheme's, is 401; each scheme opens its own routes", async () => {
    expect((await get('/orders', 'k-nobody-0123456789abcdef')).status).toBe(401);
    expect((await get('/orders', OPS)).status).toBe(401);
    expect((await get('/admin', GLOBEX)).status).toBe(401);
    expect((await get('/admin', OPS)).status).toBe(200);
  });

  it('a new key works once gw keys has written the maps again and nginx has reloaded', async () => {
    await writeFile(join(dir, 'secrets/partner.keys'), `acme:${ACME_NEW}\nglobex:${GLOBEX}\n`);
    expect((await get('/orders', ACME_NEW)).status).toBe(401);
    const keys = await runGw(['keys'], { cwd: dir, env });
    expect(keys.code).toBe(0);
    expect(keys.stdout).toMatch(/nginx\/keys\/orders\.partner\.map\s+2\n/);
    await nginx.reload();
    expect((await get('/orders', ACME_NEW)).status).toBe(200);
    expect((await get('/orders', ACME)).status).toBe(401);
    expect(outputFiles().filter(([, text]) => text.includes(ACME_NEW))).toEqual([]);
  });

  it('gw build where keys are missing: a warning, and --check leaves that map out', async () => {
    // nginx's own files (access.log, nginx.pid) are in the output folder: only the maps matter here.
    const staleMaps = (r: { stdout: string }) =>
      (JSON.parse(r.stdout) as { stale: { path: string }[] }).stale
        .map((s) => s.path)
        .filter((p) => p.includes('keys/'));
    const check = await runGw(['build', '--target', 'nginx', '--check', '--json'], { cwd: dir });
    expect(check.stdout).toContain('"code": "GW_KEYS_UNREAD"');
    expect(staleMaps(check)).toEqual([]);
    const other = await runGw(['build', '--target', 'nginx', '--check', '--json'], {
      cwd: dir,
      env: { OPS_KEYS: 'x:k-other' },
    });
    expect(staleMaps(other)).toEqual(['nginx/keys/orders.ops.map']);
    const built = await runGw(['build', '--target', 'nginx'], { cwd: dir });
    expect(built.code).toBe(0);
    const ops = readFileSync(join(dir, 'dist/nginx/keys/orders.ops.map'), 'utf8');
    expect(ops.split('\n').filter((l) => l.startsWith('"'))).toEqual([]);
  });

  it('gw keys refuses a key that appears twice, and leaves the maps as they were', async () => {
    const before = readFileSync(join(dir, 'dist/nginx/keys/orders.partner.map'), 'utf8');
    await writeFile(join(dir, 'secrets/partner.keys'), `acme:${GLOBEX}\nglobex:${GLOBEX}\n`);
    const keys = await runGw(['keys'], { cwd: dir, env });
    expect(keys.code).toBe(1);
    expect(keys.stderr).toContain('GW_AUTH_SECRET "orders.partner": the keys file line 2 repeats the key of line 1');
    expect(keys.stderr).not.toContain(GLOBEX);
    expect(readFileSync(join(dir, 'dist/nginx/keys/orders.partner.map'), 'utf8')).toBe(before);
  });
});
