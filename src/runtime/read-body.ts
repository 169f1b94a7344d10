import type { IncomingMessage } from 'node:http';
import type { BodyIntake } from './body-intake.js';

export type BodyRead =
  /** All of it. */
  | { kind: 'body'; bytes: Buffer }
  /** At least `stopAt` bytes and more to come: the request is paused with the rest unread. */
  | { kind: 'head'; bytes: Buffer }
  | { kind: 'too-large' }
  /** No bytes came for `gapMs`. */
  | { kind: 'timeout' }
  /** The bodies in memory, this one included, would pass the gateway's limit. */
  | { kind: 'no-memory' }
  /** The client went away. */
  | { kind: 'aborted' };

export interface BodyReadOptions {
  /** Past this many bytes the body is too large (the route's maxBodySize). */
  limit: number;
  /** Stop once this many bytes are in and more are coming (Infinity: read it all). */
  stopAt: number;
  /** The declared Content-Length, when there is one: a body complete at `stopAt` is read to its end. */
  length: number | undefined;
  /** Longest wait for the next bytes (edge.bodyTimeoutMs). */
  gapMs: number;
  intake: BodyIntake;
  /** All bodies in memory together (edge.bodyMemoryBytes). */
  memoryLimit: number;
  /** What this request holds in the intake's memory count, given back when its answer is done. */
  holder: { heldBytes?: number };
}

/**
 * Reads a request body into memory: all of it (validation), or enough of it to know the client
 * is sending (edge.bodyBufferBytes) before an upstream connection is taken. Every byte counts
 * against the gateway-wide memory limit; a gap longer than `gapMs` ends the read.
 */
export function readBody(req: IncomingMessage, o: BodyReadOptions): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const timer = setTimeout(() => finish({ kind: 'timeout' }), o.gapMs);
    timer.unref();
    const bytes = () => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    const finish = (r: BodyRead) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (r.kind !== 'body' && r.kind !== 'aborted') req.pause();
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > o.limit) return finish({ kind: 'too-large' });
      if (!o.intake.reserve(chunk.length, o.memoryLimit)) return finish({ kind: 'no-memory' });
      o.holder.heldBytes = (o.holder.heldBytes ?? 0) + chunk.length;
      chunks.push(chunk);
      timer.refresh();
      if (size >= o.stopAt && (o.length === undefined || size < o.length)) finish({ kind: 'head', bytes: bytes() });
    };
    const onEnd = () => finish({ kind: 'body', bytes: bytes() });
    const onAbort = () => finish({ kind: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
}
