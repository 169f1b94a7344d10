import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGw, tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { send, sendRaw } from '../helpers/http.js';
import { oas30, writeFiles } from '../helpers/specs.js';

let dir: string;
let cleanup: () => Promise<void>;
let echoes: EchoUpstream[] = [];
let gw: RunningGateway | undefined;

beforeEach(async () => ({ dir, cleanup } = await tempDir('gw-serve-')));
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  await Promise.all(echoes.map((e) => e.close()));
  echoes = [];
  await cleanup();
});

const SPEC = oas30('Svc', {
  '/items': { get: { operationId: 'listItems' }, post: { operationId: 'createItem' } },
  '/items/{id}': {
    get: {
      operationId: 'getItem',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
    },
  },
  '/upload': { post: { operationId: 'upload', 'x-gw': { maxBodySize: '64mb' } } },
  '/download': { get: { operationId: 'download' } },
});

/** One service "svc" in front of the given echo targets; `service` adds gw.yaml keys to its entry. */
async function project(
  targets: (string | { url: string; weight: number })[],
  service = '',
  settings = '',
): Promise<void> {
  await writeFiles(dir, { 'svc.yaml': SPEC });
  const ups = targets
    .map((t) => (typeof t === 'string' ? `      - ${t}` : `      - { url: "${t.url}", weight: ${t.weight} }`))
    .join('\n');
  await writeFile(
    join(dir, 'gw.yaml'),
    `version: 1\nname: test\n${settings}services:\n  - name: svc\n    spec: svc.yaml\n` +
      `    upstreams:\n${ups}\n${service}`,
  );
}

async function echoesNamed(...names: string[]): Promise<EchoUpstream[]> {
  echoes.push(...(await Promise.all(names.map((n) => startEcho(n)))));
  return echoes;
}

async function spread(n: number, path = '/items'): Promise<Record<string, number>> {
  const count: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const a = await send(gw!.url, 'GET', path);
    expect(a.status).toBe(200);
    const name = JSON.parse(a.body).name as string;
    count[name] = (count[name] ?? 0) + 1;
  }
  return count;
}

describe('balancing', () => {
  it('round-robin spreads 1,000 requests evenly (within 5%)', async () => {
    const [a, b] = await echoesNamed('a', 'b');
    await project([a!.url, b!.url]);
    gw = await startGwServe(dir);
    const c = await spread(1000);
    expect(Math.abs(c.a! - 500)).toBeLessThanOrEqual(25);
    expect(Math.abs(c.b! - 500)).toBeLessThanOrEqual(25);
  });

  it('weighted 3:1 spreads 1,000 requests as 750/250 (within 5%)', async () => {
    const [a, b] = await echoesNamed('a', 'b');
    await project([
      { url: a!.url, weight: 3 },
      { url: b!.url, weight: 1 },
    ]);
    gw = await startGwServe(dir);
    const c = await spread(1000);
    expect(Math.abs(c.a! - 750)).toBeLessThanOrEqual(50);
    expect(Math.abs(c.b! - 250)).toBeLessThanOrEqual(50);
  });

  it('least-connections sends new requests to the idle target', async () => {
    const [a, b] = await echoesNamed('a', 'b');
    await project([a!.url, b!.url], '    settings: { loadBalancing: least-connections }\n');
    gw = await startGwServe(dir);
    // One slow request keeps one target busy; every quick request meanwhile goes to the other.
    const slow = send(gw.url, 'GET', '/items', { 'x-echo-delay': '800' });
    await new Promise((r) => setTimeout(r, 100));
    const quick = await spread(10);
    const busy = JSON.parse((await slow).body).name as string;
    expect(quick[busy] ?? 0).toBe(0);
    expect(Object.values(quick).reduce((x, y) => x + y, 0)).toBe(10);
  });
});

