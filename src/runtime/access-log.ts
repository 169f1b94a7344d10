import diagnosticsChannel from 'node:diagnostics_channel';
import type { RequestEvent } from './events.js';

export type LogFormat = 'pretty' | 'json' | 'off';

/** Writes one line per finished request: JSON lines, or a readable line (coloured on a terminal). Returns the unsubscribe. */
export function subscribeAccessLog(format: LogFormat, write: (line: string) => void, color = false): () => void {
  if (format === 'off') return () => undefined;
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const listener = (message: unknown) => {
    const e = message as RequestEvent;
    if (format === 'json') {
      write(
        `${JSON.stringify({
          ...e,
          time: new Date(e.time).toISOString(),
          durationMs: Math.round(e.durationMs * 1000) / 1000,
        })}\n`,
      );
      return;
    }
    const status = paint(e.status >= 500 ? 31 : e.status >= 400 ? 33 : 32, String(e.status));
    const where = e.route ? `${e.route} -> ${e.target ?? e.code ?? '-'}` : (e.code ?? '-');
    const consumer = e.consumer !== null ? `consumer=${e.consumer} ` : '';
    const head = `${new Date(e.time).toISOString()} ${status} ${e.method} ${e.path} ${paint(2, where)}`;
    const tail = `${e.durationMs.toFixed(1)}ms ${e.bytesOut}B ${consumer}${paint(2, `${e.client} ${e.requestId}`)}`;
    write(`${head} ${tail}\n`);
  };
  diagnosticsChannel.subscribe('gw:request', listener);
  return () => diagnosticsChannel.unsubscribe('gw:request', listener);
}
