import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { closeFrame, FrameTracker } from '../../../src/runtime/ws-frames.js';

/** WebSocket frame boundaries as a tunnel tracks them (issue 14): tables, then differentially against `ws`. */

/** ws's own framing, which its type package leaves out. */
interface WsInternals {
  Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] };
  Receiver: new (options: {
    isServer: boolean;
  }) => NodeJS.WritableStream & {
    on(event: 'conclude', listener: (code: number, reason: Buffer) => void): void;
    on(event: 'error', listener: (err: Error) => void): void;
  };
}
const { Sender, Receiver } = createRequire(import.meta.url)('ws') as WsInternals;

function frame(payload: Buffer, opcode: number, mask: boolean): Buffer {
  const parts = Sender.frame(payload, {
    fin: true,
    opcode,
    mask,
    maskKey: randomBytes(4),
    readOnly: false,
    rsv1: false,
  });
  return Buffer.concat(parts);
}

describe('FrameTracker', () => {
  const table: { name: string; bytes: Buffer; atBoundary: boolean; closeSeen: boolean }[] = [
    { name: 'nothing yet', bytes: Buffer.alloc(0), atBoundary: true, closeSeen: false },
    { name: 'a whole text frame', bytes: frame(Buffer.from('hi'), 1, false), atBoundary: true, closeSeen: false },
    { name: 'half a header', bytes: Buffer.from([0x81]), atBoundary: false, closeSeen: false },
    {
      name: 'a masked frame without its last byte',
      bytes: frame(Buffer.from('hello'), 1, true).subarray(0, -1),
      atBoundary: false,
      closeSeen: false,
    },
    {
      name: 'a 16-bit length frame',
      bytes: frame(Buffer.alloc(300, 1), 2, true),
      atBoundary: true,
      closeSeen: false,
    },
    {
      name: 'a 64-bit length frame',
      bytes: frame(Buffer.alloc(70_000, 1), 2, false),
      atBoundary: true,
      closeSeen: false,
    },
    { name: 'a close frame', bytes: closeFrame(1001, 'bye', true), atBoundary: true, closeSeen: true },
    {
      name: 'a close frame header only',
      bytes: closeFrame(1000, 'x', false).subarray(0, 2),
      atBoundary: false,
      closeSeen: true,
    },
  ];
  for (const { name, bytes, atBoundary, closeSeen } of table) {
    it(name, () => {
      const t = new FrameTracker();
      t.feed(bytes);
      expect([t.atBoundary, t.closeSeen]).toEqual([atBoundary, closeSeen]);
    });
  }

  it('a length past 2^53 cannot be followed: never at a boundary again', () => {
    const t = new FrameTracker();
    t.feed(Buffer.from([0x82, 127, 0xff, 0, 0, 0, 0, 0, 0, 0]));
    expect([t.lost, t.atBoundary]).toEqual([true, false]);
  });

  it('agrees with ws on where frames end, whatever the frames and however the bytes are split', () => {
    for (let round = 0; round < 60; round++) {
      const frames = Array.from({ length: 1 + (round % 7) }, (_, i) => {
        const size = [0, 1, 125, 126, 127, 300, 65_535, 65_536, 70_000][(round + i) % 9]!;
        return frame(randomBytes(size), i % 2 === 0 ? 1 : 2, (round + i) % 3 !== 0);
      });
      const ends = new Set<number>();
      let total = 0;
      for (const f of frames) {
        total += f.length;
        ends.add(total);
      }
      const all = Buffer.concat(frames);
      const t = new FrameTracker();
      let at = 0;
      while (at < all.length) {
        // Small steps through the headers and small frames, larger ones through big payloads.
        const step = 1 + Math.floor(Math.random() * (round % 2 === 0 ? 40 : 9000) * (all.length > 100_000 ? 20 : 1));
        const next = Math.min(all.length, at + step);
        t.feed(all.subarray(at, next));
        at = next;
        expect(t.atBoundary, `round ${round}: after byte ${at}`).toBe(ends.has(at));
      }
    }
  });
});

describe('closeFrame', () => {
  it.each([
    [1001, 'gateway shutting down', true],
    [1001, 'idle timeout', false],
    [4000, 'é'.repeat(100), true],
  ])('code %i, reason %j, masked %s: what ws reads', async (code, reason, masked) => {
    const got = await new Promise<{ code: number; reason: string }>((resolve, reject) => {
      const receiver = new Receiver({ isServer: masked });
      receiver.on('conclude', (c: number, r: Buffer) => resolve({ code: c, reason: r.toString('utf8') }));
      receiver.on('error', reject);
      receiver.write(closeFrame(code, reason, masked));
    });
    // At most 123 bytes, whole characters only: 61 two-byte é.
    expect(got).toEqual({ code, reason: reason.length > 61 && reason.startsWith('é') ? 'é'.repeat(61) : reason });
  });
});
