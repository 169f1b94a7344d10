import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../src/cli/load-gateway.js';
import type { Gateway } from '../../src/model/types.js';
import { loadProject } from '../../src/project/load.js';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { send } from '../helpers/http.js';
import { runNodeTarget, startNodeTarget, writeNodeTarget, type RunningNodeTarget } from '../helpers/node-target.js';
import { writeShopProject } from '../scenarios/project.js';
import { AUTH } from '../scenarios/shop-credentials.js';
import { judge, routingScenarios, shopScenarios, type Scenario } from '../scenarios/scenarios.js';

/**
 * The generated Node gateway, end to end: the scenario project rendered by the node target into
 * a temp folder (no node_modules anywhere above it), started as `node node/server.mjs` against
 * echo upstreams, held to the same scenario list as `gw serve`.
 */
let echoes: EchoUpstream[] = [];
let extra: EchoUpstream[] = [];
let gw: RunningNodeTarget;
let out: string;
let cleanup: () => Promise<void>;
let scenarios: Scenario[] = [];
let shopEnv: Record<string, string> = {};
let gateway: Gateway;
const running: RunningNodeTarget[] = [];

beforeAll(async () => {
  const t = await tempDir('gw-node-');
  cleanup = t.cleanup;
  echoes = await Promise.all(['users', 'orders', 'catalog'].map((n) => startEcho(n)));
  extra = await Promise.all(['users-b', 'users-c'].map((n) => startEcho(n)));
  const [users, orders, catalog] = echoes.map((e) => e.url) as [string, string, string];
  shopEnv = await writeShopProject(t.dir, { users, orders, catalog });
  ({ gateway } = await buildGateway(await loadProject(join(t.dir, 'gw.yaml'))));
  scenarios = [...routingScenarios(gateway), ...shopScenarios];
  out = join(t.dir, 'out');
  await writeNodeTarget(gateway, out);
  gw = await startNodeTarget(out, { ...shopEnv, ADMIN_PORT: '0' });
});

afterAll(async () => {
  await Promise.all([gw, ...running].map((g) => g?.stop()));
  await Promise.all([...echoes, ...extra].map((e) => e.close()));
  await cleanup?.();
});

async function start(env: Record<string, string>): Promise<RunningNodeTarget> {
  const g = await startNodeTarget(out, { ...shopEnv, ...env });
  running.push(g);
  return g;
}

/** Every scenario the gateway at `url` fails, with why; '' when none. */
async function failedScenarios(url: string): Promise<string> {
  const failures: string[] = [];
  for (const s of scenarios) {
    const a = await send(url, s.request.method, s.request.path, s.request.headers, s.request.body);
    const problems = judge(s, a);
    if (problems.length) failures.push(`${s.name}:\n    ${problems.join('\n    ')}`);
  }
  return failures.join('\n');
}

describe('the node gateway: the shared scenario list', () => {
  it('has a scenario per route of the example and the hand-written ones', () => {
    expect(scenarios.length).toBe(19 + shopScenarios.length);
  });
  it('passes every scenario', async () => {
    expect(await failedScenarios(gw.url)).toBe('');
  });
  it('writes a JSON access log line per request on stdout', async () => {
    await send(gw.url, 'GET', '/users/me', { ...AUTH.usersKey, 'x-request-id': 'node-log-1' });
    await new Promise((r) => setTimeout(r, 100));
    const line = gw
      .output()
      .stdout.split('\n')
      .find((l) => l.includes('"node-log-1"'));
    expect(JSON.parse(line!)).toMatchObject({
      method: 'GET',
      path: '/users/me',
      service: 'users',
      status: 200,
      code: null,
      consumer: 'users-app',
    });
  });
  it('serves metrics, health and routes on ADMIN_PORT', async () => {
    expect(gw.admin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const metrics = await send(gw.admin!, 'GET', '/metrics');
    expect(metrics.body).toMatch(/gw_requests_total\{route="users\.getCurrentUser",service="users",status="200"\} \d+/);
    const health = await send(gw.admin!, 'GET', '/__gw/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body).status).toBe('ok');
    expect(JSON.parse((await send(gw.admin!, 'GET', '/__gw/routes')).body)).toHaveLength(19);
  });
});

describe('the node gateway with its model packed, as for a big gateway', () => {
  it('embeds the model gzip-compressed and base64-encoded, and passes every scenario', async () => {
    const packedOut = join(out, '..', 'out-packed');
    await writeNodeTarget(gateway, packedOut, { node: { packAbove: 0 } });
    const server = readFileSync(join(packedOut, 'node', 'server.mjs'), 'utf8');
    expect(server).toContain('const packedGateway =');
    expect(server).not.toContain('"upstreamPath"');
    const g = await startNodeTarget(packedOut, shopEnv);
    running.push(g);
    expect(await failedScenarios(g.url)).toBe('');
  });
});

describe('the generated folder', () => {
  it('needs nothing but Node: server.mjs imports only ./gw-runtime.mjs, the bundle only built-ins', () => {
    const server = readFileSync(join(out, 'node', 'server.mjs'), 'utf8');
    expect([...server.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1])).toEqual(['./gw-runtime.mjs']);
    const bundle = readFileSync(join(out, 'node', 'gw-runtime.mjs'), 'utf8');
    const specifiers = [
      ...bundle.matchAll(/^import .*? from ["']([^"']+)["'];?$|\b__require\(["']([^"']+)["']\)/gm),
    ].map((m) => m[1] ?? m[2]!);
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    expect(specifiers.length).toBeGreaterThan(5);
    expect(specifiers.filter((s) => !builtins.has(s))).toEqual([]);
  });
});

describe('upstream overrides: GW_UPSTREAM_<ID>', () => {
  it('replaces the targets of one upstream, keeping its base path, and balances over the list', async () => {
    const [b, c] = extra as [EchoUpstream, EchoUpstream];
    const g = await start({ GW_UPSTREAM_USERS: `${b.url},${c.url}/api/v1` });
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const a = await send(g.url, 'GET', '/users/me', AUTH.usersKey);
      expect(a.status).toBe(200);
      const report = JSON.parse(a.body) as { name: string; url: string };
      expect(report.url).toBe('/api/v1/users/me');
      seen.add(report.name);
    }
    expect([...seen].sort()).toEqual(['users-b', 'users-c']);
    // Other upstreams keep the model's targets.
    expect(JSON.parse((await send(g.url, 'GET', '/orders', AUTH.orders)).body).name).toBe('orders');
  });
  it('overrides an upstream without a base path, behind a prefix (catalog -> GW_UPSTREAM_CATALOG)', async () => {
    const g = await start({ GW_UPSTREAM_CATALOG: extra[0]!.url });
    const a = await send(g.url, 'GET', '/catalog/products?limit=2');
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body)).toMatchObject({ name: 'users-b', url: '/products?limit=2' });
  });
});

