import type { Balancing } from '../../model/types.js';
import type { TargetState } from '../target-state.js';
import { LeastConnections } from './least-connections.js';
import { RoundRobin } from './round-robin.js';
import { Weighted } from './weighted.js';

/** Picks the next target among the available ones; `avoid` holds targets that already failed this request. */
export interface Balancer {
  pick(now: number, avoid?: TargetState): TargetState | undefined;
}

export function createBalancer(kind: Balancing, targets: readonly TargetState[]): Balancer {
  switch (kind) {
    case 'weighted':
      return new Weighted(targets);
    case 'least-connections':
      return new LeastConnections(targets);
    default:
      return new RoundRobin(targets);
  }
}
