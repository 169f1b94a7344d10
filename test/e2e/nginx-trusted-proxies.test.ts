import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoReport, type EchoUpstream } from '../helpers/echo-upstream.js';
import { send, sendFrom } from '../helpers/http.js';
import { freePort, type RunningNginx } from '../helpers/nginx.js';
import { startNginxProject } from '../helpers/nginx-project.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * edge.trustedProxies and edge.serverNames in the NGINX target, run by Debian's nginx (issue 12,
 * items 6 and 7): the realip module behind a trusted hop (per-IP limits count the forwarded
 * client, X-Forwarded-Proto is believed), the header ignored from other peers, and 421 for hosts
 * not listed. On loopback, 127.0.0.2 plays the load balancer and 127.0.0.3 a direct client.
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

const SPEC = oas30('Svc', {
  '/items': { get: { operationId: 'listItems', 'x-gw': { rateLimit: { requests: 1, window: '1h', key: 'ip' } } } },
  '/open': { get: { operationId: 'open' } },
});

async function nginxWith(edge: string): Promise<RunningNginx> {
  const t = await tempDir('gw-nginx-trusted-');
  cleanup = t.cleanup;
  echo = await startEcho('svc');
  const port = await freePort();
  await writeFiles(t.dir, { 'svc.yaml': SPEC });
  const yaml = [
    'version: 1',
    'name: test',
    `listen: { host: 127.0.0.1, port: ${port} }`,
    `edge: ${edge}`,
    'services:',
    '  - name: svc',
    '    spec: svc.yaml',
    `    upstreams: ["${echo.url}"]`,
    '',
  ].join('\n');
  nginx = await startNginxProject(t.dir, yaml, port);
  return nginx;
}

const headersOf = (body: string) => (JSON.parse(body) as EchoReport).headers;

describe('nginx: edge.trustedProxies (realip)', () => {
  it('behind a trusted hop: limits count the forwarded client, X-Forwarded-Proto is believed', async () => {
    const n = await nginxWith('{ trustedProxies: { addresses: [127.0.0.2/32, 10.0.0.0/8] } }');
    const via = (client: string) =>
      sendFrom('127.0.0.2', n.url, 'GET', '/items', {
        'x-forwarded-for': `198.51.100.1, ${client}, 10.1.1.1`,
        'x-forwarded-proto': 'https',
      });
    const first = await via('203.0.113.7');
    expect(first.status).toBe(200);
    expect(headersOf(first.body)['x-forwarded-for']).toBe('198.51.100.1, 203.0.113.7, 10.1.1.1, 127.0.0.2');
    expect(headersOf(first.body)['x-forwarded-proto']).toBe('https');
    expect((await via('203.0.113.8')).status).toBe(200);
    const again = await via('203.0.113.7');
    expect(again.status).toBe(429);
    expect(JSON.parse(again.body)).toMatchObject({ code: 'GW_HTTP_TOO_MANY_REQUESTS' });
  });

  it('from an untrusted peer the headers are ignored', async () => {
    const n = await nginxWith('{ trustedProxies: { addresses: [127.0.0.2] } }');
    const direct = (client: string) =>
      sendFrom('127.0.0.3', n.url, 'GET', '/items', { 'x-forwarded-for': client, 'x-forwarded-proto': 'https' });
    const first = await direct('203.0.113.9');
    expect(first.status).toBe(200);
    expect(headersOf(first.body)['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.3');
    expect(headersOf(first.body)['x-forwarded-proto']).toBe('http');
    expect((await direct('203.0.113.10')).status).toBe(429);
  });

  it('one hop without addresses: the last X-Forwarded-For entry from any peer', async () => {
    const n = await nginxWith('{ trustedProxies: { hops: 1 } }');
    const from = (client: string) =>
      sendFrom('127.0.0.3', n.url, 'GET', '/items', { 'x-forwarded-for': `198.51.100.1, ${client}` });
    expect((await from('203.0.113.5')).status).toBe(200);
    expect((await from('203.0.113.6')).status).toBe(200);
    expect((await from('203.0.113.5')).status).toBe(429);
  });
});

describe('nginx: edge.serverNames', () => {
  it('answers the listed names and 421 GW_HTTP_UNKNOWN_HOST for others', async () => {
    const n = await nginxWith('{ serverNames: [api.example.com, "*.example.com"] }');
    for (const host of ['api.example.com', 'API.Example.com:8080', 'a.b.example.com', 'api.example.com.']) {
      expect((await send(n.url, 'GET', '/open', { host })).status, host).toBe(200);
    }
    for (const host of ['example.com', 'evil.test']) {
      const answer = await send(n.url, 'GET', '/open', { host });
      expect(answer.status, host).toBe(421);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.parse(answer.body)).toMatchObject({
        status: 421,
        code: 'GW_HTTP_UNKNOWN_HOST',
        detail: 'this gateway does not answer for this host',
      });
    }
    expect(echo!.hits).toBe(4);
  });
});
