import type { RateLimitBucket, RateLimitStore, WindowHit } from './store.js';

export interface MemoryStoreOptions {
  /** Keys a bucket holds at most; at the cap, expired windows go first, then the oldest. */
  maxKeys?: number;
  /** Bytes all buckets together hold at most (MemoryBucket.entryBytes per key); then the same. */
  maxBytes?: number;
  /** How often expired windows are swept (never more often than the shortest window). */
  sweepMs?: number;
}

const DEFAULT_MAX_KEYS = 100_000;
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;
const DEFAULT_SWEEP_MS = 10_000;
/** What a window costs besides its key: the Map entry, the {count, resetAt} object and its number (V8, 64-bit). */
const ENTRY_OVERHEAD_BYTES = 120;

/** The bytes the buckets of one store may hold, and how to free some when a new key does not fit. */
interface ByteBudget {
  used: number;
  readonly max: number;
  makeRoom(now: number, need: number): void;
}

const UNBOUNDED: ByteBudget = { used: 0, max: Infinity, makeRoom: () => undefined };

/**
 * Fixed-window counters in this process: a window starts with a key's first request and lasts
 * windowMs (as in the Redis store, so both count alike). Memory is bounded twice: each bucket
 * holds at most maxKeys windows, and all buckets together at most maxBytes, counted per key from
 * its length (limitKey keeps keys short; a longer one simply costs more). A timer sweeps expired
 * windows. When a new key does not fit, expired windows go first, then the oldest windows of the
 * fullest bucket, a tenth of the bound at a time (a Map keeps insertion order, and a window that
 * restarts is re-inserted, so the first entry is the window that ends soonest).
 */
export class MemoryStore implements RateLimitStore {
  readonly name = 'memory';
  readonly failMode = 'open' as const;
  private readonly buckets = new Map<string, MemoryBucket>();
  private readonly timer: NodeJS.Timeout;
  private readonly budget: ByteBudget;

  constructor(private readonly options: MemoryStoreOptions = {}) {
    this.timer = setInterval(() => this.sweep(Date.now()), options.sweepMs ?? DEFAULT_SWEEP_MS);
    this.timer.unref();
    const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.budget = { used: 0, max, makeRoom: (now, need) => this.makeRoom(now, need) };
  }

  bucket(counter: string, windowMs: number): MemoryBucket {
    const id = `${counter}\n${windowMs}`;
    let b = this.buckets.get(id);
    if (!b) {
      b = new MemoryBucket(windowMs, this.options.maxKeys ?? DEFAULT_MAX_KEYS, this.budget);
      this.buckets.set(id, b);
    }
    return b;
  }

  /** Keys held across buckets (for tests and the memory bound). */
  get size(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += b.windows.size;
    return n;
  }

  /** Bytes held across buckets, as MemoryBucket.entryBytes counts them. */
  get bytes(): number {
    return this.budget.used;
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
    this.budget.used = 0;
  }

  private makeRoom(now: number, need: number): void {
    const b = this.budget;
    this.sweep(now);
    // Still full: free a tenth of the bound at once, so a flood of new keys does not evict on every request.
    const target = Math.max(0, b.max - need - Math.floor(b.max / 10));
    while (b.used > target) {
      let fullest: MemoryBucket | undefined;
      for (const x of this.buckets.values()) if (!fullest || x.bytes > fullest.bytes) fullest = x;
      if (!fullest || fullest.bytes === 0) break;
      fullest.dropOldest(b.used - target);
    }
  }
}

export class MemoryBucket implements RateLimitBucket {
  readonly windows = new Map<string, WindowHit>();
  /** Bytes this bucket's keys cost (entryBytes each). */
  bytes = 0;

  /** What one window costs: its key (two bytes a character at most) and the entry around it. */
  static entryBytes(key: string): number {
    return ENTRY_OVERHEAD_BYTES + 2 * key.length;
  }

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys: number,
    private readonly budget: ByteBudget = UNBOUNDED,
  ) {}

  hit(key: string, now: number): WindowHit {
    let w = this.windows.get(key);
    if (w === undefined || w.resetAt <= now) {
      if (w !== undefined) this.remove(key);
      else if (this.windows.size >= this.maxKeys) this.makeRoom(now);
      const cost = MemoryBucket.entryBytes(key);
      if (this.budget.used + cost > this.budget.max) this.budget.makeRoom(now, cost);
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
      this.bytes += cost;
      this.budget.used += cost;
    }
    w.count++;
    return w;
  }

  /** The key's window if it is running, without counting a request. */
  peek(key: string, now: number): WindowHit | undefined {
    const w = this.windows.get(key);
    return w !== undefined && w.resetAt > now ? w : undefined;
  }

  sweep(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.remove(k);
  }

  /** Drops the oldest windows until `bytes` are freed (or none is left). */
  dropOldest(bytes: number): void {
    let freed = 0;
    for (const k of this.windows.keys()) {
      if (freed >= bytes) break;
      freed += this.remove(k);
    }
  }

  private remove(key: string): number {
    this.windows.delete(key);
    const cost = MemoryBucket.entryBytes(key);
    this.bytes -= cost;
    this.budget.used -= cost;
    return cost;
  }

  private makeRoom(now: number): void {
    this.sweep(now);
    // Still full: drop the oldest tenth at once, so a flood of new keys does not sweep on every request.
    let drop = this.windows.size - this.maxKeys + Math.max(1, Math.floor(this.maxKeys / 10));
    for (const k of this.windows.keys()) {
      if (drop-- <= 0) break;
      this.remove(k);
    }
  }
}