describe('shutdown', () => {
  it('SIGTERM lets a request in flight finish, then exits 0', async () => {
    const g = await start({});
    const slow = send(g.url, 'GET', '/users/me', { ...AUTH.usersKey, 'x-echo-delay': '600' });
    await new Promise((r) => setTimeout(r, 150));
    const exit = g.stop();
    expect((await slow).status).toBe(200);
    expect(await exit).toBe(0);
    expect(g.output().stderr).toBe('stopped\n');
  });
  it('DRAIN_TIMEOUT bounds the wait: a longer request is cut and counted', async () => {
    const g = await start({ DRAIN_TIMEOUT: '1' });
    const slow = send(g.url, 'GET', '/users/me', { ...AUTH.usersKey, 'x-echo-delay': '5000' }).catch(
      (err: Error) => err,
    );
    await new Promise((r) => setTimeout(r, 150));
    const began = Date.now();
    expect(await g.stop()).toBe(0);
    expect(Date.now() - began).toBeLessThan(4_000);
    expect(await slow).toBeInstanceOf(Error);
    expect(g.output().stderr).toBe('stopped; 1 requests were still running at the deadline\n');
  });
});

describe('bad settings: one error line each, exit 1, no stack', () => {
  it('reports every bad variable at once', async () => {
    const r = await runNodeTarget(out, {
      PORT: 'eighty',
      LOG_FORMAT: 'xml',
      GW_UPSTREAM_USER: 'http://127.0.0.1:1',
      GW_UPSTREAM_ORDERS: 'ftp://orders',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error GW_RUNTIME_ENV PORT="eighty" is not a port number');
    expect(r.stderr).toContain('error GW_RUNTIME_ENV LOG_FORMAT="xml" is not a log format');
    expect(r.stderr).toContain(
      'error GW_RUNTIME_ENV GW_UPSTREAM_USER="http://127.0.0.1:1" names no upstream of this gateway\n' +
        '  hint: did you mean GW_UPSTREAM_USERS?',
    );
    expect(r.stderr).toContain(
      'error GW_RUNTIME_ENV GW_UPSTREAM_ORDERS="ftp://orders" has "ftp://orders", which uses "ftp"',
    );
    expect(r.stderr).toMatch(/✖ 4 errors/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
  it('a port in use is GW_SERVE_LISTEN with a hint naming PORT', async () => {
    const r = await runNodeTarget(out, { ...shopEnv, PORT: String(echoes[0]!.port) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error GW_SERVE_LISTEN 127.0.0.1:${echoes[0]!.port} is already in use`);
    expect(r.stderr).toContain('hint: pick another port with PORT (PORT=0 takes a free one)');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
  it('unreadable credentials: GW_AUTH_SECRET naming file (from GW_BASE_DIR) or variable, never a secret', async () => {
    // Without GW_BASE_DIR the files resolve against the working directory (the output folder), and the variables are
    // unset.
    const r = await runNodeTarget(out, { PORT: '0', GW_BASE_DIR: '' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'error GW_AUTH_SECRET "users.apiKey": cannot read the keys file secrets/users.keys ' +
        `(${join(out, 'secrets', 'users.keys')}): it does not exist`,
    );
    expect(r.stderr).toContain(
      'hint: relative files are resolved against the working directory (set GW_BASE_DIR to change it)',
    );
    expect(r.stderr).toContain(
      'error GW_AUTH_SECRET "catalog.apiKey": the environment variable GW_SHOP_CATALOG_KEYS that holds ' +
        'the keys is not set',
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
    for (const value of Object.values(shopEnv))
      if (value !== shopEnv.GW_BASE_DIR) expect(r.stderr).not.toContain(value);
  });
});
