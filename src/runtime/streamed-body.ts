import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/** Who hears about a streamed body going wrong (the request's Forward). */
export interface BodyWatcher {
  /** No bytes came for the body timeout while the upstream was ready for more. */
  bodyStalled(): void;
  /** The body grew past the route's maxBodySize (a chunked body has no declared length). */
  bodyTooLarge(): void;
}

/**
 * A request body on its way upstream: the part read before the connection was taken (`head`),
 * then the rest as the client sends it. It counts the bytes against the route's limit, and times
 * the client: while the upstream wants more, a gap longer than `gapMs` is reported
 * (edge.bodyTimeoutMs). While the upstream takes nothing (backpressure) the clock stops: a slow
 * upstream is not a slow client.
 */
export class StreamedBody extends Readable {
  private size: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly onData = (chunk: Buffer): void => this.pass(chunk);
  private readonly onEnd = (): void => {
    this.disarm();
    this.push(null);
  };
  private readonly onClose = (): void => this.disarm();

  constructor(
    private readonly req: IncomingMessage,
    head: Buffer | undefined,
    private readonly limit: number,
    private readonly gapMs: number,
    private readonly watcher: BodyWatcher,
  ) {
    super();
    this.size = head?.length ?? 0;
    if (head !== undefined) this.push(head);
    // Flowing only when the upstream side asks (_read).
    req.pause();
    req.on('data', this.onData);
    req.once('end', this.onEnd);
    req.once('close', this.onClose);
  }

  override _read(): void {
    if (this.stopped || this.req.readableEnded) return;
    this.arm();
    this.req.resume();
  }

  /** Body bytes the client sent so far, the head included. */
  get received(): number {
    return this.size;
  }

  /** Ends the body early (the exchange failed): no more reads, no more reports. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.disarm();
    this.req.off('data', this.onData);
    this.req.off('end', this.onEnd);
    this.req.off('close', this.onClose);
    this.req.pause();
    this.destroy();
  }

  private pass(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.stop();
      this.watcher.bodyTooLarge();
      return;
    }
    if (this.push(chunk)) this.timer?.refresh();
    else {
      this.req.pause();
      this.disarm();
    }
  }

  private arm(): void {
    if (this.timer) this.timer.refresh();
    else {
      this.timer = setTimeout(() => this.stalled(), this.gapMs);
      this.timer.unref();
    }
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private stalled(): void {
    this.timer = undefined;
    // The upstream side stopped taking (paused, or bytes wait for it): not the client's doing; _read arms again.
    if (this.stopped || this.isPaused() || this.readableLength > 0) return;
    this.stop();
    this.watcher.bodyStalled();
  }
}
