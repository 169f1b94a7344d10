import type { Balancing } from '../../model/types.js';
import type { TargetState } from '../target-state.js';
import type { Balancer } from './balancer.js';
import { LeastConnections } from './least-connections.js';
import { RoundRobin } from './round-robin.js';
import { Weighted } from './weighted.js';

/** The model's balancing method -> its strategy: one small class each. */
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