describe('failures', () => {
  it('fails over when a target dies: no failed idempotent request after the first health interval', async () => {
    const [a, b] = await echoesNamed('a', 'b');
    await project(
      [a!.url, b!.url],
      '    settings: { healthCheck: { path: /__health, interval: 200ms, timeout: 100ms, ' +
        'unhealthyThreshold: 1, healthyThreshold: 1 } }\n',
    );
    gw = await startGwServe(dir);
    await b!.close();
    await new Promise((r) => setTimeout(r, 300));
    const c = await spread(200);
    expect(c).toEqual({ a: 200 });
  });

  it('answers 502 when the only target refuses, 504 when it is too slow, 503 when it is unhealthy', async () => {
    const [a] = await echoesNamed('a');
    const dead = await startEcho('dead');
    const deadUrl = dead.url;
    await dead.close();
    await project([deadUrl]);
    gw = await startGwServe(dir);
    const refused = await send(gw.url, 'GET', '/items');
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'GW_HTTP_UPSTREAM_FAILED', status: 502 });
    expect(refused.body).not.toContain('127.0.0.1');
    await gw.stop();

    await project(
      [a!.url],
      '    settings: { timeouts: { request: 300ms }, healthCheck: { path: /__health, interval: 100ms, ' +
        'unhealthyThreshold: 1, healthyThreshold: 1 } }\n',
    );
    gw = await startGwServe(dir);
    const slow = await send(gw.url, 'GET', '/items', { 'x-echo-delay': '2000' });
    expect(slow.status).toBe(504);
    expect(JSON.parse(slow.body).code).toBe('GW_HTTP_UPSTREAM_TIMEOUT');
    a!.sick = true;
    await new Promise((r) => setTimeout(r, 400));
    const none = await send(gw.url, 'GET', '/items');
    expect(none.status).toBe(503);
    expect(JSON.parse(none.body).code).toBe('GW_HTTP_NO_HEALTHY_UPSTREAM');
    a!.sick = false;
    await new Promise((r) => setTimeout(r, 400));
    expect((await send(gw.url, 'GET', '/items')).status).toBe(200);
  });
});

describe('streaming', () => {
  it('streams 50 MB each way without buffering: backpressure reaches the far end, memory stays flat', async () => {
    const [a] = await echoesNamed('a');
    await project([a!.url]);
    gw = await startGwServe(dir);
    await send(gw.url, 'GET', '/items');
    const size = 50 * 1024 * 1024;
    const before = gw.rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, gw!.rss())), 20);
    const u = new URL(gw.url);
    try {
      // Up: the upstream reads slowly. Were the gateway buffering, the client would be done long
      // before the upstream got much; streaming, the client can only finish once the upstream has
      // nearly everything (only socket buffers sit in between).
      let upstreamHadAtClientFinish = -1;
      const up = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: u.hostname,
            port: u.port,
            method: 'POST',
            path: '/upload',
            headers: { 'content-length': size, 'x-echo-slow-read': '1' },
          },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.on('finish', () => (upstreamHadAtClientFinish = a!.received));
        const chunk = Buffer.alloc(64 * 1024, 97);
        let sent = 0;
        const pump = () => {
          while (sent < size) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      });
      expect(up.status).toBe(200);
      expect(JSON.parse(up.body).bytes).toBe(size);
      console.log(`upstream had ${upstreamHadAtClientFinish} of ${size} bytes when the client finished`);
      expect(upstreamHadAtClientFinish).toBeGreaterThan(size / 2);

      // Down: the client reads slowly; the upstream can only finish writing once the client has most of it.
      let clientHadAtUpstreamFinish = -1;
      const downBytes = await new Promise<number>((resolve, reject) => {
        let n = 0;
        a!.events.once('streamed', () => (clientHadAtUpstreamFinish = n));
        request(
          {
            host: u.hostname,
            port: u.port,
            method: 'GET',
            path: '/download',
            headers: { 'x-echo-bytes': String(size) },
          },
          (res) => {
            res.on('data', (c: Buffer) => {
              n += c.length;
              res.pause();
              setTimeout(() => res.resume(), 1);
            });
            res.on('end', () => resolve(n));
          },
        )
          .on('error', reject)
          .end();
      });
      expect(downBytes).toBe(size);
      console.log(`client had ${clientHadAtUpstreamFinish} of ${size} bytes when the upstream finished`);
      expect(clientHadAtUpstreamFinish).toBeGreaterThan(size / 2);
    } finally {
      clearInterval(sampler);
    }
    // 100 MB passed through; what RSS gained is chunk garbage the GC had not collected yet, not the bodies.
    console.log(
      `gateway RSS: ${(before / 2 ** 20).toFixed(1)} MiB before, ${(peak / 2 ** 20).toFixed(1)} MiB at the peak`,
    );
    expect(peak - before).toBeLessThan(size);
  });

  it('refuses a chunked body that grows past maxBodySize with 413', async () => {
    const [a] = await echoesNamed('a');
    await project([a!.url], '', 'settings: { maxBodySize: 1kb }\n');
    gw = await startGwServe(dir);
    const raw = await sendRaw(
      gw.url,
      `POST /items HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n${'x'.repeat(2048)}\r\n0\r\n\r\n`,
    );
    expect(raw).toMatch(/^HTTP\/1\.1 413 /);
    expect(raw).toContain('GW_HTTP_PAYLOAD_TOO_LARGE');
  });
});

