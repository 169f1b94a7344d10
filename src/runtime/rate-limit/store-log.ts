import diagnosticsChannel from 'node:diagnostics_channel';
import type { LogFormat } from '../access-log.js';
import type { RateLimitStoreEvent } from '../events.js';

/**
 * One warning line when the rate-limit store becomes unreachable and one when it is back (not one
 * per request): a JSON object on the log stream with JSON logs, else a sentence on stderr, which
 * `--log-format off` does not silence. Returns the unsubscribe.
 */
export function subscribeRateLimitStoreLog(
  format: LogFormat,
  writeLog: (line: string) => void,
  writeWarning: (line: string) => void,
): () => void {
  const listener = (message: unknown) => {
    const e = message as RateLimitStoreEvent;
    if (e.kind === 'error') return;
    const effect = e.failMode === 'open' ? 'requests pass without a rate limit' : 'rate-limited routes answer 503';
    if (format === 'json') {
      const event = e.kind === 'down' ? 'rate-limit-store-down' : 'rate-limit-store-up';
      writeLog(
        `${JSON.stringify({
          time: new Date().toISOString(),
          level: e.kind === 'down' ? 'warn' : 'info',
          event,
          store: e.store,
          failMode: e.failMode,
          message: e.message,
        })}\n`,
      );
      return;
    }
    writeWarning(
      e.kind === 'down'
        ? `warning: rate-limit store ${e.store} is unreachable (${e.message ?? 'unknown error'}); failing ` +
            `${e.failMode}: ${effect} until it is back\n`
        : `rate-limit store ${e.store} is reachable again; limits apply\n`,
    );
  };
  diagnosticsChannel.subscribe('gw:rate-limit-store', listener);
  return () => diagnosticsChannel.unsubscribe('gw:rate-limit-store', listener);
}
