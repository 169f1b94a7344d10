import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../src/cli/load-gateway.js';
import { loadProject } from '../../src/project/load.js';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { send } from '../helpers/http.js';
import { writeShopProject } from '../scenarios/project.js';
import { judge, routingScenarios, shopScenarios, type Scenario } from '../scenarios/scenarios.js';
import { join } from 'node:path';

let echoes: EchoUpstream[] = [];
let gw: RunningGateway;
let cleanup: () => Promise<void>;
let scenarios: Scenario[] = [];

beforeAll(async () => {
  const t = await tempDir('gw-serve-');
  cleanup = t.cleanup;
  echoes = await Promise.all(['users', 'orders', 'catalog'].map((n) => startEcho(n)));
  const [users, orders, catalog] = echoes.map((e) => e.url) as [string, string, string];
  await writeShopProject(t.dir, { users, orders, catalog });
  const { gateway } = await buildGateway(await loadProject(join(t.dir, 'gw.yaml')));
  scenarios = [...routingScenarios(gateway), ...shopScenarios];
  gw = await startGwServe(t.dir);
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all(echoes.map((e) => e.close()));
  await cleanup?.();
});

describe('gw serve: the shared scenario list (every route of the example project, then the edge cases)', () => {
  it('has a scenario per route of the example and the hand-written ones', () => {
    expect(scenarios.length).toBe(19 + shopScenarios.length);
  });
  it('passes every scenario', async () => {
    const failures: string[] = [];
    for (const s of scenarios) {
      const a = await send(gw.url, s.request.method, s.request.path, s.request.headers, s.request.body);
      const problems = judge(s, a);
      if (problems.length) failures.push(`${s.name}:\n    ${problems.join('\n    ')}`);
    }
    expect(failures.join('\n')).toBe('');
  });
});
