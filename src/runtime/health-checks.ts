import type { CompiledGateway, UpstreamRuntime } from './compile.js';
import { healthChannel, type HealthEvent } from './events.js';
import type { TargetState } from './target-state.js';

/**
 * Active health checks: every interval, GET the check path on each target of each upstream that
 * has one; a 2xx or 3xx within the timeout is a pass. `healthyThreshold` passes in a row mark a
 * target healthy, `unhealthyThreshold` failures in a row unhealthy. Targets start healthy.
 */
export class HealthChecks {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly streak = new Map<TargetState, number>();
  private readonly probing = new Set<TargetState>();

  constructor(private readonly compiled: CompiledGateway) {}

  start(): void {
    for (const u of this.compiled.upstreams.values()) {
      // A mocked service's upstream is never contacted, not even by probes.
      if (!u.healthCheck || u.mocked) continue;
      for (const t of u.targets) {
        const timer = setInterval(() => void this.check(u, t), u.healthCheck.intervalMs);
        timer.unref();
        this.timers.push(timer);
      }
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
  }

  private async check(u: UpstreamRuntime, t: TargetState): Promise<void> {
    const hc = u.healthCheck!;
    // One probe per target at a time: a slow one is not stacked on.
    if (this.probing.has(t)) return;
    this.probing.add(t);
    const ok = await probe(t, hc.path, hc.timeoutMs);
    this.probing.delete(t);
    // A positive streak counts passes, a negative one failures.
    const prev = this.streak.get(t) ?? 0;
    const streak = ok ? Math.max(prev, 0) + 1 : Math.min(prev, 0) - 1;
    this.streak.set(t, streak);
    const flip = t.healthy ? !ok && -streak >= hc.unhealthyThreshold : ok && streak >= hc.healthyThreshold;
    if (!flip) return;
    t.healthy = !t.healthy;
    if (t.healthy) t.ejectedUntil = 0;
    if (healthChannel.hasSubscribers)
      healthChannel.publish({ upstream: u.id, target: t.url, healthy: t.healthy } satisfies HealthEvent);
  }
}

/** GET the check path; true for a 2xx/3xx answer within the timeout. */
function probe(t: TargetState, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let status = 0;
    t.pool.dispatch(
      {
        method: 'GET',
        path,
        headers: ['host', t.host, 'user-agent', 'gw-health-check'],
        body: null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      },
      {
        onConnect: () => undefined,
        onHeaders: (code) => {
          status = code;
          return true;
        },
        onData: () => true,
        onComplete: () => resolve(status >= 200 && status < 400),
        onError: () => resolve(false),
      },
    );
  });
}
