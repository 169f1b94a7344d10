import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

/**
 * A real WebSocket upstream (the `ws` package) on 127.0.0.1:0. It echoes every message as it came (text as text,
 * binary as binary); `headers` asks for the handshake's headers as JSON; `close:CODE:REASON` has it close with that
 * code. It records every handshake and every close code it got.
 */
export interface WsUpstream {
  url: string;
  /** Handshakes accepted so far, with the headers each carried. */
  handshakes: Record<string, string | string[] | undefined>[];
  /** Close codes and reasons the upstream received from its clients (the gateway, passing the client's on). */
  closes: { code: number; reason: string }[];
  close(): Promise<void>;
}

export async function startWsUpstream(): Promise<WsUpstream> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 4 * 1024 * 1024 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const handshakes: WsUpstream['handshakes'] = [];
  const closes: WsUpstream['closes'] = [];
  server.on('connection', (ws, req) => {
    handshakes.push(req.headers);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const text = isBinary ? '' : data.toString('utf8');
      const close = /^close:(\d+):(.*)$/.exec(text);
      if (close) ws.close(Number(close[1]), close[2]);
      else if (text === 'headers') ws.send(JSON.stringify({ url: req.url, headers: req.headers }));
      else ws.send(data, { binary: isBinary });
    });
    ws.on('close', (code, reason) => closes.push({ code, reason: reason.toString('utf8') }));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    handshakes,
    closes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of server.clients) c.terminate();
        server.close(() => resolve());
      }),
  };
}

/** A refused handshake: the status, headers and body the gateway answered instead of 101. */
export interface Refusal {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Opens a WebSocket; resolves once open, or with the refusal when the answer is not 101. */
export function openSocket(
  url: string,
  options: { headers?: Record<string, string>; origin?: string; ca?: string } = {},
): Promise<WebSocket | Refusal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: options.headers,
      origin: options.origin,
      ca: options.ca,
      maxPayload: 4 << 20,
    });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    ws.once('error', (err) => reject(err));
  });
}

/** The next message, as text or bytes. */
export function nextMessage(ws: WebSocket): Promise<{ data: Buffer; binary: boolean }> {
  return new Promise((resolve) => ws.once('message', (data: Buffer, binary: boolean) => resolve({ data, binary })));
}

/** Resolves with the close code and reason the peer sent (1006 when the connection just dropped). */
export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}
