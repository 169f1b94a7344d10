import { Agent, request } from 'node:http';
import type { Answer } from '../scenarios/scenarios.js';

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One raw HTTP request (the path goes out exactly as written: no client-side normalisation). */
export function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
  timeoutMs = 10_000,
): Promise<Answer> {
  return exchange(base, method, path, headers, body, timeoutMs, { agent });
}

/**
 * `send` from another client address, on a fresh connection: any 127.x.y.z works as the local
 * address on Linux's loopback, so a test can be several clients to a gateway on 127.0.0.1.
 */
export function sendFrom(
  localAddress: string,
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<Answer> {
  return exchange(base, method, path, headers, undefined, timeoutMs, { agent: false, localAddress });
}

function exchange(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  timeoutMs: number,
  via: { agent: Agent | false; localAddress?: string },
): Promise<Answer> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
        ...via,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers as Record<string, string>,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer to ${method} ${path} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Writes raw bytes on a fresh TCP connection and returns whatever comes back until the server closes or the time is
 * up.
 */
export async function sendRaw(base: string, raw: string, timeoutMs = 3_000): Promise<string> {
  const { connect } = await import('node:net');
  const u = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(u.port), u.hostname);
    let out = '';
    socket.on('data', (b) => (out += b.toString('latin1')));
    const done = () => {
      socket.destroy();
      resolve(out);
    };
    socket.on('close', done);
    socket.on('error', done);
    socket.setTimeout(timeoutMs, done);
    socket.write(raw);
  });
}
