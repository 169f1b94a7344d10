import { request } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { send, sendRaw } from '../helpers/http.js';
import { headerOf, startRawUpstream, type RawRequest, type RawUpstream } from '../helpers/raw-upstream.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * gw serve in front of upstreams that break HTTP/1.1 on purpose (issue 10, items 1-4 and 12):
 * raw `net` servers on 127.0.0.1 write exactly the bytes each case needs, and the client side
 * checks what reaches it, byte for byte where it matters.
 */

let dir: string;
let cleanup: () => Promise<void>;
let gw: RunningGateway | undefined;
let upstream: RawUpstream | undefined;

beforeEach(async () => ({ dir, cleanup } = await tempDir('gw-upstream-')));
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  await upstream?.close();
  upstream = undefined;
  await cleanup();
});

const SPEC = oas30('Svc', {
  '/items': { get: { operationId: 'listItems' } },
  '/events': { get: { operationId: 'events' } },
});

/** gw serve with one service in front of a raw upstream that answers with `answer`. */
async function serveIn(
  front: (request: RawRequest, socket: Socket) => void,
  args: string[] = [],
  serviceSettings = '',
): Promise<RunningGateway> {
  upstream = await startRawUpstream(front);
  const settings = serviceSettings ? `    settings: ${serviceSettings}\n` : '';
  const service = `  - name: svc\n    spec: svc.yaml\n    upstreams: ["${upstream.url}"]\n${settings}`;
  await writeFiles(dir, {
    'svc.yaml': SPEC,
    'gw.yaml': `version: 1\nname: t\nsettings:\n  timeouts:\n    request: 5s\nservices:\n${service}`,
  });
  gw = await startGwServe(dir, args);
  return gw;
}

/** A raw GET through the gateway; the whole answer as latin1 text (the gateway closes after it). */
function rawGet(path: string, headers = ''): Promise<string> {
  return sendRaw(gw!.url, `GET ${path} HTTP/1.1\r\nHost: gw.test\r\n${headers}Connection: close\r\n\r\n`, 6_000);
}

const statusLine = (raw: string) => raw.slice(0, raw.indexOf('\r\n'));
const headOf = (raw: string) => raw.slice(0, raw.indexOf('\r\n\r\n')).toLowerCase();
const bodyOf = (raw: string) => raw.slice(raw.indexOf('\r\n\r\n') + 4);

/** A GET whose answer may be cut: the status, the body so far, and whether it ended cleanly or was aborted. */
function getAllowingAbort(path: string): Promise<{ status: number; body: string; complete: boolean }> {
  const u = new URL(gw!.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode!, body, complete: res.complete }));
      res.on('error', () => resolve({ status: res.statusCode!, body, complete: false }));
      res.on('aborted', () => resolve({ status: res.statusCode!, body, complete: false }));
    });
    req.setTimeout(8_000, () => req.destroy(new Error(`no answer to GET ${path} in time`)));
    req.on('error', reject);
    req.end();
  });
}

const waitFor = async (check: () => boolean, ms = 3_000) => {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return check();
};

describe('--upstream-connections', () => {
  it('keeps at most N connections open to a target; more requests wait for a free one', async () => {
    await serveIn(
      (_r, s) => setTimeout(() => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), 200),
      ['--upstream-connections', '1'],
    );
    const answers = await Promise.all([1, 2, 3].map(() => send(gw!.url, 'GET', '/items')));
    expect(answers.map((a) => `${a.status} ${a.body}`)).toEqual(['200 ok', '200 ok', '200 ok']);
    expect(upstream!.maxOpen()).toBe(1);
    expect(upstream!.connections()).toBe(1);
  });

  it("takes the service's upstreamConnections from gw.yaml (the model's connectionsPerTarget)", async () => {
    await serveIn(
      (_r, s) => setTimeout(() => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), 200),
      [],
      '{ upstreamConnections: 1 }',
    );
    const answers = await Promise.all([1, 2, 3].map(() => send(gw!.url, 'GET', '/items')));
    expect(answers.map((a) => `${a.status} ${a.body}`)).toEqual(['200 ok', '200 ok', '200 ok']);
    expect(upstream!.maxOpen()).toBe(1);
  });
});

