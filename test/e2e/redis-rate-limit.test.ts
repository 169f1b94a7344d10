import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { send } from '../helpers/http.js';
import { findRedisServer, startRedis, type RunningRedis } from '../helpers/redis.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * Rate limits shared through a real redis-server (Debian's package; .ci/run installs it): two
 * `gw serve` processes enforce ONE limit, and a Redis that goes away mid-run is handled as
 * failMode says, without a crash, a hang, or more than one warning per outage.
 */
const LIMIT = 20;
const missing = !findRedisServer();
if (missing && process.env.CI === 'true')
  throw new Error(
    'redis-server is not installed, and CI=true: install it (apt-get install -y redis-server; .ci/run does)',
  );

const toStop: { stop(): Promise<unknown> }[] = [];
let echo: EchoUpstream;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  if (missing) return;
  echo = await startEcho('stock');
});
afterAll(async () => {
  await Promise.all(toStop.splice(0).map((p) => p.stop()));
  await echo?.close();
  for (const c of cleanups) await c();
});

/**
 * A project whose one route allows LIMIT requests per hour per client address (or `key`), counted in the Redis that
 * GW_REDIS_URL names.
 */
async function project(failMode: 'open' | 'closed', key = 'ip'): Promise<string> {
  const t = await tempDir(`gw-redis-${failMode}-`);
  cleanups.push(t.cleanup);
  await writeFiles(t.dir, {
    'stock.yaml': oas30('Stock', { '/stock': { get: { operationId: 'getStock' } } }),
    'gw.yaml': `version: 1
name: shared-limit
rateLimitStore:
  redis: { env: GW_REDIS_URL }
  failMode: ${failMode}
services:
  - name: stock
    spec: stock.yaml
    upstreams: ["${echo.url}"]
    operations:
      getStock:
        rateLimit: { requests: ${LIMIT}, window: 1h, key: "${key}" }
`,
  });
  return t.dir;
}

async function serve(dir: string, redis: RunningRedis): Promise<RunningGateway> {
  const gw = await startGwServe(dir, [], 20_000, { GW_REDIS_URL: redis.url });
  toStop.push(gw);
  return gw;
}

async function redisServer(): Promise<RunningRedis> {
  const r = await startRedis();
  toStop.push(r);
  return r;
}

