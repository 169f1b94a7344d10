import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../src/cli/load-gateway.js';
import { loadProject } from '../../src/project/load.js';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe } from '../helpers/gw-serve.js';
import { send } from '../helpers/http.js';
import { findNginx, freePort, nginxTest, startNginx } from '../helpers/nginx.js';
import { nginxFiles, writeRendered } from '../helpers/nginx-build.js';
import { startNodeTarget, writeNodeTarget } from '../helpers/node-target.js';
import { writeShopProject } from '../scenarios/project.js';
import { authScenarios } from '../scenarios/auth-scenarios.js';
import { limitsScenarios } from '../scenarios/limits-scenarios.js';
import { composeScenarios } from '../scenarios/compose-scenarios.js';
import { routingScenarios, shopScenarios, type Scenario } from '../scenarios/scenarios.js';
import { runScenarios } from '../helpers/scenario-runner.js';

interface Plane {
  name: string;
  url: string;
  stop(): Promise<unknown>;
}

const planes: Plane[] = [];
let echoes: EchoUpstream[] = [];
let cleanup: () => Promise<void>;
let scenarios: Scenario[] = [];

beforeAll(async () => {
  const t = await tempDir('gw-targets-');
  cleanup = t.cleanup;
  echoes = await Promise.all(['users', 'orders', 'catalog', 'echo'].map((n) => startEcho(n)));
  const [users, orders, catalog, echo] = echoes.map((e) => e.url) as [string, string, string, string];
  const port = await freePort();
  const env = await writeShopProject(t.dir, { users, orders, catalog, echo }, port);
  const { gateway } = await buildGateway(await loadProject(join(t.dir, 'gw.yaml')));
  scenarios = [
    ...routingScenarios(gateway),
    ...shopScenarios,
    ...authScenarios,
    ...limitsScenarios,
    ...composeScenarios,
  ];

  const gw = await startGwServe(t.dir, [], undefined, env);
  planes.push({ name: 'gw serve', url: gw.url, stop: () => gw.stop() });

  if (!findNginx()) throw new Error('nginx is not installed (apt-get install -y nginx); .ci/run installs it');
  const out = join(t.dir, 'dist');
  await writeRendered(out, await nginxFiles(gateway, {}, { baseDir: t.dir, env }));
  await nginxTest(join(out, 'nginx'));
  const nginx = await startNginx(join(out, 'nginx'), port, 'nginx.conf', undefined, env);
  planes.push({ name: 'nginx', url: nginx.url, stop: () => nginx.stop() });

  await writeNodeTarget(gateway, out);
  const node = await startNodeTarget(out, env);
  planes.push({ name: 'node target', url: node.url, stop: () => node.stop() });
}, 60_000);

afterAll(async () => {
  await Promise.all(planes.map((p) => p.stop()));
  await Promise.all(echoes.map((e) => e.close()));
  await cleanup?.();
});

describe('every data plane answers the shared scenario list the same way', () => {
  it('has a scenario per route of the example project and the hand-written ones, and runs them on each plane', () => {
    // 19 routes of the shop and echo's two; the composites have scenarios of their own.
    const own = shopScenarios.length + authScenarios.length + limitsScenarios.length + composeScenarios.length;
    expect(scenarios.length).toBe(21 + own);
    expect(planes.map((p) => p.name)).toEqual(['gw serve', 'nginx', 'node target']);
  });
  it('passes every scenario on every data plane', async () => {
    const senders = planes.map((p) => ({
      name: p.name,
      send: (method: string, path: string, headers?: Record<string, string>, body?: string) =>
        send(p.url, method, path, headers, body),
    }));
    expect(await runScenarios(scenarios, senders)).toBe('');
  });
});
