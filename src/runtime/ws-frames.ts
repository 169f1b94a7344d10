import { randomBytes } from 'node:crypto';

/**
 * WebSocket framing (RFC 6455 5.2) as far as a tunnel needs it, bytes in and state out: where one direction of a
 * tunnel stands (between frames or inside one), and whether a close frame went by. Payloads are skipped, never
 * unmasked or copied, so extensions (permessage-deflate) and fragmented messages pass untouched. The gateway only
 * ever adds a close frame of its own, and only between frames.
 */
export class FrameTracker {
  /** Bytes of the current frame's header read so far, and how many it has in all (2 until the second byte). */
  private readonly header = Buffer.alloc(14);
  private headerRead = 0;
  private headerSize = 2;
  /** Payload bytes of the current frame still to come. */
  private payloadLeft = 0;
  /** A close frame went by (its header at least): the side that sent it is closing. */
  closeSeen = false;
  /** A frame length this tracker cannot follow (over 2^53 bytes): it never says `atBoundary` again. */
  lost = false;

  /** Between two frames: a frame of the gateway's own may go in here. */
  get atBoundary(): boolean {
    return !this.lost && this.headerRead === 0 && this.payloadLeft === 0;
  }

  feed(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.lost) {
      if (this.payloadLeft > 0) {
        const skip = Math.min(this.payloadLeft, chunk.length - at);
        this.payloadLeft -= skip;
        at += skip;
        continue;
      }
      this.header[this.headerRead++] = chunk[at++]!;
      if (this.headerRead === 2) this.headerSize = headerSize(this.header[1]!);
      if (this.headerRead === this.headerSize) this.endHeader();
    }
  }

  private endHeader(): void {
    const h = this.header;
    if ((h[0]! & 0x0f) === 0x8) this.closeSeen = true;
    const short = h[1]! & 0x7f;
    let length = short;
    if (short === 126) length = h.readUInt16BE(2);
    else if (short === 127) {
      const big = h.readBigUInt64BE(2);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) this.lost = true;
      length = Number(big);
    }
    this.payloadLeft = length;
    this.headerRead = 0;
    this.headerSize = 2;
  }
}

/** A header's size from its second byte: 2, plus 2 or 8 for an extended length, plus 4 for a mask. */
function headerSize(second: number): number {
  const short = second & 0x7f;
  return 2 + (short === 126 ? 2 : short === 127 ? 8 : 0) + ((second & 0x80) !== 0 ? 4 : 0);
}

/**
 * A close frame with `code` and a UTF-8 `reason` (at most 123 bytes, RFC 6455 5.5): masked towards a server (every
 * frame a client sends is, 5.3), plain towards a client.
 */
export function closeFrame(code: number, reason: string, masked: boolean): Buffer {
  let text = Buffer.from(reason, 'utf8');
  if (text.length > 123) {
    // Cut at 123 bytes, never inside a character (a peer refuses a reason that is not UTF-8): a continuation byte
    // (10xxxxxx) at the cut belongs to a character that started before it.
    let end = 123;
    while (end > 0 && (text[end]! & 0xc0) === 0x80) end--;
    text = text.subarray(0, end);
  }
  const payload = Buffer.alloc(2 + text.length);
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2);
  const head = Buffer.from([0x88, payload.length | (masked ? 0x80 : 0)]);
  if (!masked) return Buffer.concat([head, payload]);
  const mask = randomBytes(4);
  for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
  return Buffer.concat([head, mask, payload]);
}
