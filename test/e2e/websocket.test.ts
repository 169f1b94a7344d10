import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../src/cli/load-gateway.js';
import { loadProject } from '../../src/project/load.js';
import { tempDir } from '../helpers/cli.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { startNodeTarget, writeNodeTarget, type RunningNodeTarget } from '../helpers/node-target.js';
import { findNginx, freePort, nginxTest, startNginx, type RunningNginx } from '../helpers/nginx.js';
import { nginxFiles } from '../helpers/nginx-build.js';
import { writeFiles } from '../helpers/specs.js';
import { closed, nextMessage, openSocket, startWsUpstream, type WsUpstream } from '../helpers/ws-upstream.js';
import { type WebSocketPlane, websocketChecks } from '../scenarios/websocket-checks.js';
import { writeWebSocketProject } from '../scenarios/websocket-project.js';

/**
 * WebSockets through gw serve, the generated Node gateway and Debian's nginx with the generated config (issue 14,
 * item 3) against a real `ws` upstream: the shared checks (websocket-checks.ts) on each plane, then what only the
 * runtime shows: its metrics, the maximum lifetime, and close 1001 on shutdown. nginx closes an idle tunnel without
 * a close frame (the client sees 1006), as docs/targets/nginx.md says.
 */
let dir: string;
let cleanup: () => Promise<void>;
let upstream: WsUpstream;
let gw: RunningGateway;
let node: RunningNodeTarget;
let nginx: RunningNginx;
const planes: WebSocketPlane[] = [];

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('gw-websocket-'));
  upstream = await startWsUpstream();
  const port = await freePort();
  await writeWebSocketProject(dir, upstream.url, `{ host: 127.0.0.1, port: ${port} }`);
  gw = await startGwServe(dir, ['--admin-port', '0']);
  const { gateway } = await buildGateway(await loadProject(join(dir, 'gw.yaml')));
  await writeNodeTarget(gateway, join(dir, 'dist'));
  node = await startNodeTarget(join(dir, 'dist'), { GW_BASE_DIR: dir });
  if (!findNginx()) throw new Error('nginx is not installed (apt-get install -y nginx); .ci/run installs it');
  const files = await nginxFiles(gateway, {}, { baseDir: dir });
  await writeFiles(join(dir, 'dist'), Object.fromEntries(files.map((f) => [f.path, f.contents])));
  await nginxTest(join(dir, 'dist', 'nginx'));
  nginx = await startNginx(join(dir, 'dist', 'nginx'), port, 'nginx.conf', undefined, { GW_BASE_DIR: dir });
  planes.push({ name: 'gw serve', base: gw.url.replace(/^http/, 'ws'), idleClose: 1001 });
  planes.push({ name: 'node target', base: node.url.replace(/^http/, 'ws'), idleClose: 1001 });
  planes.push({ name: 'nginx', base: nginx.url.replace(/^http/, 'ws'), idleClose: 1006 });
}, 60_000);
afterAll(async () => {
  await gw?.stop();
  await node?.stop();
  await nginx?.stop();
  await upstream?.close();
  await cleanup?.();
});

describe.each(['gw serve', 'node target', 'nginx'])('WebSocket through %s', (name) => {
  for (const check of websocketChecks)
    it(check.name, () => check.run(planes.find((p) => p.name === name)!, upstream), 30_000);
});

describe('WebSocket in gw serve', () => {
  it('ends a tunnel at its maximum lifetime with close 1001, busy or not', async () => {
    const ws = await openSocket(`${planes[0]!.base}/ws/life`);
    if ('status' in ws) throw new Error(ws.body);
    const ticking = setInterval(() => ws.send('tick'), 100);
    const started = Date.now();
    const { code, reason } = await closed(ws);
    clearInterval(ticking);
    expect([code, reason]).toEqual([1001, 'maximum lifetime']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });
  it('counts open tunnels and why they closed in its metrics, and logs the handshake as 101', async () => {
    const ws = await openSocket(`${planes[0]!.base}/ws/echo`);
    if ('status' in ws) throw new Error(ws.body);
    const metrics = await (await fetch(`${gw.admin}/metrics`)).text();
    expect(metrics).toMatch(/gw_websocket_tunnels\{route="live\.echo",service="live"\} 1\n/);
    expect(metrics).toMatch(
      /gw_websocket_tunnels_closed_total\{route="live\.idle",service="live",reason="idle timeout"\} 1/,
    );
    ws.close(1000);
    await closed(ws);
    expect(gw.output().stdout).toMatch(/"route":"live\.echo".*"status":101/);
  });
  it('drains on shutdown: every tunnel gets close 1001, then the gateway exits', async () => {
    const { dir: other, cleanup: done } = await tempDir('gw-websocket-drain-');
    await writeWebSocketProject(other, upstream.url, '{ host: 127.0.0.1, port: 0 }');
    const draining = await startGwServe(other);
    const base = draining.url.replace(/^http/, 'ws');
    const sockets = await Promise.all([1, 2, 3].map(() => openSocket(`${base}/ws/echo`)));
    const closes = sockets.map((ws) => {
      if ('status' in ws) throw new Error(ws.body);
      return closed(ws);
    });
    const first = sockets[0] as import('ws').WebSocket;
    const echoed = nextMessage(first);
    first.send('still here');
    expect((await echoed).data.toString()).toBe('still here');
    const exit = draining.stop();
    expect(await Promise.all(closes)).toEqual([1, 2, 3].map(() => ({ code: 1001, reason: 'gateway shutting down' })));
    expect(await exit).toBe(0);
    await done();
  });
});
