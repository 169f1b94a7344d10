import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoReport, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { send, sendFrom } from '../helpers/http.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * gw serve behind a load balancer (issue 12, items 6 and 7): the client address and scheme come
 * from X-Forwarded-For and X-Forwarded-Proto only when the TCP peer is a trusted proxy
 * (edge.trustedProxies), and hosts not in edge.serverNames are answered 421. Loopback gives
 * several peers: 127.0.0.2 plays the load balancer, 127.0.0.3 a client that reaches gw directly.
 */
let dir: string;
let cleanup: () => Promise<void>;
let echo: EchoUpstream | undefined;
let gw: RunningGateway | undefined;

beforeEach(async () => ({ dir, cleanup } = await tempDir('gw-trusted-')));
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  await echo?.close();
  echo = undefined;
  await cleanup();
});

const SPEC = oas30('Svc', {
  '/items': { get: { operationId: 'listItems', 'x-gw': { rateLimit: { requests: 1, window: '1m', key: 'ip' } } } },
  '/open': { get: { operationId: 'open' } },
});

async function serve(edge: string): Promise<RunningGateway> {
  echo = await startEcho('svc');
  await writeFiles(dir, { 'svc.yaml': SPEC });
  const yaml = ['version: 1', 'name: test', `edge: ${edge}`, 'services:', '  - name: svc', '    spec: svc.yaml']
    .concat([`    upstreams: ["${echo.url}"]`, ''])
    .join('\n');
  await writeFile(join(dir, 'gw.yaml'), yaml);
  gw = await startGwServe(dir);
  return gw;
}

/** The access log's JSON line of the request with this X-Request-Id. */
async function logged(id: string): Promise<Record<string, unknown> | undefined> {
  await new Promise((r) => setTimeout(r, 100));
  const lines = gw!
    .output()
    .stdout.split('\n')
    .filter((l) => l.startsWith('{"time"'));
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.requestId === id);
}

describe('gw serve: edge.trustedProxies', () => {
  it('a trusted hop: the forwarded client is counted and logged, X-Forwarded-Proto believed', async () => {
    const g = await serve('{ trustedProxies: { addresses: [127.0.0.2/32, 10.0.0.0/8] } }');
    const via = (client: string, id: string) =>
      sendFrom('127.0.0.2', g.url, 'GET', '/items', {
        'x-forwarded-for': `198.51.100.1, ${client}, 10.1.1.1`,
        'x-forwarded-proto': 'https',
        'x-request-id': id,
      });
    const first = await via('203.0.113.7', 'lb-1');
    expect(first.status).toBe(200);
    const seen = (JSON.parse(first.body) as EchoReport).headers;
    // The chain grows by the peer, as every proxy appends the address it got the request from.
    expect(seen['x-forwarded-for']).toBe('198.51.100.1, 203.0.113.7, 10.1.1.1, 127.0.0.2');
    expect(seen['x-forwarded-proto']).toBe('https');
    expect(await logged('lb-1')).toMatchObject({ client: '203.0.113.7', status: 200 });
    // Another client behind the same balancer has a limit of its own; the first has used its one request.
    expect((await via('203.0.113.8', 'lb-2')).status).toBe(200);
    const again = await via('203.0.113.7', 'lb-3');
    expect(again.status).toBe(429);
    expect(await logged('lb-3')).toMatchObject({ client: '203.0.113.7', code: 'GW_HTTP_TOO_MANY_REQUESTS' });
  });

  it('an untrusted peer: X-Forwarded-For and X-Forwarded-Proto are ignored', async () => {
    const g = await serve('{ trustedProxies: { addresses: [127.0.0.2] } }');
    const direct = (client: string, id: string) =>
      sendFrom('127.0.0.3', g.url, 'GET', '/items', {
        'x-forwarded-for': client,
        'x-forwarded-proto': 'https',
        'x-request-id': id,
      });
    const first = await direct('203.0.113.9', 'direct-1');
    expect(first.status).toBe(200);
    const seen = (JSON.parse(first.body) as EchoReport).headers;
    expect(seen['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.3');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(await logged('direct-1')).toMatchObject({ client: '127.0.0.3' });
    // A new address in the header does not escape the limit: the peer is counted.
    expect((await direct('203.0.113.10', 'direct-2')).status).toBe(429);
  });

  it('a hop count alone trusts any peer for that many hops', async () => {
    const g = await serve('{ trustedProxies: { hops: 1 } }');
    const answer = await sendFrom('127.0.0.3', g.url, 'GET', '/open', {
      'x-forwarded-for': '198.51.100.1, 203.0.113.5',
      'x-request-id': 'hops-1',
    });
    expect(answer.status).toBe(200);
    expect(await logged('hops-1')).toMatchObject({ client: '203.0.113.5' });
  });
});

describe('gw serve: edge.serverNames', () => {
  it('answers the listed names (port, case and a trailing dot aside) and 421 for others', async () => {
    const g = await serve('{ serverNames: [api.example.com, "*.example.com"] }');
    for (const host of ['api.example.com', 'API.Example.com:8080', 'a.b.example.com', 'api.example.com.']) {
      expect((await send(g.url, 'GET', '/open', { host })).status, host).toBe(200);
    }
    for (const host of ['example.com', 'evil.test', 'api.example.com.evil.test']) {
      const answer = await send(g.url, 'GET', '/open', { host });
      expect(answer.status, host).toBe(421);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(answer.body)).toMatchObject({
        status: 421,
        code: 'GW_HTTP_UNKNOWN_HOST',
        detail: 'this gateway does not answer for this host',
      });
    }
    expect(echo!.hits).toBe(4);
  });

  it('answers any host without serverNames', async () => {
    const g = await serve('{}');
    expect((await send(g.url, 'GET', '/open', { host: 'evil.test' })).status).toBe(200);
  });
});
