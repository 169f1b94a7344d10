import type { H1Pool } from './h1-pool.js';

/** One upstream target at run time: its connection pool and what the balancers and health checks know of it. */
export interface TargetState {
  url: string;
  /** The Host header for this target: the model's `Target.authority`. */
  host: string;
  weight: number;
  pool: H1Pool;
  /** Requests in flight (least-connections). */
  active: number;
  /** Verdict of active health checks; true when the upstream has none. */
  healthy: boolean;
  /** Passive ejection: not picked before this time (ms since the epoch). */
  ejectedUntil: number;
  /** Consecutive failed requests (connection errors, 5xx), for passive ejection. */
  failures: number;
  /** Smooth weighted round-robin state. */
  currentWeight: number;
}

/** Passive ejection: this many failures in a row take a target out for EJECT_MS (like nginx's max_fails/fail_timeout). */
export const EJECT_AFTER_FAILURES = 3;
export const EJECT_MS = 10_000;

export function isAvailable(t: TargetState, now: number): boolean {
  return t.healthy && t.ejectedUntil <= now;
}

export function recordSuccess(t: TargetState): void {
  t.failures = 0;
}

export function recordFailure(t: TargetState, now: number): void {
  t.failures++;
  if (t.failures >= EJECT_AFTER_FAILURES) {
    t.ejectedUntil = now + EJECT_MS;
    t.failures = 0;
  }
}
