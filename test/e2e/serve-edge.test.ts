import { writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoReport, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { send, sendRaw } from '../helpers/http.js';
import { closeAfterIdle, startRawUpstream } from '../helpers/raw-upstream.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * What gw serve refuses from clients (docs/serve.md, "What gw refuses and why"): issue 10,
 * items 6 (header names, Host, Connection), 7 (slow bodies), 8 (slow readers) and 11 (media
 * types, Content-Type, Transfer-Encoding), each against a real gw serve and real upstreams.
 */

let dir: string;
let cleanup: () => Promise<void>;
let echo: EchoUpstream | undefined;
let gw: RunningGateway | undefined;
const servers: Server[] = [];
const sockets: Socket[] = [];

beforeEach(async () => ({ dir, cleanup } = await tempDir('gw-edge-')));
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await gw?.stop();
  gw = undefined;
  await echo?.close();
  echo = undefined;
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await cleanup();
});

const ITEM = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };
const SPEC = oas30('Svc', {
  '/items': {
    get: { operationId: 'listItems' },
    post: {
      operationId: 'createItem',
      requestBody: { required: true, content: { 'application/json': { schema: ITEM } } },
    },
  },
  '/notes': {
    post: {
      operationId: 'createNote',
      requestBody: { content: { 'application/json': { schema: ITEM }, 'text/plain': { schema: { type: 'string' } } } },
    },
  },
  '/upload': { post: { operationId: 'upload', 'x-gw': { maxBodySize: '64mb' } } },
  '/download': { get: { operationId: 'download' } },
});

/**
 * One service "svc" in front of `upstream`, with createItem and createNote validated, and `edge` as given (YAML flow
 * text).
 */
async function project(upstream: string, edge = ''): Promise<void> {
  await writeFiles(dir, { 'svc.yaml': SPEC });
  const operations = '    operations: { createItem: { validate: true }, createNote: { validate: true } }\n';
  await writeFile(
    join(dir, 'gw.yaml'),
    `version: 1\nname: test\n${edge ? `edge: ${edge}\n` : ''}services:\n  - name: svc\n` +
      `    spec: svc.yaml\n    upstreams: ["${upstream}"]\n${operations}`,
  );
}

async function echoAndGw(edge = '', args: string[] = []): Promise<{ echo: EchoUpstream; gw: RunningGateway }> {
  echo = await startEcho('svc');
  await project(echo.url, edge);
  gw = await startGwServe(dir, args);
  return { echo, gw };
}

/** A raw TCP connection to the gateway, closed after the test. */
function open(url: string): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname, () => resolve(s));
    s.on('error', reject);
    sockets.push(s);
  });
}

function statusOf(raw: string): number {
  return Number(/^HTTP\/1\.1 (\d{3}) /.exec(raw)?.[1] ?? 0);
}

function problemOf(raw: string): { code?: string; detail?: string } {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { code?: string };
}

function reportOf(raw: string): EchoReport {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as EchoReport;
}

/** Waits until `check` holds, polling every 20 ms; false once `ms` have passed. */
async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

/**
 * A raw upstream: `answer` gets each connection once its request head is in; opened and closed connections are
 * counted.
 */
