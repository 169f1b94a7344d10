import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocketRoute } from '../model/types.js';

/** A request that came through the node:http server's 'upgrade' event: its socket is the gateway's from now on. */
export interface UpgradeRequest {
  socket: Duplex;
  /** Bytes the client sent after its head (first frames, possibly). */
  head: Buffer;
}

/**
 * An `Upgrade` request as the request path takes it: with a ServerResponse of its own on the socket, so refusals
 * (401, 429, 400 ...) are written as for any request, and the connection closes after them (the HTTP parser has let
 * go of it). `handle` decides: a WebSocket handshake on a route that takes them becomes a tunnel (ws-tunnel.ts), any
 * other upgrade (h2c, for one) is served as a plain request.
 */
export function takeUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  handle: (req: IncomingMessage, res: ServerResponse, upgrade: UpgradeRequest) => void,
): void {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once('finish', () => socket.end());
  socket.on('error', () => socket.destroy());
  handle(req, res, { socket, head });
}

/** The detail of a handshake's refusal on a route without `websocket` (400), naming the key to set. */
export function notWebSocketDetail(routeId: string): string {
  return (
    `route ${routeId} takes no WebSocket handshakes; set websocket: true in the x-gw of its operation ` +
    '(or path, service, gateway), or in gw.yaml'
  );
}

/**
 * Whether a handshake's Origin may open a tunnel (the model's `effective.websocket.origins`): compared as CORS
 * origins are, without case and trailing slashes. A handshake without Origin (no browser sent it) passes.
 */
export function handshakeOriginAllowed(websocket: WebSocketRoute, origin: string | undefined): boolean {
  if (websocket.origins === null || origin === undefined) return true;
  return websocket.origins.includes(origin.toLowerCase().replace(/\/+$/, ''));
}
