import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoReport, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { send } from '../helpers/http.js';
import { BFF_SPEC, ECHO_SPEC } from '../scenarios/compose-project.js';

/**
 * gw serve's side of compositions that the shared scenarios cannot see (docs/composition.md):
 * each step is a request of its own route in the access log and the metrics, with the step's
 * request id; and X-Gw-Step, which carries the caller's address and consumer to the steps, is
 * believed only with the gateway's secret and never reaches an upstream.
 */
let gw: RunningGateway;
let echo: EchoUpstream;
let cleanup: () => Promise<void>;
let dir: string;

beforeAll(async () => {
  const t = await tempDir('gw-serve-compose-');
  cleanup = t.cleanup;
  dir = t.dir;
  echo = await startEcho('echo');
  await writeFile(join(t.dir, 'echo.yaml'), ECHO_SPEC);
  // The bff spec without its routes that call users (this project has no users service).
  await writeFile(join(t.dir, 'bff.yaml'), BFF_SPEC.slice(0, BFF_SPEC.indexOf('  /bff/me:')));
  await writeFile(
    join(t.dir, 'gw.yaml'),
    `version: 1\nname: t\nservices:\n  - { name: echo, spec: echo.yaml, upstreams: ["${echo.url}"] }\n` +
      '  - { name: bff, spec: bff.yaml }\n' +
      // The test client is a trusted proxy, so a client address can be given (X-Forwarded-For).
      'edge: { trustedProxies: { addresses: [127.0.0.1/32] } }\n',
  );
  gw = await startGwServe(t.dir, ['--admin-port', '0']);
}, 30_000);

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
  await cleanup?.();
});

describe('compositions on gw serve', () => {
  it('the access log and the metrics show each step as a request of its route, with the step request id', async () => {
    const a = await send(gw.url, 'GET', '/bff/fanout', { 'x-items': 'p,q', 'x-request-id': 'log-1' });
    expect(a.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    const lines = gw
      .output()
      .stdout.split('\n')
      .filter((l) => l.includes('"log-1'))
      .map((l) => JSON.parse(l) as { requestId: string; route: string; status: number; target: string | null });
    const seen = lines.map((l) => `${l.requestId} ${l.route} ${l.status}`).sort();
    expect(seen).toEqual([
      'log-1 bff.fanout 200',
      'log-1.each.0 echo.echoWord 200',
      'log-1.each.1 echo.echoWord 200',
      'log-1.list echo.echoWord 200',
    ]);
    expect(lines.find((l) => l.route === 'bff.fanout')?.target).toBe('compose');
    const metrics = (await send(gw.admin!, 'GET', '/metrics')).body;
    expect(metrics).toMatch(/gw_requests_total\{[^}]*route="bff\.fanout"[^}]*\} 1/);
    expect(metrics).toMatch(/gw_requests_total\{[^}]*route="echo\.echoWord"[^}]*\} 3/);
  });

  it('an X-Gw-Step a client sends is dropped: it changes nothing and reaches no upstream', async () => {
    const a = await send(gw.url, 'GET', '/echo/x', { 'x-gw-step': 'guess 198.51.100.7 admin' });
    expect(a.status).toBe(200);
    const report = JSON.parse(a.body) as EchoReport;
    expect(report.headers['x-gw-step']).toBeUndefined();
    expect(report.headers['x-consumer']).toBeUndefined();
    expect(report.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it("a step's upstream sees the caller's address in X-Forwarded-For, not the gateway's loopback", async () => {
    const a = await send(gw.url, 'GET', '/bff/shape', { 'x-forwarded-for': '203.0.113.9' });
    expect(a.status).toBe(200);
    expect((JSON.parse(a.body) as EchoReport).headers['x-forwarded-for']).toBe('203.0.113.9');
  });

  it("a step's X-Gw-Step never reaches its upstream either", async () => {
    const a = await send(gw.url, 'GET', '/bff/shape');
    expect(a.status).toBe(200);
    expect(a.body).not.toContain('x-gw-step');
  });

  it('--mock-missing never mocks a gateway spec whose routes are all composites', async () => {
    const other = await startGwServe(dir, ['--mock-missing']);
    try {
      const ready = other
        .output()
        .stdout.split('\n')
        .find((l) => l.startsWith('{"event":"ready"'));
      expect(JSON.parse(ready!).mocked).toEqual([]);
      expect((await send(other.url, 'GET', '/bff/dependent/w')).body).toBe('{"first":"/echo/w","second":"/echo/beta"}');
    } finally {
      await other.stop();
    }
  });
});