async function rawUpstream(
  answer: (socket: Socket) => void,
): Promise<{ url: string; opened: () => number; closed: () => number }> {
  let opened = 0;
  let closed = 0;
  const server = createServer((socket) => {
    opened++;
    socket.on('close', () => closed++);
    socket.on('error', () => {});
    let head = '';
    const onData = (b: Buffer) => {
      head += b.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      answer(socket);
    };
    socket.on('data', onData);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, opened: () => opened, closed: () => closed };
}

describe('item 6: header names, Host and Connection', () => {
  it('drops client headers with "_" in the name (X_Consumer cannot pose as X-Consumer to a CGI upstream)', async () => {
    const { gw } = await echoAndGw();
    const raw = await sendRaw(
      gw.url,
      'GET /items HTTP/1.1\r\nHost: x\r\nX_Consumer: root\r\nX-Kept: yes\r\nConnection: close\r\n\r\n',
    );
    expect(statusOf(raw)).toBe(200);
    const report = reportOf(raw);
    expect(report.headers.x_consumer).toBeUndefined();
    expect(report.headers['x-kept']).toBe('yes');
  });

  it('forwards them with edge.underscoresInHeaders: allow', async () => {
    const { gw } = await echoAndGw('{ underscoresInHeaders: allow }');
    const raw = await sendRaw(gw.url, 'GET /items HTTP/1.1\r\nHost: x\r\nX_Custom: 1\r\nConnection: close\r\n\r\n');
    expect(reportOf(raw).headers.x_custom).toBe('1');
  });

  it('answers 400 to two Host headers and to a Host that is not host[:port]', async () => {
    const { echo, gw } = await echoAndGw();
    for (const hosts of [['a.example', 'b.example'], ['a b'], ['a/b'], ['u@a.example'], [''], ['a.example:80x']]) {
      const raw = await sendRaw(gw.url, `GET /items HTTP/1.1\r\n${hosts.map((h) => `Host: ${h}\r\n`).join('')}\r\n`);
      expect(statusOf(raw), `Host ${JSON.stringify(hosts)}`).toBe(400);
      expect(problemOf(raw).code).toBe('GW_HTTP_BAD_REQUEST');
    }
    for (const host of [
      'api.example.com',
      'api.example.com:8443',
      '127.0.0.1:8080',
      '[::1]:8080',
      'under_score.internal',
    ]) {
      const raw = await sendRaw(gw.url, `GET /items HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(statusOf(raw), `Host ${host}`).toBe(200);
    }
    expect(echo.hits).toBe(5);
  });

  it('counts every Connection header line: a header named in the first one is not forwarded', async () => {
    const { gw } = await echoAndGw();
    const raw = await sendRaw(
      gw.url,
      'GET /items HTTP/1.1\r\nHost: x\r\nConnection: x-secret-hop\r\nConnection: close\r\n' +
        'X-Secret-Hop: 1\r\nX-Kept: yes\r\n\r\n',
    );
    const report = reportOf(raw);
    expect(report.headers['x-secret-hop']).toBeUndefined();
    expect(report.headers['x-kept']).toBe('yes');
  });
});

describe('item 7: slow request bodies do not exhaust the upstream pool', () => {
  it('260 clients trickling 1 MB bodies do not delay an unrelated GET', async () => {
    const { gw } = await echoAndGw();
    // Each declares 1 MB and sends one byte: before the fix each held one of the target's 256 connections.
    for (let i = 0; i < 260; i++) {
      const s = await open(gw.url);
      s.on('data', () => {});
      s.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\nx');
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const started = Date.now();
    const a = await send(gw.url, 'GET', '/items', {}, undefined, 5_000);
    const took = Date.now() - started;
    expect(a.status).toBe(200);
    expect(took).toBeLessThan(2_000);
  }, 30_000);

  it('a body that fits the buffer is read whole before taking an upstream connection; if stalled, 408', async () => {
    const up = await rawUpstream((s) => s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'));
    await project(up.url, '{ timeouts: { body: 1s }, requestBodies: { buffer: 64kb } }');
    gw = await startGwServe(dir);
    const started = Date.now();
    const raw = await sendRaw(
      gw.url,
      'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly-part',
      8_000,
    );
    expect(statusOf(raw)).toBe(408);
    expect(problemOf(raw).code).toBe('GW_HTTP_REQUEST_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(up.opened()).toBe(0);
  });

  it('a larger body streams; an upstream connection held by a stalled body closes after the body timeout', async () => {
    // The upstream reads the body and never answers: only the gateway can end the exchange.
    const up = await rawUpstream((s) => s.resume());
    await project(up.url, '{ timeouts: { body: 1s }, requestBodies: { buffer: 1kb } }');
    gw = await startGwServe(dir);
    const client = await open(gw.url);
    let answer = '';
    let clientClosed = false;
    client.on('data', (b) => (answer += b.toString('latin1')));
    client.on('close', () => (clientClosed = true));
    client.write(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${'x'.repeat(4096)}`);
    expect(await eventually(() => up.opened() === 1, 3_000)).toBe(true);
    const stalledAt = Date.now();
    expect(await eventually(() => up.closed() === 1, 4_000)).toBe(true);
    expect(Date.now() - stalledAt).toBeGreaterThan(500);
    expect(await eventually(() => clientClosed, 2_000)).toBe(true);
    expect(answer === '' || statusOf(answer) === 408).toBe(true);
  });

  it('a client gets 429 past edge.requestBodies.perClient bodies at once', async () => {
    const { gw } = await echoAndGw('{ requestBodies: { buffer: 8kb, perClient: 2 } }');
    const held = [await open(gw.url), await open(gw.url)];
    for (const s of held) s.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab');
    await new Promise((r) => setTimeout(r, 200));
    const third = await sendRaw(gw.url, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc');
    expect(statusOf(third)).toBe(429);
    expect(problemOf(third).code).toBe('GW_HTTP_TOO_MANY_BODIES');
    // A GET carries no body and is never counted.
    expect((await send(gw.url, 'GET', '/items')).status).toBe(200);
    for (const s of held) s.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect(
      statusOf(
        await sendRaw(gw.url, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc'),
      ),
    ).toBe(200);
  });

  it('a body that does not fit in edge.requestBodies.memory beside the others gets 503', async () => {
    const { gw } = await echoAndGw('{ requestBodies: { buffer: 8kb, memory: 10kb } }');
    // Two bodies of 6 KiB, the first held in memory while the upstream takes its time: the second does not fit.
    const first = send(gw.url, 'POST', '/upload', { 'x-echo-delay': '1500' }, 'y'.repeat(6 * 1024));
    await new Promise((r) => setTimeout(r, 300));
    const second = await send(gw.url, 'POST', '/upload', {}, 'z'.repeat(6 * 1024));
    expect(second.status).toBe(503);
    expect(JSON.parse(second.body).code).toBe('GW_HTTP_BUFFERS_FULL');
    expect(second.headers['retry-after']).toBe('1');
    expect((await first).status).toBe(200);
  });
});

describe('item 8: slow readers', () => {
  it('a client not reading a 64 MiB answer: cut off after edge.timeouts.send, upstream connection closed', async () => {
    const size = 64 * 1024 * 1024;
    let upstreamSent = 0;
    const up = await rawUpstream((s) => {
      s.write(`HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${size}\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (upstreamSent < size && !s.destroyed) {
          upstreamSent += chunk.length;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
      };
      pump();
    });
    await project(up.url, '{ timeouts: { send: 1s } }');
    gw = await startGwServe(dir);
    const before = gw.rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, gw!.rss())), 20);
    const client = await open(gw.url);
    let clientGot = 0;
    let clientClosed = false;
    client.write('GET /download HTTP/1.1\r\nHost: x\r\n\r\n');
    // Never read: the socket stays paused, so the kernel buffers fill and the gateway sees backpressure.
    client.pause();
    try {
      expect(await eventually(() => up.opened() === 1, 3_000)).toBe(true);
      expect(await eventually(() => up.closed() === 1, 8_000)).toBe(true);
    } finally {
      clearInterval(sampler);
    }
    // Reading now, the client finds its connection closed before the whole answer.
    client.on('data', (b: Buffer) => (clientGot += b.length));
    client.on('close', () => (clientClosed = true));
    client.resume();
    expect(await eventually(() => clientClosed, 3_000)).toBe(true);
    console.log(
      `upstream wrote ${upstreamSent} of ${size} bytes, the client got ${clientGot}; gateway RSS grew ` +
        `${((peak - before) / 2 ** 20).toFixed(1)} MiB at the peak`,
    );
    expect(clientGot).toBeLessThan(size);
    expect(upstreamSent).toBeLessThan(size);
    expect(peak - before).toBeLessThan(size / 4);
  }, 20_000);
});

describe('client timeouts: edge.timeouts in gw.yaml, the flags over them', () => {
  /** Sends half a request head and returns how long until the gateway answered 408 or closed. */
  async function slowHead(url: string): Promise<{ ms: number; raw: string }> {
    const started = Date.now();
    const raw = await sendRaw(url, 'GET /items HTTP/1.1\r\nHost: x\r\n', 10_000);
    return { ms: Date.now() - started, raw };
  }

  it('takes edge.timeouts.header from gw.yaml, and --client-header-timeout over it', async () => {
    const first = await echoAndGw('{ timeouts: { header: 1s } }');
    const fromYaml = await slowHead(first.gw.url);
    expect(fromYaml.ms).toBeLessThan(4_000);
    expect(fromYaml.raw === '' || statusOf(fromYaml.raw) === 408).toBe(true);
    await first.gw.stop();
    await project(first.echo.url, '{ timeouts: { header: 30s } }');
    gw = await startGwServe(dir, ['--client-header-timeout', '1']);
    expect((await slowHead(gw.url)).ms).toBeLessThan(4_000);
  });

  it('applies a changed edge.timeouts.header on reload', async () => {
    const { gw } = await echoAndGw('{ timeouts: { header: 30s } }', ['--watch']);
    await project(echo!.url, '{ timeouts: { header: 1s } }');
    expect(await eventually(() => gw.output().stderr.includes('reloaded'), 5_000)).toBe(true);
    expect((await slowHead(gw.url)).ms).toBeLessThan(4_000);
  });
});

describe('edge.maxHeaderSize: the one header limit every plane prints (issue 12, item 11)', () => {
  const get = (bytes: number) =>
    `GET /items HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(bytes)}\r\nConnection: close\r\n\r\n`;
  it('answers 431 GW_HTTP_HEADERS_TOO_LARGE past the size gw.yaml gives, and forwards what fits', async () => {
    const { gw } = await echoAndGw('{ maxHeaderSize: 4kb }');
    expect(statusOf(await sendRaw(gw.url, get(3 * 1024)))).toBe(200);
    const refused = await sendRaw(gw.url, get(5 * 1024));
    expect(statusOf(refused)).toBe(431);
    expect(refused).toContain('"code":"GW_HTTP_HEADERS_TOO_LARGE"');
  });
});

describe('edge.timeouts.upstreamIdle: the keep-alive idle time of upstream connections', () => {
  it('closes an idle upstream connection after the time gw.yaml gives', async () => {
    const raw = await startRawUpstream((_, socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
    try {
      await project(raw.url, '{ timeouts: { upstreamIdle: 1s } }');
      gw = await startGwServe(dir);
      const ms = await closeAfterIdle(raw, () => send(gw!.url, 'GET', '/items'));
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(3_000);
    } finally {
      await raw.close();
    }
  });
});

describe('edge.maxConnections: client connections open at once', () => {
  it('closes a connection past the limit unanswered, and takes new ones once others closed', async () => {
    const { gw } = await echoAndGw('{ maxConnections: 2 }');
    const [a] = [await open(gw.url), await open(gw.url)];
    // The server counts a connection once it accepted it: give it a moment to.
    await new Promise((r) => setTimeout(r, 100));
    expect(await sendRaw(gw.url, 'GET /items HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toBe('');
    a!.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const raw = await sendRaw(gw.url, 'GET /items HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(statusOf(raw)).toBe(200);
  });
});

describe('item 11: validated bodies, Content-Type and Transfer-Encoding', () => {
  it('a validated operation accepts only the media types its spec declares: 415 otherwise, none included', async () => {
    const { echo, gw } = await echoAndGw();
    const plain = await send(gw.url, 'POST', '/items', { 'content-type': 'text/plain' }, '{}');
    expect(plain.status).toBe(415);
    expect(JSON.parse(plain.body).code).toBe('GW_HTTP_UNSUPPORTED_MEDIA_TYPE');
    const none = await sendRaw(
      gw.url,
      'POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
    );
    expect(statusOf(none)).toBe(415);
    const wrong = await send(gw.url, 'POST', '/items', { 'content-type': 'application/json; charset=utf-8' }, '{}');
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.body).code).toBe('GW_HTTP_VALIDATION');
    expect(echo.hits).toBe(0);
    const good = await send(
      gw.url,
      'POST',
      '/items',
      { 'content-type': 'Application/JSON; charset=utf-8' },
      '{"name":"mug"}',
    );
    expect(good.status).toBe(200);
    // Declared types other than JSON pass unchecked; undeclared ones do not.
    expect((await send(gw.url, 'POST', '/notes', { 'content-type': 'text/plain' }, 'hello')).status).toBe(200);
    expect((await send(gw.url, 'POST', '/notes', { 'content-type': 'application/xml' }, '<a/>')).status).toBe(415);
    expect(echo.hits).toBe(2);
  });

  it('answers 400 to two Content-Type headers', async () => {
    const { echo, gw } = await echoAndGw();
    const raw = await sendRaw(
      gw.url,
      'POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}',
    );
    expect(statusOf(raw)).toBe(400);
    expect(problemOf(raw).code).toBe('GW_HTTP_BAD_REQUEST');
    expect(echo.hits).toBe(0);
  });

  it('answers 501 to a transfer coding other than chunked, and 400 to Transfer-Encoding in HTTP/1.0', async () => {
    const { echo, gw } = await echoAndGw();
    const gzip = await sendRaw(
      gw.url,
      'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    );
    expect(statusOf(gzip)).toBe(501);
    expect(problemOf(gzip).code).toBe('GW_HTTP_TRANSFER_ENCODING');
    const twoLines = await sendRaw(
      gw.url,
      'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n' +
        '\r\n3\r\nabc\r\n0\r\n\r\n',
    );
    expect(statusOf(twoLines)).toBe(501);
    const old = await sendRaw(
      gw.url,
      'POST /upload HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    );
    expect(statusOf(old)).toBe(400);
    expect(echo.hits).toBe(0);
    const chunked = await sendRaw(
      gw.url,
      'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\nConnection: close\r\n\r\n3\r\n' +
        'abc\r\n0\r\n\r\n',
    );
    expect(statusOf(chunked)).toBe(200);
    expect(reportOf(chunked).bytes).toBe(3);
  });
});
