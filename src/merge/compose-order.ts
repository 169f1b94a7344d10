import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import type { ComposeStep } from '../model/types.js';

/**
 * The steps in an order where each comes after the steps it reads; among steps that are ready
 * at once, the declared order. Steps that read each other in a circle are reported
 * (GW_COMPOSE_CYCLE, naming the circle) and kept at the end in declared order.
 */
export function orderSteps(steps: readonly ComposeStep[], diagnostics: Diagnostic[]): ComposeStep[] {
  const done = new Set<string>();
  const out: ComposeStep[] = [];
  let left = [...steps];
  for (let progress = true; progress && left.length > 0; ) {
    progress = false;
    const ready = left.filter((s) => s.after.every((a) => done.has(a)));
    for (const s of ready) {
      out.push(s);
      done.add(s.name);
      progress = true;
    }
    left = left.filter((s) => !done.has(s.name));
  }
  if (left.length === 0) return out;
  const circle = findCircle(left);
  const first = left.find((s) => s.name === circle[0])!;
  diagnostics.push(
    createDiagnostic('GW_COMPOSE_CYCLE', `compose: steps read each other in a circle: ${circle.join(' -> ')}`, {
      locations: [first.source],
      hints: ['a step can only read the request and steps that do not read it back; remove one of these references'],
    }),
  );
  return [...out, ...left];
}

/** One circle among steps that all wait on each other: names, the first repeated at the end. */
function findCircle(left: readonly ComposeStep[]): string[] {
  const byName = new Map(left.map((s) => [s.name, s]));
  const path: string[] = [];
  let at: ComposeStep | undefined = left[0];
  while (at !== undefined && !path.includes(at.name)) {
    path.push(at.name);
    at = at.after.map((a) => byName.get(a)).find((s) => s !== undefined);
  }
  const start = at === undefined ? 0 : path.indexOf(at.name);
  return [...path.slice(start), path[start]!];
}
