import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { H1Pool, type H1Request } from '../../../src/runtime/h1-pool.js';

/** A raw TCP upstream that answers each request head with scripted writes (to cut the answer at awkward places). */
async function scripted(
  answer: (head: string, socket: Socket, n: number) => void,
): Promise<{ server: Server; url: string; connections: () => number }> {
  let connections = 0;
  let n = 0;
  const server = createServer((socket) => {
    connections++;
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end !== -1; end = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        const len = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        buf = buf.slice(len);
        answer(head, socket, n++);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

function fetchVia(
  pool: H1Pool,
  request: Partial<H1Request> = {},
): Promise<{ status: number; headers: string[]; body: string; error?: string }> {
  return new Promise((resolve) => {
    let status = 0;
    let headers: string[] = [];
    let body = '';
    pool.dispatch(
      {
        method: 'GET',
        path: '/x',
        headers: ['host', 'x'],
        body: null,
        headersTimeout: 1000,
        bodyTimeout: 1000,
        ...request,
      },
      {
        onConnect: () => undefined,
        onHeaders: (s, h) => {
          status = s;
          headers = h;
          return true;
        },
        onData: (c) => {
          body += c.toString('latin1');
          return true;
        },
        onComplete: () => resolve({ status, headers, body }),
        onError: (e) => resolve({ status, headers, body, error: (e as { code?: string }).code ?? e.message }),
      },
    );
  });
}

let servers: Server[] = [];
afterEach(async () => {
  for (const s of servers) s.close();
  servers = [];
});

const options = { connections: 4, connectTimeoutMs: 1000, keepAliveMs: 4000 };

describe('H1Pool', () => {
  it('reads content-length bodies and reuses the connection', async () => {
    const up = await scripted((_h, s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello'));
    servers.push(up.server);
    const pool = new H1Pool(up.url, options);
    const a = await fetchVia(pool);
    const b = await fetchVia(pool);
    expect(a).toEqual({ status: 200, headers: ['X-A', '1', 'Content-Length', '5'], body: 'hello' });
    expect(b.body).toBe('hello');
    expect(up.connections()).toBe(1);
    await pool.close();
  });

  it('decodes chunked bodies cut at every awkward place', async () => {
    const parts = [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n',
      '\r\n5\r',
      '\nhel',
      'lo\r\n',
      '6;ext=1\r\n wor',
      'ld\r\n0\r\n',
      'X-Trailer: 1\r\n\r\n',
    ];
    const up = await scripted((_h, s) => {
      let i = 0;
      const next = () => {
        if (i < parts.length) {
          s.write(parts[i++]!);
          setTimeout(next, 5);
        }
      };
      next();
    });
    servers.push(up.server);
    const pool = new H1Pool(up.url, options);
    expect((await fetchVia(pool)).body).toBe('hello world');
    expect((await fetchVia(pool)).body).toBe('hello world');
    expect(up.connections()).toBe(1);
    await pool.close();
  });

  it('skips 1xx, reads HEAD and 204 without bodies; no reuse after Connection: close or a HEAD', async () => {
    const up = await scripted((head, s, n) => {
      if (head.startsWith('HEAD')) s.write('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n');
      else if (n === 1) s.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n');
      else s.write('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok');
    });
    servers.push(up.server);
    const pool = new H1Pool(up.url, options);
    expect(await fetchVia(pool, { method: 'HEAD' })).toMatchObject({ status: 200, body: '' });
    expect(await fetchVia(pool)).toMatchObject({ status: 204, body: '' });
    expect(await fetchVia(pool)).toMatchObject({ status: 200, body: 'ok' });
    await fetchVia(pool, { method: 'HEAD' });
    // HEAD (closed after), 204 and 200+close (one connection), HEAD (a third).
    expect(up.connections()).toBe(3);
    await pool.close();
  });

  it('reads a body delimited by the connection closing', async () => {
    const up = await scripted((_h, s) => s.end('HTTP/1.1 200 OK\r\n\r\nuntil the end'));
    servers.push(up.server);
    const pool = new H1Pool(up.url, options);
    expect(await fetchVia(pool)).toEqual({ status: 200, headers: [], body: 'until the end' });
    await pool.close();
  });

  it('reports refused connections, head timeouts and garbage with codes', async () => {
    const refused = new H1Pool('http://127.0.0.1:1', options);
    expect((await fetchVia(refused)).error).toBe('ECONNREFUSED');
    const silent = await scripted(() => undefined);
    const garbage = await scripted((_h, s) => s.write('SSH-2.0-OpenSSH\r\n\r\n'));
    servers.push(silent.server, garbage.server);
    expect((await fetchVia(new H1Pool(silent.url, options), { headersTimeout: 200 })).error).toBe(
      'GW_UPSTREAM_HEADERS_TIMEOUT',
    );
    expect((await fetchVia(new H1Pool(garbage.url, options))).error).toBe('GW_UPSTREAM_PROTOCOL');
  });

  it('sends a request body with its content-length, and an async iterable chunked', async () => {
    const seen: string[] = [];
    const server = createServer((socket) => {
      let buf = '';
      socket.on('data', (d) => {
        buf += d.toString('latin1');
        if (buf.includes('\r\n\r\n') && (buf.endsWith('abc') || buf.endsWith('0\r\n\r\n'))) {
          seen.push(buf);
          buf = '';
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    const pool = new H1Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, options);
    const { Readable } = await import('node:stream');
    await fetchVia(pool, {
      method: 'POST',
      headers: ['host', 'x', 'content-length', '3'],
      body: Readable.from([Buffer.from('abc')]),
    });
    await fetchVia(pool, {
      method: 'POST',
      body: (async function* () {
        yield Buffer.from('hello');
        yield Buffer.from(' you');
      })(),
    });
    expect(seen[0]).toMatch(/^POST \/x HTTP\/1\.1\r\nhost: x\r\ncontent-length: 3\r\n\r\nabc$/);
    expect(seen[1]).toMatch(/transfer-encoding: chunked\r\n\r\n5\r\nhello\r\n4\r\n you\r\n0\r\n\r\n$/);
    await pool.close();
  });
});

describe('H1Pool with a handler that throws', () => {
  it('fails that request with the error instead of crashing', async () => {
    const up = await scripted((_h, s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    servers.push(up.server);
    const pool = new H1Pool(up.url, options);
    const error = await new Promise<string>((resolve) => {
      pool.dispatch(
        { method: 'GET', path: '/', headers: ['host', 'x'], body: null, headersTimeout: 1000, bodyTimeout: 1000 },
        {
          onConnect: () => undefined,
          onHeaders: () => {
            throw new Error('boom');
          },
          onData: () => true,
          onComplete: () => resolve('completed'),
          onError: (e) => resolve(e.message),
        },
      );
    });
    expect(error).toBe('boom');
    await pool.close();
  });
});

describe('H1Pool framing is strict', () => {
  const table: { name: string; answer: string; want: { error?: string; body?: string } }[] = [
    {
      name: 'a Content-Length that is not digits',
      answer: 'HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nxyz',
      want: { error: 'GW_UPSTREAM_PROTOCOL' },
    },
    {
      name: 'two different Content-Lengths',
      answer: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nxyz',
      want: { error: 'GW_UPSTREAM_PROTOCOL' },
    },
    {
      name: 'Transfer-Encoding with Content-Length (as llhttp and nginx)',
      answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      want: { error: 'GW_UPSTREAM_PROTOCOL' },
    },
    {
      name: 'a chunk size with junk',
      answer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n',
      want: { error: 'GW_UPSTREAM_PROTOCOL' },
    },
  ];
  for (const t of table) {
    it(t.name, async () => {
      const up = await scripted((_h, s) => s.write(t.answer));
      servers.push(up.server);
      const pool = new H1Pool(up.url, options);
      const got = await fetchVia(pool);
      if (t.want.error) expect(got.error).toBe(t.want.error);
      else {
        expect(got.error).toBeUndefined();
        expect(got.body).toBe(t.want.body);
      }
      await pool.close();
    });
  }

  it('bytes past the declared length are never read as the next answer', async () => {
    const up = await scripted((_h, s, n) =>
      s.write(
        n === 0
          ? 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokSTALE'
          : 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh',
      ),
    );
    servers.push(up.server);
    const pool = new H1Pool(up.url, options);
    expect((await fetchVia(pool)).body).toBe('ok');
    expect((await fetchVia(pool)).body).toBe('fresh');
    expect(up.connections()).toBe(2);
    await pool.close();
  });

  it('a queued request can be aborted and times out', async () => {
    const up = await scripted(() => undefined);
    servers.push(up.server);
    const pool = new H1Pool(up.url, { ...options, connections: 1 });
    void fetchVia(pool, { headersTimeout: 2000 });
    const started = Date.now();
    const queued = await fetchVia(pool, { headersTimeout: 200 });
    expect(queued.error).toBe('GW_UPSTREAM_HEADERS_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('H1Pool after close()', () => {
  it('still serves a late retry, keeps no idle connection, and close() resolves', async () => {
    const up = await scripted((_h, s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    servers.push(up.server);
    const pool = new H1Pool(up.url, options);
    expect((await fetchVia(pool)).body).toBe('ok');
    await pool.close();
    expect((await fetchVia(pool)).body).toBe('ok');
    expect(up.connections()).toBe(2);
  });
});

describe('H1Pool never lets an answer leak into the next request (issue 10 item 1)', () => {
  it('an extra answer after Content-Length: 0 closes the connection; the queued request gets a new one', async () => {
    const up = await scripted((head, s) => {
      const who = /x-who: (\w+)/.exec(head)![1]!;
      if (who === 'a')
        setTimeout(
          () =>
            s.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nINJECTED'),
          100,
        );
      else s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${who.length}\r\n\r\n${who}`);
    });
    servers.push(up.server);
    const pool = new H1Pool(up.url, { ...options, connections: 1 });
    const a = fetchVia(pool, { headers: ['host', 'x', 'x-who', 'a'] });
    const b = fetchVia(pool, { headers: ['host', 'x', 'x-who', 'bee'] });
    expect(await a).toMatchObject({ status: 200, body: '' });
    expect(await b).toMatchObject({ status: 200, body: 'bee' });
    expect(up.connections()).toBe(2);
    await pool.close();
  });
});

describe('H1Pool refuses to write a request that would not stay inside its lines (issue 10 item 2)', () => {
  const cases: { name: string; request: Partial<H1Request> }[] = [
    { name: 'CR LF in a value', request: { headers: ['host', 'x', 'x-a', 'ok\r\nx-injected: 1'] } },
    { name: 'a bare LF in a value', request: { headers: ['host', 'x', 'x-a', 'ok\nx-injected: 1'] } },
    { name: 'NUL in a value', request: { headers: ['host', 'x', 'x-a', 'a\u0000b'] } },
    {
      name: 'a character that latin1 would turn into LF (U+010A)',
      request: { headers: ['host', 'x', 'x-a', 'a\u010ab'] },
    },
    { name: 'a name that is not a token', request: { headers: ['host', 'x', 'x a', '1'] } },
    { name: 'a name with a colon', request: { headers: ['host', 'x', 'x:a', '1'] } },
    { name: 'a blank in the path', request: { path: '/a b' } },
    { name: 'CR LF in the method', request: { method: 'GET /x HTTP/1.1\r\nx:' } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const received: string[] = [];
      const server = createServer((socket) => socket.on('data', (d) => received.push(d.toString('latin1'))));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      servers.push(server);
      const pool = new H1Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, options);
      expect((await fetchVia(pool, c.request)).error).toBe('GW_UPSTREAM_REQUEST_INVALID');
      await new Promise((r) => setTimeout(r, 50));
      expect(received).toEqual([]);
      await pool.close();
    });
  }

  it('writes tabs, obs-text and empty values as they are', async () => {
    const up = await scripted((head, s) =>
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${head.length}\r\n\r\n${head}`, 'latin1'),
    );
    servers.push(up.server);
    const pool = new H1Pool(up.url, options);
    const got = await fetchVia(pool, { headers: ['host', 'x', 'x-a', 'a\tb \u00e9', 'x-empty', ''] });
    expect(got.body).toBe('GET /x HTTP/1.1\r\nhost: x\r\nx-a: a\tb \u00e9\r\nx-empty: ');
    await pool.close();
  });
});

describe('H1Pool hands each read on at once (issue 10 item 4)', () => {
  it('delivers a chunk and flushes before the rest of the answer is sent', async () => {
    const up = await scripted((_h, s) => {
      s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
      setTimeout(() => s.write('0\r\n\r\n'), 300);
    });
    servers.push(up.server);
    const pool = new H1Pool(up.url, options);
    const start = Date.now();
    const events = await new Promise<string[]>((resolve) => {
      const seen: string[] = [];
      pool.dispatch(
        { method: 'GET', path: '/', headers: ['host', 'x'], body: null, headersTimeout: 1000, bodyTimeout: 1000 },
        {
          onConnect: () => undefined,
          onHeaders: () => {
            seen.push('head');
            return true;
          },
          onData: (c) => {
            seen.push(`data ${c.toString()} ${Date.now() - start < 250 ? 'early' : 'late'}`);
            return true;
          },
          flush: () => {
            seen.push(`flush ${Date.now() - start < 250 ? 'early' : 'late'}`);
            return true;
          },
          onComplete: () => resolve([...seen, `complete ${Date.now() - start < 250 ? 'early' : 'late'}`]),
          onError: (e) => resolve([...seen, e.message]),
        },
      );
    });
    expect(events).toEqual(['head', 'data hello early', 'flush early', 'complete late']);
    await pool.close();
  });
});
