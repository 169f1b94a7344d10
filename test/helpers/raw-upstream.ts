import { createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * One request as the raw upstream read it: its head, the connection it came on (1, 2, ...)
 * and its number overall (0, 1, ...).
 */
export interface RawRequest {
  head: string;
  connection: number;
  index: number;
}

export interface RawUpstream {
  url: string;
  port: number;
  requests: RawRequest[];
  /** Connections accepted so far. */
  connections(): number;
  /** Connections closed so far (by either side). */
  closed(): number;
  /** Connections open at the same time, at most. */
  maxOpen(): number;
  close(): Promise<void>;
}

/**
 * A misbehaving upstream: a raw TCP server on 127.0.0.1 (port 0) that reads request heads (and
 * skips Content-Length bodies) and lets `answer` write whatever bytes it likes, whenever it likes.
 */
export async function startRawUpstream(answer: (request: RawRequest, socket: Socket) => void): Promise<RawUpstream> {
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let closed = 0;
  let maxOpen = 0;
  const server = createServer((socket) => {
    const connection = ++connections;
    sockets.add(socket);
    maxOpen = Math.max(maxOpen, sockets.size);
    let buf = '';
    let skip = 0;
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const dropped = Math.min(skip, buf.length);
        buf = buf.slice(dropped);
        skip -= dropped;
        const end = buf.indexOf('\r\n\r\n');
        if (skip > 0 || end === -1) return;
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        skip = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        const request = { head, connection, index: requests.length };
        requests.push(request);
        answer(request, socket);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed++;
      sockets.delete(socket);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    closed: () => closed,
    maxOpen: () => maxOpen,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** The value of a request header in a raw head (first one, case-insensitive), or undefined. */
export function headerOf(head: string, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).toLowerCase() === lower) return line.slice(colon + 1).trim();
  }
  return undefined;
}

/**
 * Sends one request through a gateway to `upstream` (`request`) and measures how long the upstream
 * connection stays open after it (the gateway's keep-alive idle time); rejects after 5 s.
 */
export async function closeAfterIdle(
  upstream: RawUpstream,
  request: () => Promise<{ status: number }>,
): Promise<number> {
  const before = upstream.closed();
  if ((await request()).status !== 200) throw new Error('the request through the gateway did not answer 200');
  const answered = Date.now();
  while (upstream.closed() === before) {
    if (Date.now() - answered > 5_000) throw new Error('the gateway kept the idle upstream connection over 5 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - answered;
}
