import type { TargetState } from '../target-state.js';

/** Picks the next target among the available ones; `avoid` holds the target that already failed this request. */
export interface Balancer {
  pick(now: number, avoid?: TargetState): TargetState | undefined;
}
