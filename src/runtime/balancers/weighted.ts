import { isAvailable, type TargetState } from '../target-state.js';
import type { Balancer } from './balancer.js';

/**
 * Smooth weighted round-robin (the algorithm nginx uses): every pick adds each target's weight to
 * its running score, takes the highest and subtracts the total. Weights 3:1 give a a b a a a b a,
 * spread evenly rather than in bursts.
 */
export class Weighted implements Balancer {
  constructor(private readonly targets: readonly TargetState[]) {}

  pick(now: number, avoid?: TargetState): TargetState | undefined {
    let best: TargetState | undefined;
    let total = 0;
    for (const t of this.targets) {
      if (t === avoid || !isAvailable(t, now)) continue;
      t.currentWeight += t.weight;
      total += t.weight;
      if (!best || t.currentWeight > best.currentWeight) best = t;
    }
    if (best) best.currentWeight -= total;
    return best;
  }
}
