import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { buildNginx } from '../helpers/nginx-build.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { sendFrom, sendRaw } from '../helpers/http.js';
import { childrenOf, type DaemonNginx, findNginx, freePort, startNginxDaemon } from '../helpers/nginx.js';
import { closeAfterIdle, type RawUpstream, startRawUpstream } from '../helpers/raw-upstream.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * nginx's processes, logs and limits (issue 12, items 10, 11 and the nginx half of 12), on Debian's
 * nginx run as systemd runs it (daemon mode, standard output on /dev/null): the access log survives
 * a reload and names the client, its user agent and the upstream's status and times; workers run
 * as an unprivileged user with a file limit for their connections and temp folders under the
 * prefix; oversized requests and nginx's own errors answer gw's problem+json; idle upstream
 * connections close after edge.timeouts.upstreamIdle.
 */
let prefix: string;
let echo: EchoUpstream;
let idle: RawUpstream;
let nginx: DaemonNginx;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  if (!findNginx()) throw new Error('nginx is not installed (apt-get install -y nginx); .ci/run installs it');
  const t = await tempDir('gw-nginx-limits-');
  cleanups.push(t.cleanup);
  echo = await startEcho('items');
  idle = await startRawUpstream((_, socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}'));
  cleanups.unshift(
    () => echo.close(),
    () => idle.close(),
  );
  await writeFiles(t.dir, {
    'items.yaml': oas30('Items', { '/items': { get: { operationId: 'listItems' }, post: { operationId: 'addItem' } } }),
    'idle.yaml': oas30('Idle', { '/idle': { get: { operationId: 'idle' } } }),
  });
  const port = await freePort();
  const yaml =
    `version: 1\nname: limits\nlisten: { host: 127.0.0.1, port: ${port} }\n` +
    'edge: { timeouts: { upstreamIdle: 1s } }\nservices:\n' +
    `  - name: items\n    spec: items.yaml\n    upstreams: ["${echo.url}"]\n` +
    `  - name: idle\n    spec: idle.yaml\n    upstreams: ["${idle.url}"]\n`;
  // A stand-in for nginx's own internal errors (a failed temp file, a rewrite cycle): a path answering 500.
  const test500 = '    location = /__test_500 {\n        return 500;\n    }\n$&';
  prefix = await buildNginx(t.dir, yaml, (text) => text.replace('    location / {\n', test500));
  nginx = await startNginxDaemon(prefix, port);
  cleanups.unshift(() => nginx.stop());
}, 60_000);

afterAll(async () => {
  for (const c of cleanups) await c();
});

type LogLine = Record<string, unknown> & { requestId: string };

/** The access log lines for these request ids, waiting up to 5 s for them. */
async function logged(ids: string[]): Promise<Record<string, LogLine>> {
  const file = join(prefix, 'access.log');
  const found: Record<string, LogLine> = {};
  for (const until = Date.now() + 5_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    for (const line of text.split('\n').filter((l) => l.startsWith('{'))) {
      const entry = JSON.parse(line) as LogLine;
      if (ids.includes(entry.requestId)) found[entry.requestId] = entry;
    }
    if (Object.keys(found).length === ids.length) break;
  }
  return found;
}

/** A field of /proc/<pid>/status or a line of /proc/<pid>/limits. */
const procStatus = (pid: number, field: string) =>
  new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1];
const openFilesLimit = (pid: number) =>
  /^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))![1];

describe('the access log (daemon mode, as under systemd)', () => {
  it('keeps logging after nginx -s reload', async () => {
    expect((await sendFrom('127.0.0.1', nginx.url, 'GET', '/items', { 'x-request-id': 'before-reload' })).status).toBe(
      200,
    );
    await nginx.reload();
    // Fresh connections (sendFrom): the old workers close kept-alive ones as they leave.
    expect((await sendFrom('127.0.0.1', nginx.url, 'GET', '/items', { 'x-request-id': 'after-reload' })).status).toBe(
      200,
    );
    expect(Object.keys(await logged(['before-reload', 'after-reload'])).sort()).toEqual([
      'after-reload',
      'before-reload',
    ]);
  });

  it('names the client address, its user agent, and the upstream status and times', async () => {
    const headers = { 'x-request-id': 'log-fields', 'user-agent': 'gw-test/1.0 "quoted"' };
    expect((await sendFrom('127.0.0.1', nginx.url, 'GET', '/items', headers)).status).toBe(200);
    const line = (await logged(['log-fields']))['log-fields'];
    expect(line).toEqual(
      expect.objectContaining({ clientAddress: '127.0.0.1', userAgent: 'gw-test/1.0 "quoted"', upstreamStatus: '200' }),
    );
    for (const field of ['upstreamConnectSeconds', 'upstreamHeaderSeconds', 'upstreamSeconds'])
      expect(line?.[field], field).toMatch(/^\d+\.\d{3}$/);
  });
});

