/**
 * Where fixed-window counters live. A bucket is one counter identity (a route, `service:<name>`
 * or `gateway`) with one window length; `hit` counts one request for a key value and says how
 * many the window has seen, and when it ends. The memory store answers at once; the Redis store
 * answers with a promise, and rejects with StoreUnavailableError when it cannot count.
 */
export interface RateLimitStore {
  /** For logs and metrics: `memory`, or `redis://host:port`. Never carries a password. */
  readonly name: string;
  readonly failMode: 'open' | 'closed';
  bucket(counter: string, windowMs: number): RateLimitBucket;
  /** Resolves once the store can count (Redis connected), or after `timeoutMs`; never rejects. */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface RateLimitBucket {
  hit(key: string, now: number): WindowHit | Promise<WindowHit>;
}

/**
 * The window's count after this request, and when (epoch ms) the window ends. Read at once: the memory store reuses
 * it.
 */
export interface WindowHit {
  count: number;
  resetAt: number;
}

export class StoreUnavailableError extends Error {
  readonly code = 'GW_RATE_LIMIT_STORE_DOWN';
}
