import { isAvailable, type TargetState } from '../target-state.js';
import type { Balancer } from './balancer.js';

/** Each available target in turn. */
export class RoundRobin implements Balancer {
  private next = 0;
  constructor(private readonly targets: readonly TargetState[]) {}

  pick(now: number, avoid?: TargetState): TargetState | undefined {
    const n = this.targets.length;
    for (let k = 0; k < n; k++) {
      const t = this.targets[(this.next + k) % n]!;
      if (t !== avoid && isAvailable(t, now)) {
        this.next = (this.next + k + 1) % n;
        return t;
      }
    }
    return undefined;
  }
}