describe("nginx's processes", () => {
  it('runs its workers as an unprivileged user, each allowed two files per connection', () => {
    const conf = readFileSync(join(prefix, 'nginx.conf'), 'utf8');
    const connections = Number(/worker_connections (\d+);/.exec(conf)![1]);
    const workers = childrenOf(nginx.pid);
    expect(workers.length).toBeGreaterThan(0);
    for (const w of workers) {
      expect(procStatus(w, 'Uid'), `worker ${w}`).not.toBe('0');
      expect(Number(openFilesLimit(w)), `worker ${w}`).toBe(2 * connections);
    }
  });

  it('keeps its temp files under the prefix, in folders the workers own', () => {
    const uid = Number(procStatus(childrenOf(nginx.pid)[0]!, 'Uid'));
    for (const name of ['client_body_temp', 'proxy_temp']) expect(statSync(join(prefix, name)).uid, name).toBe(uid);
  });

  it('closes an idle upstream connection after edge.timeouts.upstreamIdle (1s here)', async () => {
    const ms = await closeAfterIdle(idle, () => sendFrom('127.0.0.1', nginx.url, 'GET', '/idle'));
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(3_000);
  });
});

/** The status line and the problem+json body of a raw answer. */
function problemOf(raw: string): { status: number; code: string } {
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(raw)?.[1]);
  expect(raw, raw.slice(0, 300)).toMatch(/\r\ncontent-type: application\/problem\+json\r\n/i);
  const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { code: string };
  return { status, code: body.code };
}

const get = (path: string, headers = '') => `GET ${path} HTTP/1.1\r\nHost: a\r\n${headers}Connection: close\r\n\r\n`;

describe("oversized requests and nginx's own errors answer problem+json", () => {
  it('takes a header line of 15 KiB (edge.maxHeaderSize, 16 KiB by default)', async () => {
    expect(await sendRaw(nginx.url, get('/items', `X-Big: ${'a'.repeat(15 * 1024)}\r\n`))).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('answers a header line over 16 KiB 431 GW_HTTP_HEADERS_TOO_LARGE, not an HTML 400', async () => {
    const raw = await sendRaw(nginx.url, get('/items', `X-Big: ${'a'.repeat(17 * 1024)}\r\n`));
    expect(problemOf(raw)).toEqual({ status: 431, code: 'GW_HTTP_HEADERS_TOO_LARGE' });
  });

  it('answers headers over 16 KiB together 431 GW_HTTP_HEADERS_TOO_LARGE', async () => {
    const headers = [1, 2, 3].map((n) => `X-Big-${n}: ${'a'.repeat(7 * 1024)}\r\n`).join('');
    expect(problemOf(await sendRaw(nginx.url, get('/items', headers)))).toEqual({
      status: 431,
      code: 'GW_HTTP_HEADERS_TOO_LARGE',
    });
  });

  it('answers a request line over 16 KiB 414 GW_HTTP_URI_TOO_LONG', async () => {
    const raw = await sendRaw(nginx.url, get(`/items?q=${'a'.repeat(17 * 1024)}`));
    expect(problemOf(raw)).toEqual({ status: 414, code: 'GW_HTTP_URI_TOO_LONG' });
  });

  it('answers its own 500 GW_HTTP_INTERNAL_ERROR', async () => {
    expect(problemOf(await sendRaw(nginx.url, get('/__test_500')))).toEqual({
      status: 500,
      code: 'GW_HTTP_INTERNAL_ERROR',
    });
  });

  it('answers its own 501 (a transfer coding it does not decode) GW_HTTP_TRANSFER_ENCODING', async () => {
    const raw = await sendRaw(
      nginx.url,
      'POST /items HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n',
    );
    expect(problemOf(raw)).toEqual({ status: 501, code: 'GW_HTTP_TRANSFER_ENCODING' });
  });
});
