import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { send } from '../helpers/http.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * Issue 10, item 22: what the admin listener says about targets. gw_target_healthy is 1 only for
 * a target the gateway would pick now (not ejected, not failed by health checks); an upstream the
 * gateway never forwards to (a mocked service) has no target gauge and is shown as mocked.
 */
let dir: string;
let cleanup: () => Promise<void>;
const echoes: EchoUpstream[] = [];
let gw: RunningGateway | undefined;

beforeEach(async () => ({ dir, cleanup } = await tempDir('gw-target-metrics-')));
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  await Promise.all(echoes.splice(0).map((e) => e.close()));
  await cleanup();
});

const SPEC = oas30('Svc', { '/items': { get: { operationId: 'listItems' } } });

/** A URL nothing listens on: an echo started and closed again. */
async function deadUrl(): Promise<string> {
  const dead = await startEcho('dead');
  await dead.close();
  return dead.url;
}

function gauge(metrics: string, upstream: string, target: string): string | undefined {
  const line = metrics
    .split('\n')
    .find((l) => l.startsWith(`gw_target_healthy{upstream="${upstream}",target="${target}"}`));
  return line?.split(' ').pop();
}

describe('issue 10 item 22: gw_target_healthy', () => {
  it('is 0 for a target taken out by passive ejection, and 1 again for the one still serving', async () => {
    const live = await startEcho('live');
    echoes.push(live);
    const dead = await deadUrl();
    await writeFiles(dir, { 'svc.yaml': SPEC });
    await writeFile(
      join(dir, 'gw.yaml'),
      `version: 1\nname: t\nservices:\n  - name: svc\n    spec: svc.yaml\n    upstreams: ["${dead}", "${live.url}"]\n`,
    );
    gw = await startGwServe(dir, ['--admin-port', '0']);
    // Round-robin: every other request tries the dead target first, fails to connect and is retried on the live one.
    for (let i = 0; i < 6; i++) expect((await send(gw.url, 'GET', '/items')).status).toBe(200);
    const health = JSON.parse((await send(gw.admin!, 'GET', '/__gw/health')).body);
    expect(health.upstreams[0].targets.find((t: { url: string }) => t.url === dead)).toMatchObject({ ejected: true });
    const metrics = (await send(gw.admin!, 'GET', '/metrics')).body;
    expect(gauge(metrics, 'svc', dead)).toBe('0');
    expect(gauge(metrics, 'svc', live.url)).toBe('1');
  });

  it('lists no target of a mocked upstream (it is never contacted); /__gw/health shows it as mocked', async () => {
    const live = await startEcho('live');
    echoes.push(live);
    const dead = await deadUrl();
    await writeFiles(dir, {
      'svc.yaml': SPEC,
      'other.yaml': oas30('Other', { '/other': { get: { operationId: 'other' } } }),
    });
    await writeFile(
      join(dir, 'gw.yaml'),
      'version: 1\nname: t\nservices:\n  - name: svc\n    spec: svc.yaml\n' +
        `    upstreams: ["${live.url}"]\n  - name: other\n    spec: other.yaml\n` +
        `    upstreams: ["${dead}"]\n`,
    );
    gw = await startGwServe(dir, ['--admin-port', '0', '--mock-missing']);
    expect((await send(gw.url, 'GET', '/other')).headers['x-gw-mock']).toBe('true');
    const metrics = (await send(gw.admin!, 'GET', '/metrics')).body;
    expect(gauge(metrics, 'svc', live.url)).toBe('1');
    expect(metrics).not.toContain('upstream="other"');
    const health = JSON.parse((await send(gw.admin!, 'GET', '/__gw/health')).body);
    expect(health.upstreams.find((u: { id: string }) => u.id === 'other')).toEqual({
      id: 'other',
      mocked: true,
      targets: [],
    });
    expect(health.status).toBe('ok');
  });

  it('does not probe the upstream of a service with `mock: true`, even with a health check', async () => {
    const live = await startEcho('live');
    echoes.push(live);
    await writeFiles(dir, { 'svc.yaml': SPEC });
    const check = 'healthCheck: { path: /__health, interval: 50ms, timeout: 1s }';
    await writeFile(
      join(dir, 'gw.yaml'),
      'version: 1\nname: t\nservices:\n  - name: svc\n    spec: svc.yaml\n    mock: true\n' +
        `    upstreams: ["${live.url}"]\n    settings: { ${check} }\n`,
    );
    gw = await startGwServe(dir, ['--admin-port', '0']);
    await new Promise((r) => setTimeout(r, 400));
    expect((await send(gw.url, 'GET', '/items')).headers['x-gw-mock']).toBe('true');
    expect(live.hits).toBe(0);
    expect((await send(gw.admin!, 'GET', '/metrics')).body).not.toContain('upstream="svc"');
  });
});
