import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { send } from '../helpers/http.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * Issue 10, item 9: `key: header:X-Session` with 15 KB values. The gateway used to keep every
 * value whole as a counter key (~20 KiB each), so a client making up sessions could fill any
 * heap. Keys are now a fixed size, and the memory store's bound is in bytes: 6,000 such sessions
 * leave a gateway with a 96 MB heap alive and its memory nearly where it was.
 */
let dir: string;
let cleanup: () => Promise<void>;
let echo: EchoUpstream;
let gw: RunningGateway | undefined;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('gw-rl-keys-'));
  echo = await startEcho('svc');
});
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  await echo.close();
  await cleanup();
});

/** A request failed: say what the gateway printed (a heap running out shows there). */
function gatewayDied(err: Error): never {
  throw new Error(`${err.message}; the gateway wrote: ${gw!.output().stderr.slice(0, 400)}`);
}

const SESSIONS = 6_000;
const VALUE_BYTES = 15_000;

describe('issue 10 item 9: rate-limit keys from long header values', () => {
  it('6,000 distinct 15 KB X-Session values neither kill a small heap nor grow the gateway by their size', async () => {
    await writeFiles(dir, {
      'svc.yaml': oas30('Svc', { '/items': { get: { operationId: 'listItems' } } }),
      'gw.yaml':
        'version: 1\nname: t\nservices:\n  - name: svc\n    spec: svc.yaml\n' +
        `    upstreams: ["${echo.url}"]\nsettings:\n` +
        '  rateLimit: { requests: 1000, window: 1h, key: "header:X-Session" }\n',
    });
    gw = await startGwServe(dir, [], undefined, { NODE_OPTIONS: '--max-old-space-size=96' });
    // Warm up, so the baseline includes the gateway's own steady state.
    for (let i = 0; i < 200; i++) await send(gw.url, 'GET', '/items', { 'x-session': `warm-${i}` });
    const before = gw.rss();
    const started = Date.now();
    for (let sent = 0; sent < SESSIONS; sent += 50) {
      const batch = Array.from({ length: 50 }, () =>
        send(gw!.url, 'GET', '/items', { 'x-session': randomBytes(VALUE_BYTES / 2).toString('hex') }),
      );
      const statuses = (await Promise.all(batch).catch(gatewayDied)).map((a) => a.status);
      expect(statuses).toEqual(Array(50).fill(200));
    }
    expect(Date.now() - started).toBeLessThan(60_000);
    // The values add up to 90 MB; kept whole they were ~120 MB of heap. What grows now is the heap's own slack (~25
    // MB).
    const grown = gw.rss() - before;
    expect(grown).toBeLessThan(48 * 1024 * 1024);
    // The same session is still counted as one.
    const again = await send(gw.url, 'GET', '/items', { 'x-session': 's'.repeat(VALUE_BYTES) });
    expect(again.headers['ratelimit-remaining']).toBe('999');
    expect(
      (await send(gw.url, 'GET', '/items', { 'x-session': 's'.repeat(VALUE_BYTES) })).headers['ratelimit-remaining'],
    ).toBe('998');
    expect(gw.child.exitCode).toBe(null);
  });
});