describe('item 1: bytes after a complete answer never reach another request', () => {
  it('a second answer injected after Content-Length: 0 goes to nobody; the connection is closed', async () => {
    const INJECTED = 'HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nINJECTED';
    await serveIn(
      (r, s) => {
        const who = headerOf(r.head, 'x-who')!;
        if (who === 'a') setTimeout(() => s.write(`HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n${INJECTED}`), 300);
        else s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${`private-for-${who}`.length}\r\n\r\nprivate-for-${who}`);
      },
      ['--upstream-connections', '1'],
    );
    const a = send(gw!.url, 'GET', '/items', { 'x-who': 'a' });
    await new Promise((r) => setTimeout(r, 100));
    // b and c wait in the pool's queue while a holds its only connection.
    const [b, c] = [send(gw!.url, 'GET', '/items', { 'x-who': 'b' }), send(gw!.url, 'GET', '/items', { 'x-who': 'c' })];
    const answers = await Promise.all([a, b, c]);
    expect(answers.map((x) => `${x.status} ${x.body}`)).toEqual(['200 ', '200 private-for-b', '200 private-for-c']);
    const seen = (who: string) => upstream!.requests.find((r) => headerOf(r.head, 'x-who') === who)!;
    // The upstream saw b's request on a new connection: the poisoned one was closed, not reused.
    expect(seen('b').connection).not.toBe(seen('a').connection);
    expect(await waitFor(() => upstream!.closed() >= 1)).toBe(true);
  });

  it('bytes that arrive on an idle kept-alive connection close it; the next request gets a fresh one', async () => {
    await serveIn((r, s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      if (r.index === 0) setTimeout(() => s.write('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nSTRAY!'), 100);
    });
    expect((await send(gw!.url, 'GET', '/items')).body).toBe('ok');
    expect(await waitFor(() => upstream!.closed() === 1)).toBe(true);
    expect((await send(gw!.url, 'GET', '/items')).body).toBe('ok');
    expect(upstream!.requests.map((r) => r.connection)).toEqual([1, 2]);
  });
});

describe('item 2: lenient framing is refused, and the upstream connection closed', () => {
  const HEAD_CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
  const cases: { name: string; answer: string }[] = [
    { name: 'junk between chunk data and its CRLF', answer: `${HEAD_CHUNKED}5\r\nhelloJUNK\r\n0\r\n\r\n` },
    { name: 'a four-digit status code', answer: 'HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok' },
    {
      name: 'a 70 KB head that arrives in one write',
      answer: `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}\r\nContent-Length: 2\r\n\r\nok`,
    },
    { name: 'a chunk-size line that never ends', answer: `${HEAD_CHUNKED}5;${'e'.repeat(20_000)}` },
    { name: 'a header line without a colon', answer: 'HTTP/1.1 200 OK\r\nnocolon\r\nContent-Length: 2\r\n\r\nok' },
    {
      name: 'a folded header line (obs-fold)',
      answer: 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\nContent-Length: 2\r\n\r\nok',
    },
    {
      name: 'a header name with a space before the colon',
      answer: 'HTTP/1.1 200 OK\r\nX-A : 1\r\nContent-Length: 2\r\n\r\nok',
    },
    { name: 'bare LF line ends', answer: 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok' },
  ];
  for (const c of cases) {
    it(`${c.name}: 502 Bad Gateway, the upstream connection closed`, async () => {
      await serveIn((_r, s) => s.write(c.answer));
      const raw = await rawGet('/items');
      expect(statusLine(raw)).toBe('HTTP/1.1 502 Bad Gateway');
      expect(JSON.parse(bodyOf(raw))).toMatchObject({ code: 'GW_HTTP_UPSTREAM_FAILED', status: 502 });
      expect(await waitFor(() => upstream!.closed() === 1)).toBe(true);
    });
  }

  it('a framing error after part of the body was sent aborts the client connection, not finishing it', async () => {
    await serveIn((_r, s) => {
      s.write(`${HEAD_CHUNKED}5\r\nhello\r\n`);
      setTimeout(() => s.write('5\r\nworldJUNK\r\n0\r\n\r\n'), 200);
    });
    const got = await getAllowingAbort('/items');
    expect(got).toMatchObject({ status: 200, complete: false });
    expect(got.body.startsWith('hello')).toBe(true);
    expect(await waitFor(() => upstream!.closed() === 1)).toBe(true);
  });
});

describe('item 3: status codes without a body', () => {
  it('a 101 nobody asked for is a 502', async () => {
    await serveIn((_r, s) =>
      s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n'),
    );
    const raw = await rawGet('/items');
    expect(statusLine(raw)).toBe('HTTP/1.1 502 Bad Gateway');
    expect(await waitFor(() => upstream!.closed() === 1)).toBe(true);
  });

  for (const [status, framing] of [
    ['204 No Content', 'Content-Length: 5'],
    ['304 Not Modified', 'Content-Length: 5'],
    ['204 No Content', 'Transfer-Encoding: chunked'],
  ] as const) {
    it(`${status} with ${framing} is forwarded without Content-Length, Transfer-Encoding or body`, async () => {
      await serveIn((_r, s) => s.write(`HTTP/1.1 ${status}\r\nETag: "x"\r\n${framing}\r\n\r\n`));
      const raw = await rawGet('/items');
      expect(statusLine(raw)).toBe(`HTTP/1.1 ${status}`);
      expect(headOf(raw)).toContain('etag: "x"');
      expect(headOf(raw)).not.toMatch(/\r\n(content-length|transfer-encoding):/);
      expect(bodyOf(raw)).toBe('');
    });
  }
});

describe('item 4: streaming', () => {
  it('each chunk reaches the client as it arrives (an SSE event is not held until the next one)', async () => {
    const GAP_MS = 1_500;
    await serveIn((_r, s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n');
      const event = (data: string) => `data: ${data}\n\n`;
      const chunk = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n`;
      setTimeout(() => s.write(chunk(event('one'))), 100);
      setTimeout(() => s.write(`${chunk(event('two'))}0\r\n\r\n`), 100 + GAP_MS);
    });
    const u = new URL(gw!.url);
    const start = Date.now();
    const seen = await new Promise<{ head: number; events: { at: number; text: string }[] }>((resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, path: '/events', agent: false }, (res) => {
        const head = Date.now() - start;
        const events: { at: number; text: string }[] = [];
        res.on('data', (c: Buffer) => events.push({ at: Date.now() - start, text: c.toString() }));
        res.on('end', () => resolve({ head, events }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(seen.events.map((e) => e.text).join('')).toBe('data: one\n\ndata: two\n\n');
    // The head and the first event come at once, not when the second event is sent.
    expect(seen.head).toBeLessThan(GAP_MS - 500);
    expect(seen.events[0]!.text).toBe('data: one\n\n');
    expect(seen.events[0]!.at).toBeLessThan(GAP_MS - 500);
  });
});

describe('item 12: the status line matches the status', () => {
  it('a response header Node would refuse gives "502 Bad Gateway", not "502 OK"', async () => {
    await serveIn((_r, s) => s.write('HTTP/1.1 200 OK\r\nX-Bad: a\u0001b\r\nContent-Length: 2\r\n\r\nok'));
    const raw = await rawGet('/items');
    expect(statusLine(raw)).toBe('HTTP/1.1 502 Bad Gateway');
    expect(JSON.parse(bodyOf(raw))).toMatchObject({ code: 'GW_HTTP_UPSTREAM_FAILED' });
  });
});
