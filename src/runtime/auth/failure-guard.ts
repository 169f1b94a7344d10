import type { AuthFailureLimit } from '../../model/types.js';
import type { MemoryBucket } from '../rate-limit/memory-store.js';

/**
 * A route's brute-force guard (settings.auth.failureLimit): it counts the wrong credentials each
 * client address sends, in fixed windows that start with its first failure, and once a client
 * has sent `failures` of them its credentials are not checked again until the window ends (the
 * policy answers 429 with Retry-After, whether the next ones are right or wrong). Routes with the
 * same window share one count (a memory-store bucket), so trying other routes does not help.
 * Only wrong credentials count: missing ones, valid ones lacking a scope, and checks the bcrypt
 * pool was too busy for do not.
 */
export class FailureGuard {
  constructor(
    private readonly limit: AuthFailureLimit,
    private readonly bucket: MemoryBucket,
  ) {}

  get failures(): number {
    return this.limit.failures;
  }

  /** Whole seconds until the client may try again; 0 while it may. */
  secondsBlocked(client: string, now: number): number {
    const w = this.bucket.peek(`ip:${client}`, now);
    if (w === undefined || w.count < this.limit.failures) return 0;
    return Math.max(1, Math.ceil((w.resetAt - now) / 1000));
  }

  failed(client: string, now: number): void {
    this.bucket.hit(`ip:${client}`, now);
  }
}