/** JSON lines a gw serve process wrote about its rate-limit store. */
function storeEvents(gw: RunningGateway): { event: string; store: string; failMode: string }[] {
  return gw
    .output()
    .stdout.split('\n')
    .filter((l) => l.includes('"event":"rate-limit-store-'))
    .map((l) => JSON.parse(l) as { event: string; store: string; failMode: string });
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(missing)('rate limits in a real redis-server', () => {
  it(`two gw serve instances enforce ONE limit: ${LIMIT} of ${LIMIT}+10 concurrent requests to both pass`, async () => {
    const redis = await redisServer();
    const dir = await project('closed');
    const [a, b] = await Promise.all([serve(dir, redis), serve(dir, redis)]);
    const answers = await Promise.all(
      Array.from({ length: LIMIT + 10 }, (_, i) => send(i % 2 ? a!.url : b!.url, 'GET', '/stock')),
    );
    const statuses = answers.map((x) => x.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    // (Each instance got 15: with counters of their own, all 30 would pass.)
    // Every allowed answer saw a different count: remaining values 0..LIMIT-1, each once.
    const remaining = answers.filter((x) => x.status === 200).map((x) => Number(x.headers['ratelimit-remaining']));
    expect(remaining.sort((x, y) => x - y)).toEqual(Array.from({ length: LIMIT }, (_, i) => i));
    for (const x of answers.filter((y) => y.status === 429)) {
      expect(Number(x.headers['retry-after'])).toBeGreaterThan(3500);
      expect(JSON.parse(x.body)).toMatchObject({ code: 'GW_HTTP_TOO_MANY_REQUESTS' });
    }
    // One key in Redis, with the window's expiry set.
    const client = new Redis(redis.url, { lazyConnect: true });
    await client.connect();
    const keys = await client.keys('gw:rl:shared-limit:*');
    expect(keys).toEqual(['gw:rl:shared-limit:stock.getStock:3600000:ip:127.0.0.1']);
    expect(await client.pttl(keys[0]!)).toBeGreaterThan(3_500_000);
    client.disconnect();
  });

  it('issue 10 item 9: a long header value is keyed by its SHA-256 in Redis; short ones stay readable', async () => {
    const redis = await redisServer();
    const gw = await serve(await project('closed', 'header:X-Session'), redis);
    const [huge, long] = ['s'.repeat(15_000), 'l'.repeat(100)];
    for (const value of [huge, huge, long, 'abc']) await send(gw.url, 'GET', '/stock', { 'x-session': value });
    expect((await send(gw.url, 'GET', '/stock', { 'x-session': huge })).headers['ratelimit-remaining']).toBe(
      String(LIMIT - 3),
    );
    const client = new Redis(redis.url, { lazyConnect: true });
    await client.connect();
    const prefix = 'gw:rl:shared-limit:stock.getStock:3600000:';
    const digest = (v: string) => `${prefix}#${createHash('sha256').update(`h:${v}`).digest('base64url')}`;
    expect((await client.keys('gw:rl:shared-limit:*')).sort()).toEqual(
      [digest(huge), digest(long), `${prefix}h:abc`].sort(),
    );
    client.disconnect();
  });

  it('Redis down mid-run, failMode open: no limit, one warning line, limits again once Redis is back', async () => {
    const redis = await redisServer();
    const gw = await serve(await project('open'), redis);
    expect((await send(gw.url, 'GET', '/stock')).headers['ratelimit-remaining']).toBe(String(LIMIT - 1));
    await redis.stop();
    const during = await Promise.all(Array.from({ length: LIMIT + 5 }, () => send(gw.url, 'GET', '/stock')));
    expect(during.map((x) => x.status)).toEqual(Array(LIMIT + 5).fill(200));
    expect(during.every((x) => x.headers['ratelimit-limit'] === undefined)).toBe(true);
    await until(() => storeEvents(gw).length > 0);
    expect(storeEvents(gw)).toEqual([
      {
        time: expect.any(String),
        level: 'warn',
        event: 'rate-limit-store-down',
        store: redis.url,
        failMode: 'open',
        message: expect.any(String),
      },
    ]);
    // Back on the same port: the gateway reconnects by itself and counts again (a fresh Redis: the count restarts).
    const again = await startRedis(redis.port);
    toStop.push(again);
    await until(() => storeEvents(gw).some((e) => e.event === 'rate-limit-store-up'), 10_000);
    expect((await send(gw.url, 'GET', '/stock')).headers['ratelimit-remaining']).toBe(String(LIMIT - 1));
    expect(storeEvents(gw).map((e) => e.event)).toEqual(['rate-limit-store-down', 'rate-limit-store-up']);
    expect(gw.child.exitCode).toBeNull();
  });

  it('Redis stopped mid-run, failMode closed: 503 at once, never a hang, no crash, one warning line', async () => {
    const redis = await redisServer();
    const gw = await serve(await project('closed'), redis);
    expect((await send(gw.url, 'GET', '/stock')).status).toBe(200);
    // Frozen: the connection stays up but nothing answers; the command timeout refuses in well under a second or two.
    redis.freeze();
    const started = Date.now();
    const frozen = await send(gw.url, 'GET', '/stock');
    expect(frozen.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2_000);
    redis.thaw();
    await redis.stop();
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(gw.url, 'GET', '/stock')));
    for (const x of answers) {
      expect(x.status).toBe(503);
      expect(x.headers['retry-after']).toBe('1');
      expect(JSON.parse(x.body)).toMatchObject({ code: 'GW_HTTP_RATE_LIMIT_UNAVAILABLE', status: 503 });
    }
    await until(() => storeEvents(gw).length > 0);
    expect(storeEvents(gw).filter((e) => e.event === 'rate-limit-store-down')).toHaveLength(1);
    const logged = gw
      .output()
      .stdout.split('\n')
      .filter((l) => l.includes('"code":"GW_HTTP_RATE_LIMIT_UNAVAILABLE"'));
    expect(logged.length).toBeGreaterThanOrEqual(10);
    expect(gw.child.exitCode).toBeNull();
    expect(await gw.stop()).toBe(0);
  });

  it('an unset GW_REDIS_URL stops the start with GW_RATE_LIMIT_STORE_URL', async () => {
    const dir = await project('open');
    const failed = await startGwServe(dir, [], 10_000, { GW_REDIS_URL: '' }).then(
      () => '',
      (err: Error) => err.message,
    );
    expect(failed).toMatch(/exited with 1/);
    expect(failed).toContain('"code": "GW_RATE_LIMIT_STORE_URL"');
    expect(failed).toContain('rateLimitStore.redis.env names GW_REDIS_URL, which is not set');
  });
});
