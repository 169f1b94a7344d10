import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../src/cli/load-gateway.js';
import { loadProject } from '../../src/project/load.js';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe } from '../helpers/gw-serve.js';
import { closeTlsClients, sendTls } from '../helpers/https.js';
import { findNginx, freePort, nginxTest, startNginx } from '../helpers/nginx.js';
import { nginxFiles, writeRendered } from '../helpers/nginx-build.js';
import { startNodeTarget, writeNodeTarget } from '../helpers/node-target.js';
import { runScenarios, type ScenarioPlane } from '../helpers/scenario-runner.js';
import { makeTestCa } from '../helpers/test-ca.js';
import { authScenarios } from '../scenarios/auth-scenarios.js';
import { limitsScenarios } from '../scenarios/limits-scenarios.js';
import { writeShopProject } from '../scenarios/project.js';
import {
  overHttps,
  routingScenarios,
  shopScenarios,
  type HttpsTransport,
  type Scenario,
} from '../scenarios/scenarios.js';

/**
 * The shared scenario list over https (issue 14): HTTP/1.1 and HTTP/2 by ALPN, through every data plane that
 * terminates TLS with the project's `listen.tls`, against a test CA openssl makes here. Every scenario passes on
 * each, or differs as its note says (overHttps: what HTTP/2 cannot carry).
 */
interface Plane {
  name: string;
  url: string;
  stop(): Promise<unknown>;
}

const planes: Plane[] = [];
let echoes: EchoUpstream[] = [];
let cleanup: () => Promise<void>;
let scenarios: Scenario[] = [];
let ca = '';

beforeAll(async () => {
  const t = await tempDir('gw-targets-tls-');
  cleanup = t.cleanup;
  await mkdir(join(t.dir, 'certs'));
  const testCa = makeTestCa(join(t.dir, 'certs'));
  testCa.server('gateway', ['localhost', '127.0.0.1']);
  ca = testCa.root;
  echoes = await Promise.all(['users', 'orders', 'catalog'].map((n) => startEcho(n)));
  const [users, orders, catalog] = echoes.map((e) => e.url) as [string, string, string];
  const tls = { cert: 'certs/gateway.pem', key: 'certs/gateway.key' };
  const port = await freePort();
  const env = await writeShopProject(t.dir, { users, orders, catalog }, port, tls);
  const { gateway } = await buildGateway(await loadProject(join(t.dir, 'gw.yaml')));
  scenarios = [...routingScenarios(gateway), ...shopScenarios, ...authScenarios, ...limitsScenarios];

  const gw = await startGwServe(t.dir, [], undefined, env);
  planes.push({ name: 'gw serve', url: gw.url, stop: () => gw.stop() });

  if (!findNginx()) throw new Error('nginx is not installed (apt-get install -y nginx); .ci/run installs it');
  const out = join(t.dir, 'dist');
  // gw build's projectDir: nginx reads the certificate files from nginx.conf's folder, dist/nginx.
  await writeRendered(out, await nginxFiles(gateway, { projectDir: '..' }, { baseDir: t.dir, env }));
  await nginxTest(join(out, 'nginx'));
  const nginx = await startNginx(join(out, 'nginx'), port, 'nginx.conf', undefined, env);
  planes.push({ name: 'nginx', url: `https://127.0.0.1:${port}`, stop: () => nginx.stop() });

  await writeNodeTarget(gateway, out);
  const node = await startNodeTarget(out, env);
  planes.push({ name: 'node target', url: node.url, stop: () => node.stop() });
}, 60_000);

afterAll(async () => {
  closeTlsClients();
  await Promise.all(planes.map((p) => p.stop()));
  await Promise.all(echoes.map((e) => e.close()));
  await cleanup?.();
});

function sendersOver(transport: HttpsTransport): ScenarioPlane[] {
  const protocol = transport === 'https/h2' ? 'h2' : 'http/1.1';
  return planes.map((p) => ({
    name: `${p.name} ${transport}`,
    send: (method, path, headers, body) => sendTls(p.url, { ca, protocol }, method, path, headers, body),
  }));
}

describe('every TLS-terminating data plane answers the shared scenario list over https', () => {
  it('serves https on each plane', () => {
    expect(planes.map((p) => p.name)).toEqual(['gw serve', 'nginx', 'node target']);
    for (const p of planes) expect(p.url).toMatch(/^https:\/\//);
  });
  it.each(['https/1.1', 'https/h2'] as const)('passes every scenario over %s', async (transport) => {
    const list = overHttps(
      scenarios,
      transport,
      planes.map((p) => p.name),
    );
    expect(await runScenarios(list, sendersOver(transport))).toBe('');
  });
});
