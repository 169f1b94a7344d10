import { isAvailable, type TargetState } from '../target-state.js';
import type { Balancer } from './balancer.js';

/** The available target with the fewest requests in flight (per weight); ties go round-robin. */
export class LeastConnections implements Balancer {
  private next = 0;
  constructor(private readonly targets: readonly TargetState[]) {}

  pick(now: number, avoid?: TargetState): TargetState | undefined {
    const n = this.targets.length;
    let best: TargetState | undefined;
    for (let k = 0; k < n; k++) {
      const t = this.targets[(this.next + k) % n]!;
      if (t === avoid || !isAvailable(t, now)) continue;
      if (!best || t.active / t.weight < best.active / best.weight) best = t;
    }
    this.next = (this.next + 1) % Math.max(n, 1);
    return best;
  }
}
