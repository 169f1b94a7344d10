import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What an echo upstream reports about each request it received. */
export interface EchoReport {
  name: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
  /** The x-echo-items header split at commas, when it was sent (lists for composition scenarios). */
  items?: string[];
}

export interface EchoUpstream {
  name: string;
  url: string;
  port: number;
  hits: number;
  /** While true, the health path answers 503. */
  sick: boolean;
  /** Body bytes received so far, all requests together. */
  received: number;
  /** 'streamed' fires when a x-echo-bytes answer has been handed to the socket entirely. */
  events: EventEmitter;
  server: Server;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1:0 that answers every request with a JSON report of what it
 * received (method, URL, headers, body length; the body is counted as it streams, never kept).
 * Request headers steer it: x-echo-status: NNN answers NNN; x-echo-delay: MS waits MS ms first;
 * x-echo-bytes: N streams N bytes back; x-echo-slow-read makes it read the body slowly; x-echo-items: a,b puts
 * `items: ["a", "b"]` in the report. Paths ending in /__health
 * answer 200 (503 once `sick`).
 */
export async function startEcho(name: string): Promise<EchoUpstream> {
  const state = { sick: false, hits: 0, received: 0 };
  const events = new EventEmitter();
  const server = createServer((req, res) => {
    state.hits++;
    let bytes = 0;
    const slowRead = req.headers['x-echo-slow-read'] !== undefined;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      state.received += c.length;
      if (slowRead) {
        req.pause();
        setTimeout(() => req.resume(), 2);
      }
    });
    req.on('end', () => respond(req, bytes));
    const respond = (r: IncomingMessage, n: number) => {
      const path = (r.url ?? '/').split('?')[0]!;
      if (path.endsWith('/__health')) {
        res.writeHead(state.sick ? 503 : 200, { 'content-type': 'text/plain' }).end(state.sick ? 'sick' : 'ok');
        return;
      }
      const big = r.headers['x-echo-bytes'];
      if (typeof big === 'string') return streamBytes(res, Number(big), () => events.emit('streamed'));
      const slow = r.headers['x-echo-delay'];
      const status = Number(r.headers['x-echo-status'] ?? 200);
      const items = r.headers['x-echo-items'];
      const body = JSON.stringify({
        name,
        method: r.method ?? '',
        url: r.url ?? '',
        headers: r.headers,
        bytes: n,
        ...(typeof items === 'string' ? { items: items.split(',') } : {}),
      } satisfies EchoReport);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-upstream': name,
          connection: 'keep-alive',
          'keep-alive': 'timeout=30',
        });
        res.end(body);
      };
      if (typeof slow === 'string') setTimeout(send, Number(slow));
      else send();
    };
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const echo = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    server,
    get hits() {
      return state.hits;
    },
    set hits(v: number) {
      state.hits = v;
    },
    events,
    get received() {
      return state.received;
    },
    set received(v: number) {
      state.received = v;
    },
    get sick() {
      return state.sick;
    },
    set sick(v: boolean) {
      state.sick = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  return echo;
}

function streamBytes(res: import('node:http').ServerResponse, total: number, done: () => void): void {
  res.once('finish', done);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
  const chunk = Buffer.alloc(64 * 1024, 120);
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}
