import type { RateLimitBucket, RateLimitStore, WindowHit } from './store.js';

export interface MemoryStoreOptions {
  /** Keys a bucket holds at most; at the cap, expired windows go first, then the oldest. */
  maxKeys?: number;
  /** How often expired windows are swept (never more often than the shortest window). */
  sweepMs?: number;
}

const DEFAULT_MAX_KEYS = 100_000;
const DEFAULT_SWEEP_MS = 10_000;

/**
 * Fixed-window counters in this process: a window starts with a key's first request and lasts
 * windowMs (as in the Redis store, so both count alike). Memory is bounded: a timer sweeps
 * expired windows, and a bucket at its cap drops expired windows, then the oldest ones (a Map
 * keeps insertion order, and a window that restarts is re-inserted, so the first entry is the
 * window that ends soonest).
 */
export class MemoryStore implements RateLimitStore {
  readonly name = 'memory';
  readonly failMode = 'open' as const;
  private readonly buckets = new Map<string, MemoryBucket>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: MemoryStoreOptions = {}) {
    this.timer = setInterval(() => this.sweep(Date.now()), options.sweepMs ?? DEFAULT_SWEEP_MS);
    this.timer.unref();
  }

  bucket(counter: string, windowMs: number): RateLimitBucket {
    const id = `${counter}\n${windowMs}`;
    let b = this.buckets.get(id);
    if (!b) this.buckets.set(id, (b = new MemoryBucket(windowMs, this.options.maxKeys ?? DEFAULT_MAX_KEYS)));
    return b;
  }

  /** Keys held across buckets (for tests and the memory bound). */
  get size(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += b.windows.size;
    return n;
  }

  sweep(now: number): void {
    for (const b of this.buckets.values()) b.sweep(now);
  }

  ready(): Promise<boolean> {
    return Promise.resolve(true);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.buckets.clear();
  }
}

export class MemoryBucket implements RateLimitBucket {
  readonly windows = new Map<string, WindowHit>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  hit(key: string, now: number): WindowHit {
    let w = this.windows.get(key);
    if (w === undefined || w.resetAt <= now) {
      if (w !== undefined) this.windows.delete(key);
      else if (this.windows.size >= this.maxKeys) this.makeRoom(now);
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return w;
  }

  sweep(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }

  private makeRoom(now: number): void {
    this.sweep(now);
    // Still full: drop the oldest tenth at once, so a flood of new keys does not sweep on every request.
    let drop = this.windows.size - this.maxKeys + Math.max(1, Math.floor(this.maxKeys / 10));
    for (const k of this.windows.keys()) {
      if (drop-- <= 0) break;
      this.windows.delete(k);
    }
  }
}