describe('safety at the edge', () => {
  beforeEach(async () => {
    const [a] = await echoesNamed('a');
    await project([a!.url]);
    gw = await startGwServe(dir);
  });

  it('431 for oversized headers', async () => {
    const raw = await sendRaw(gw!.url, `GET /items HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw).toContain('GW_HTTP_HEADERS_TOO_LARGE');
  });

  it('400 for Content-Length together with Transfer-Encoding, and for two different Content-Lengths', async () => {
    const both = await sendRaw(
      gw!.url,
      'POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    );
    expect(both).toMatch(/^HTTP\/1\.1 400 /);
    const two = await sendRaw(
      gw!.url,
      'POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde',
    );
    expect(two).toMatch(/^HTTP\/1\.1 400 /);
    expect(echoes[0]!.hits).toBe(0);
  });

  it('naming Content-Length in Connection cannot smuggle the body past the router as a second request', async () => {
    const smuggled = 'GET /admin/secret HTTP/1.1\r\nHost: internal\r\n\r\n';
    const raw = await sendRaw(
      gw!.url,
      'POST /items HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, content-length\r\n' +
        `Content-Length: ${smuggled.length}\r\n\r\n${smuggled}`,
      1_500,
    );
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    const report = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    expect(report).toMatchObject({ method: 'POST', url: '/items', bytes: smuggled.length });
    await new Promise((r) => setTimeout(r, 100));
    expect(echoes[0]!.hits).toBe(1);
  });

  it('CR/LF cannot reach the upstream inside a header value', async () => {
    const raw = await sendRaw(gw!.url, 'GET /items HTTP/1.1\r\nHost: x\r\nX-A: a\rInjected: 1\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(echoes[0]!.hits).toBe(0);
  });

  it('times out a client that sends its headers too slowly', async () => {
    await gw!.stop();
    gw = await startGwServe(dir, ['--client-header-timeout', '1']);
    const started = Date.now();
    const raw = await sendRaw(gw.url, 'GET /items HTTP/1.1\r\nHost: x\r\n', 8_000);
    expect(Date.now() - started).toBeLessThan(7_000);
    expect(raw === '' || /^HTTP\/1\.1 408 /.test(raw)).toBe(true);
  });
});

describe('slow request bodies', () => {
  it('a client that stops sending its body is cut off after --client-request-timeout', async () => {
    const [a] = await echoesNamed('a');
    await project([a!.url]);
    gw = await startGwServe(dir, ['--client-request-timeout', '2', '--client-header-timeout', '1']);
    const started = Date.now();
    const raw = await sendRaw(
      gw.url,
      'POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-part',
      10_000,
    );
    const took = Date.now() - started;
    expect(took).toBeGreaterThan(1_500);
    expect(took).toBeLessThan(8_000);
    expect(raw === '' || /^HTTP\/1\.1 (408|502|504) /.test(raw)).toBe(true);
  });
});

describe('observability and lifecycle', () => {
  it('access log as JSON lines, Prometheus metrics and health on the admin listener', async () => {
    const [a] = await echoesNamed('a');
    await project([a!.url]);
    gw = await startGwServe(dir, ['--admin-port', '0']);
    await send(gw.url, 'GET', '/items/7', { 'x-request-id': 'log-me' });
    await send(gw.url, 'GET', '/nope');
    const metrics = (await send(gw.admin!, 'GET', '/metrics')).body;
    expect(metrics).toMatch(/gw_requests_total\{route="svc\.getItem",service="svc",status="200"\} 1/);
    expect(metrics).toMatch(/gw_request_duration_seconds_bucket/);
    expect(metrics).toMatch(/gw_target_healthy\{upstream="svc",target="http:\/\/127\.0\.0\.1:\d+"\} 1/);
    const health = JSON.parse((await send(gw.admin!, 'GET', '/__gw/health')).body);
    expect(health.status).toBe('ok');
    const routes = JSON.parse((await send(gw.admin!, 'GET', '/__gw/routes')).body);
    expect(routes.map((r: { id: string }) => r.id)).toContain('svc.getItem');
    await new Promise((r) => setTimeout(r, 100));
    const lines = gw
      .output()
      .stdout.split('\n')
      .filter((l) => l.startsWith('{"time"'))
      .map((l) => JSON.parse(l));
    expect(lines.find((l) => l.requestId === 'log-me')).toMatchObject({
      method: 'GET',
      path: '/items/7',
      route: 'svc.getItem',
      service: 'svc',
      status: 200,
      target: a!.url,
    });
    expect(lines.find((l) => l.path === '/nope')).toMatchObject({ status: 404, code: 'GW_HTTP_NOT_FOUND' });
  });

  it('SIGTERM drains requests in flight: none dropped, exit 0', async () => {
    const [a] = await echoesNamed('a');
    await project([a!.url]);
    gw = await startGwServe(dir);
    const inflight = Array.from({ length: 20 }, () => send(gw!.url, 'GET', '/items', { 'x-echo-delay': '700' }));
    await new Promise((r) => setTimeout(r, 200));
    const exit = gw.stop();
    const answers = await Promise.all(inflight);
    expect(answers.map((x) => x.status)).toEqual(Array(20).fill(200));
    expect(await exit).toBe(0);
    gw = undefined;
  });

  it('a port in use is a GW error with a hint, not a stack trace', async () => {
    const [a] = await echoesNamed('a');
    await project([a!.url]);
    const r = await runGw(['serve', '--host', '127.0.0.1', '--port', String(a!.port)], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error GW_SERVE_LISTEN 127.0.0.1:${a!.port} is already in use`);
    expect(r.stderr).toContain('--port 0');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a project with errors does not start', async () => {
    await writeFiles(dir, {
      'svc.yaml': SPEC,
      'gw.yaml':
        'version: 1\nname: t\nservices:\n  - name: svc\n    spec: svc.yaml\n' +
        '    upstreams: ["http://127.0.0.1:1"]\n  - name: svc\n    spec: svc.yaml\n',
    });
    const r = await runGw(['serve', '--port', '0'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('GW_SERVICE_DUPLICATE');
  });
});

describe('headers', () => {
  it("preserveHost forwards the client Host instead of the target's", async () => {
    const [a] = await echoesNamed('a');
    await project([a!.url], '    settings: { preserveHost: true }\n');
    gw = await startGwServe(dir);
    const r = JSON.parse((await send(gw.url, 'GET', '/items', { host: 'api.example.test' })).body);
    expect(r.headers.host).toBe('api.example.test');
  });
});

describe('hot reload', () => {
  it('picks up an edit of a file a spec reaches through $ref', async () => {
    const [a] = await echoesNamed('a');
    await writeFiles(dir, {
      'api/main.yaml': 'openapi: 3.0.3\ninfo: {title: Main, version: "1"}\npaths:\n  /a:\n    $ref: ./paths/a.yaml\n',
      'api/paths/a.yaml': "get:\n  operationId: getA\n  responses:\n    '200': {description: ok}\n",
      'gw.yaml': [
        'version: 1',
        'name: t',
        'services:',
        '  - name: main',
        '    spec: api/main.yaml',
        `    upstreams: ["${a!.url}"]`,
        '',
      ].join('\n'),
    });
    gw = await startGwServe(dir, ['--watch']);
    expect((await send(gw.url, 'POST', '/a')).status).toBe(405);
    await writeFile(
      join(dir, 'api/paths/a.yaml'),
      "get:\n  operationId: getA\n  responses:\n    '200': {description: ok}\npost:\n" +
        "  operationId: postA\n  responses:\n    '200': {description: ok}\n",
    );
    const until = Date.now() + 5_000;
    while (!gw.output().stderr.includes('reloaded') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect((await send(gw.url, 'POST', '/a')).status).toBe(200);
  });

  it('swaps the route table under a load loop with no failed request; keeps serving after a broken edit', async () => {
    const [a, b] = await echoesNamed('a', 'b');
    await project([a!.url]);
    gw = await startGwServe(dir, ['--watch']);
    let failures = 0;
    let total = 0;
    let stop = false;
    const seen = new Set<string>();
    const loop = async () => {
      while (!stop) {
        const r = await send(gw!.url, 'GET', '/items').catch(() => ({ status: 0, body: '{}', headers: {} }));
        total++;
        if (r.status !== 200) failures++;
        else seen.add(JSON.parse(r.body).name);
      }
    };
    const workers = Array.from({ length: 8 }, loop);
    await new Promise((r) => setTimeout(r, 300));
    await project([b!.url]);
    const until = Date.now() + 5_000;
    while (!gw.output().stderr.includes('reloaded') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    await writeFile(join(dir, 'gw.yaml'), 'version: 1\nname: test\nservices:\n  - name: svc\n    spec: missing.yaml\n');
    const until2 = Date.now() + 5_000;
    while (!gw.output().stderr.includes('GW_SERVE_RELOAD') && Date.now() < until2)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(workers);
    expect(gw.output().stderr).toContain('reloaded');
    expect(gw.output().stderr).toContain('GW_SPEC_NOT_FOUND');
    expect(gw.output().stderr).toContain('GW_SERVE_RELOAD');
    expect(total).toBeGreaterThan(100);
    expect(failures).toBe(0);
    expect([...seen].sort()).toEqual(['a', 'b']);
    expect(JSON.parse((await send(gw.url, 'GET', '/items')).body).name).toBe('b');
  });
});

describe('mocks', () => {
  // The users spec asks for an API key; a mocked route checks it before answering, like any other.
  const key = randomBytes(16).toString('hex');
  const keysEnv = { GW_TEST_USER_KEYS: `ops:${key}` };
  const credentials = 'credentials:\n  users.apiKey: { keys: { env: GW_TEST_USER_KEYS } }\n';

  it('mock: true answers from the spec examples; Prefer: code=NNN picks another documented response', async () => {
    await writeFiles(dir, {
      'svc.yaml': SPEC,
      'gw.yaml':
        'version: 1\nname: t\nservices:\n  - name: users\n' +
        `    spec: ${join(process.cwd(), 'examples/shop/specs/users.yaml')}\n    mock: true\n${credentials}`,
    });
    gw = await startGwServe(dir, [], undefined, keysEnv);
    const refused = await send(gw.url, 'GET', '/users/me');
    expect(refused.status).toBe(401);
    expect(refused.headers['x-gw-mock']).toBeUndefined();
    expect((await send(gw.url, 'GET', '/health')).status).toBe(200);
    const me = await send(gw.url, 'GET', '/users/me', { 'x-api-key': key });
    expect(me.status).toBe(200);
    expect(me.headers['x-gw-mock']).toBe('true');
    expect(JSON.parse(me.body)).toMatchObject({ id: 7, email: 'ops@shop.example' });
    const missing = await send(gw.url, 'GET', '/users/42', { 'x-api-key': key, prefer: 'code=404' });
    expect(missing.status).toBe(404);
    const undocumented = await send(gw.url, 'GET', '/users/42', { 'x-api-key': key, prefer: 'code=418' });
    expect(undocumented.status).toBe(400);
    expect(JSON.parse(undocumented.body).detail).toBe(
      'this operation documents no 418 response (documented: 200, 404)',
    );
    expect((await send(gw.url, 'GET', '/users/abc')).status).toBe(404);
  });

  it('--mock-missing mocks services whose upstream is unreachable and forwards the others', async () => {
    const [a] = await echoesNamed('a');
    const dead = await startEcho('dead');
    const deadUrl = dead.url;
    await dead.close();
    await writeFiles(dir, {
      'svc.yaml': SPEC,
      'gw.yaml':
        'version: 1\nname: t\nservices:\n  - name: svc\n    spec: svc.yaml\n' +
        `    upstreams: ["${a!.url}"]\n  - name: users\n` +
        `    spec: ${join(process.cwd(), 'examples/shop/specs/users.yaml')}\n` +
        `    upstreams: ["${deadUrl}"]\n${credentials}`,
    });
    gw = await startGwServe(dir, ['--mock-missing'], undefined, keysEnv);
    expect(JSON.parse((await send(gw.url, 'GET', '/items')).body).name).toBe('a');
    const me = await send(gw.url, 'GET', '/users/me', { 'x-api-key': key });
    expect(me.headers['x-gw-mock']).toBe('true');
    expect(gw.output().stdout).toContain('"mocked":["users"]');
  });
});

describe('a misbehaving upstream', () => {
  it('a response header Node cannot forward gives the client a 502, and the gateway keeps serving', async () => {
    const { createServer } = await import('node:net');
    const bad = createServer((socket) => {
      socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\nX-Bad: a\u0001b\r\nContent-Length: 2\r\n\r\nok'));
    });
    await new Promise<void>((r) => bad.listen(0, '127.0.0.1', r));
    try {
      const [a] = await echoesNamed('a');
      await writeFiles(dir, {
        'svc.yaml': SPEC,
        'gw.yaml':
          'version: 1\nname: t\nservices:\n  - name: svc\n    spec: svc.yaml\n    prefix: /bad\n' +
          `    upstreams: ["http://127.0.0.1:${(bad.address() as { port: number }).port}"]\n` +
          `  - name: good\n    spec: svc.yaml\n    upstreams: ["${a!.url}"]\n`,
      });
      gw = await startGwServe(dir);
      const r = await send(gw.url, 'GET', '/bad/items');
      expect(r.status).toBe(502);
      expect((await send(gw.url, 'GET', '/items')).status).toBe(200);
    } finally {
      bad.close();
    }
  });
});

describe('https upstreams', () => {
  it('verifies the upstream certificate: trusted CA -> 200, unknown CA -> 502', async () => {
    const { execFileSync } = await import('node:child_process');
    const { readFileSync } = await import('node:fs');
    const { createServer: createHttps } = await import('node:https');
    const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=gw test CA',
    ]);
    ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1']);
    await writeFile(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    ssl([
      'x509',
      '-req',
      '-in',
      'srv.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'srv.pem',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    ]);
    const tls = createHttps(
      { key: readFileSync(join(dir, 'srv.key')), cert: readFileSync(join(dir, 'srv.pem')) },
      (req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'tls', url: req.url }));
      },
    );
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    try {
      await project([`https://127.0.0.1:${(tls.address() as { port: number }).port}`]);
      gw = await startGwServe(dir, [], 20_000, { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') });
      const ok = await send(gw.url, 'GET', '/items/5');
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body)).toEqual({ name: 'tls', url: '/items/5' });
      await gw.stop();
      gw = await startGwServe(dir);
      const refused = await send(gw.url, 'GET', '/items/5');
      expect(refused.status).toBe(502);
    } finally {
      tls.close();
    }
  });
});
