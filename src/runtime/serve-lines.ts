import type { StartedGateway } from './start-gateway.js';

/** The line that says the gateway is up: JSON on stdout for machines, or a sentence on stderr for people. */
export function readyLine(
  started: StartedGateway,
  json: boolean,
  /** More fields for the JSON line (gw serve: whether the model came from its start-up cache). */
  extra: Record<string, unknown> = {},
): { stream: 'stdout' | 'stderr'; text: string } {
  const g = started.gateway;
  const mocked = g.services.filter((s) => s.mock).map((s) => s.name);
  if (json) {
    const event = {
      event: 'ready',
      url: started.url,
      admin: started.adminUrl ?? null,
      ...(started.redirectUrl ? { redirect: started.redirectUrl } : {}),
      routes: g.routes.length,
      upstreams: g.upstreams.length,
      mocked,
      ...extra,
    };
    return { stream: 'stdout', text: `${JSON.stringify(event)}\n` };
  }
  const mocks = mocked.length > 0 ? `; mocked from their specs: ${mocked.join(', ')}` : '';
  const admin = started.adminUrl ? `; admin on ${started.adminUrl}` : '';
  const redirect = started.redirectUrl ? `; ${started.redirectUrl} redirects to https` : '';
  return {
    stream: 'stderr',
    text:
      `gw serving "${g.name}" on ${started.url} (${g.routes.length} routes, ${g.upstreams.length} ` +
      `upstreams)${mocks}${redirect}${admin}\n`,
  };
}

/** What is printed once stopped. */
export function stoppedLine(dropped: number): string {
  return dropped > 0 ? `stopped; ${dropped} requests were still running at the deadline\n` : 'stopped\n';
}

/**
 * Resolves on the first SIGINT or SIGTERM. A second signal while the caller drains calls
 * `onSecondSignal` (the entry point decides: exit at once).
 */
export function waitForStopSignal(onSecondSignal: () => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.once('SIGINT', onSecondSignal);
      process.once('SIGTERM', onSecondSignal);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
