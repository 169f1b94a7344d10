import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type WebSocket from 'ws';
import { closed, nextMessage, openSocket, type Refusal, type WsUpstream } from '../helpers/ws-upstream.js';
import { WS_KEY, WS_ORIGIN } from './websocket-project.js';

/** A plane under test: its ws:// or wss:// base, the CA to trust for wss, and how it closes an idle tunnel. */
export interface WebSocketPlane {
  name: string;
  base: string;
  ca?: string;
  /** The close code the client sees when the gateway ends an idle tunnel: 1001, or 1006 for a plain TCP close. */
  idleClose: number;
}

export interface WebSocketCheck {
  name: string;
  run(plane: WebSocketPlane, upstream: WsUpstream): Promise<void>;
}

async function open(plane: WebSocketPlane, path: string, headers?: Record<string, string>): Promise<WebSocket> {
  const got = await openSocket(`${plane.base}${path}`, { headers, ca: plane.ca });
  if ('status' in got) throw new Error(`${path}: handshake refused with ${got.status}: ${got.body}`);
  return got;
}

async function refused(
  plane: WebSocketPlane,
  path: string,
  options: { headers?: Record<string, string>; origin?: string } = {},
): Promise<Refusal> {
  const got = await openSocket(`${plane.base}${path}`, { ...options, ca: plane.ca });
  if (!('status' in got)) {
    got.terminate();
    throw new Error(`${path}: the handshake was accepted`);
  }
  return got;
}

function problemCode(r: Refusal): string {
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  return (JSON.parse(r.body) as { code: string }).code;
}

async function echo(ws: WebSocket, data: string | Buffer): Promise<void> {
  const answer = nextMessage(ws);
  ws.send(data);
  const got = await answer;
  expect(got.binary).toBe(typeof data !== 'string');
  expect(got.data.equals(Buffer.from(data))).toBe(true);
}

/** What every data plane must do with WebSockets (issue 14, "What must hold"), against a real `ws` upstream. */
export const websocketChecks: WebSocketCheck[] = [
  {
    name: 'echoes text and binary frames both ways',
    async run(plane) {
      const ws = await open(plane, '/ws/echo');
      await echo(ws, 'hello, tunnel');
      await echo(ws, Buffer.from([0, 1, 2, 254, 255]));
      ws.close(1000);
      await closed(ws);
    },
  },
  {
    name: 'carries 1 MB messages both ways',
    async run(plane) {
      const ws = await open(plane, '/ws/echo');
      await echo(ws, randomBytes(1024 * 1024));
      await echo(ws, 'x'.repeat(1024 * 1024));
      ws.close(1000);
      await closed(ws);
    },
  },
  {
    name: 'holds 100 sockets at once',
    async run(plane) {
      const sockets = await Promise.all(Array.from({ length: 100 }, () => open(plane, '/ws/echo')));
      await Promise.all(sockets.map((ws, i) => echo(ws, `socket ${i}`)));
      await Promise.all(
        sockets.map((ws) => {
          const done = closed(ws);
          ws.close(1000);
          return done;
        }),
      );
    },
  },
  {
    name: 'passes close codes through, both ways',
    async run(plane, upstream) {
      const ws = await open(plane, '/ws/echo');
      const fromUpstream = closed(ws);
      ws.send('close:4002:upstream says bye');
      expect(await fromUpstream).toEqual({ code: 4002, reason: 'upstream says bye' });
      const other = await open(plane, '/ws/echo');
      const before = upstream.closes.length;
      other.close(4001, 'client says bye');
      await closed(other);
      for (let i = 0; i < 100 && upstream.closes.length === before; i++) await new Promise((r) => setTimeout(r, 20));
      expect(upstream.closes.slice(before)).toEqual([{ code: 4001, reason: 'client says bye' }]);
    },
  },
  {
    name: 'checks credentials before the upgrade, and sends the consumer, not the key',
    async run(plane, upstream) {
      const before = upstream.handshakes.length;
      const r = await refused(plane, '/ws/private');
      expect([r.status, problemCode(r)]).toEqual([401, 'GW_HTTP_UNAUTHORIZED']);
      const wrong = await refused(plane, '/ws/private', { headers: { 'x-api-key': 'not-a-key' } });
      expect(wrong.status).toBe(401);
      expect(upstream.handshakes.length).toBe(before);
      const ws = await open(plane, '/ws/private', { 'x-api-key': WS_KEY.key });
      const answer = nextMessage(ws);
      ws.send('headers');
      const seen = JSON.parse((await answer).data.toString()) as { headers: Record<string, string> };
      expect([seen.headers['x-consumer'], seen.headers['x-api-key']]).toEqual([WS_KEY.consumer, undefined]);
      ws.close(1000);
      await closed(ws);
    },
  },
  {
    name: 'closes a tunnel idle for its idle timeout',
    async run(plane) {
      const ws = await open(plane, '/ws/idle');
      const started = Date.now();
      const { code } = await closed(ws);
      expect(code).toBe(plane.idleClose);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(Date.now() - started).toBeLessThan(5_000);
    },
  },
  {
    name: 'refuses a handshake on a route without websocket: 400 naming the key',
    async run(plane) {
      const r = await refused(plane, '/plain');
      expect([r.status, problemCode(r)]).toEqual([400, 'GW_HTTP_NOT_WEBSOCKET']);
      expect(JSON.parse(r.body).detail).toContain('websocket: true');
    },
  },
  {
    name: 'refuses a handshake from an origin the route does not allow (403), takes the allowed one',
    async run(plane) {
      const r = await refused(plane, '/ws/echo', { origin: 'https://evil.example' });
      expect([r.status, problemCode(r)]).toEqual([403, 'GW_HTTP_CORS_REJECTED']);
      const ok = await openSocket(`${plane.base}/ws/echo`, { origin: WS_ORIGIN, ca: plane.ca });
      expect('status' in ok).toBe(false);
      (ok as WebSocket).terminate();
    },
  },
  {
    name: 'counts handshakes against the rate limit (429 past it)',
    async run(plane) {
      const a = await open(plane, '/ws/limited');
      const b = await open(plane, '/ws/limited');
      const r = await refused(plane, '/ws/limited');
      expect([r.status, problemCode(r)]).toEqual([429, 'GW_HTTP_TOO_MANY_REQUESTS']);
      a.terminate();
      b.terminate();
    },
  },
];
