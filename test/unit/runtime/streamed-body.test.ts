import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StreamedBody, type BodyWatcher } from '../../../src/runtime/streamed-body.js';

/** The client's side: a real stream in place of the request, and what the body reported. */
function client(): { req: PassThrough; watcher: BodyWatcher & { stalled: number; tooLarge: number } } {
  const watcher = {
    stalled: 0,
    tooLarge: 0,
    bodyStalled() {
      this.stalled++;
    },
    bodyTooLarge() {
      this.tooLarge++;
    },
  };
  return { req: new PassThrough(), watcher };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StreamedBody: a request body on its way upstream (edge.bodyTimeoutMs)', () => {
  it('sends what was read first, then the rest, and counts it', async () => {
    const { req, watcher } = client();
    const body = new StreamedBody(req as unknown as IncomingMessage, Buffer.from('head-'), 1_000, 1_000, watcher);
    const got: Buffer[] = [];
    body.on('data', (c: Buffer) => got.push(c));
    const ended = new Promise((r) => body.once('end', r));
    req.write('middle-');
    req.end('tail');
    await ended;
    expect(Buffer.concat(got).toString()).toBe('head-middle-tail');
    expect(body.received).toBe(16);
    expect(watcher).toMatchObject({ stalled: 0, tooLarge: 0 });
  });

  it('reports a client that sends nothing while the upstream waits for more', async () => {
    const { req, watcher } = client();
    const body = new StreamedBody(req as unknown as IncomingMessage, undefined, 1_000, 100, watcher);
    body.on('data', () => {});
    req.write('a');
    await wait(300);
    expect(watcher.stalled).toBe(1);
  });

  it('does not blame the client while the upstream takes nothing (backpressure)', async () => {
    const { req, watcher } = client();
    const body = new StreamedBody(req as unknown as IncomingMessage, undefined, 10_000_000, 100, watcher);
    const got: Buffer[] = [];
    body.on('data', (c: Buffer) => {
      got.push(c);
      body.pause();
    });
    req.write(Buffer.alloc(256 * 1024, 1));
    await wait(400);
    expect(watcher.stalled).toBe(0);
    const ended = new Promise((r) => body.once('end', r));
    body.on('data', () => {});
    body.resume();
    req.end();
    await ended;
    expect(watcher.stalled).toBe(0);
    expect(body.received).toBe(256 * 1024);
  });

  it('reports a body past the limit and stops reading', async () => {
    const { req, watcher } = client();
    const body = new StreamedBody(req as unknown as IncomingMessage, Buffer.alloc(6), 10, 1_000, watcher);
    body.on('data', () => {});
    req.write(Buffer.alloc(6));
    await wait(50);
    expect(watcher.tooLarge).toBe(1);
    expect(body.destroyed).toBe(true);
  });
});
