import { describe, expect, it } from 'vitest';
import { createBalancer } from '../../../src/runtime/balancers/create-balancer.js';
import type { TargetState } from '../../../src/runtime/target-state.js';
import { recordFailure, EJECT_AFTER_FAILURES } from '../../../src/runtime/target-state.js';

function targets(...weights: number[]): TargetState[] {
  return weights.map((weight, i) => ({
    url: `t${i}`,
    host: `t${i}`,
    weight,
    pool: undefined as never,
    active: 0,
    healthy: true,
    ejectedUntil: 0,
    failures: 0,
    currentWeight: 0,
  }));
}

const names = (ts: (TargetState | undefined)[]) => ts.map((t) => t?.url ?? '-').join(' ');

describe('balancers', () => {
  it('round-robin takes each target in turn and skips unavailable ones', () => {
    const ts = targets(1, 1, 1);
    const b = createBalancer('round-robin', ts);
    expect(names([b.pick(0), b.pick(0), b.pick(0), b.pick(0)])).toBe('t0 t1 t2 t0');
    ts[1]!.healthy = false;
    expect(names([b.pick(0), b.pick(0), b.pick(0)])).toBe('t2 t0 t2');
  });

  it('weighted spreads 3:1 smoothly, as nginx does', () => {
    const b = createBalancer('weighted', targets(3, 1));
    expect(names(Array.from({ length: 8 }, () => b.pick(0)))).toBe('t0 t0 t1 t0 t0 t0 t1 t0');
  });

  it('least-connections picks the target with the fewest requests in flight', () => {
    const ts = targets(1, 1, 1);
    ts[0]!.active = 5;
    ts[1]!.active = 1;
    ts[2]!.active = 3;
    expect(createBalancer('least-connections', ts).pick(0)?.url).toBe('t1');
  });

  it('avoids the target that just failed, and answers undefined when nothing is left', () => {
    const ts = targets(1, 1);
    const b = createBalancer('round-robin', ts);
    expect(b.pick(0, ts[0])?.url).toBe('t1');
    ts[1]!.healthy = false;
    expect(b.pick(0, ts[0])).toBeUndefined();
  });

  it('passive ejection after failures in a row, for a while', () => {
    const [t] = targets(1);
    for (let i = 0; i < EJECT_AFTER_FAILURES; i++) recordFailure(t!, 1000);
    const b = createBalancer('round-robin', [t!]);
    expect(b.pick(1000)).toBeUndefined();
    expect(b.pick(1000 + 10_000)).toBe(t);
  });
});
