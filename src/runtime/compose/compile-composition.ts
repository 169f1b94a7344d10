import type { Composition, RuntimeGateway } from '../../model/types.js';
import { compileStep, type CompiledStep } from './step-request.js';

/** A composite route's plan, compiled once: its steps with their requests' shapes, its path parameters by name. */
export interface CompiledComposition {
  plan: Composition;
  steps: ReadonlyMap<string, CompiledStep>;
  params: ReadonlyMap<string, number>;
}

export function compileComposition(
  route: RuntimeGateway['routes'][number],
  gateway: RuntimeGateway,
): CompiledComposition {
  const plan = route.compose!;
  const byId = new Map(gateway.routes.map((r) => [r.id, r]));
  return {
    plan,
    steps: new Map(plan.steps.map((s) => [s.name, compileStep(s, byId.get(s.route)!)])),
    params: new Map(route.params.map((p, i) => [p.name, i])),
  };
}
