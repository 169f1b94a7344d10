import { Redis } from 'ioredis';
import { rateLimitStoreChannel, type RateLimitStoreEvent } from '../events.js';
import { StoreUnavailableError, type RateLimitBucket, type RateLimitStore, type WindowHit } from './store.js';

/**
 * One atomic step per request: count it, start the window's expiry on its first request, and
 * return the count with the time left. A key found without an expiry (written by something else)
 * gets one, so no counter lives forever.
 */
export const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;

export interface RedisStoreOptions {
  url: string;
  failMode: 'open' | 'closed';
  /** Prefix of every key; the gateway's name keeps two gateways on one Redis apart. */
  keyPrefix: string;
  /** A command that takes longer fails (and the request is let through or refused by failMode). */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
}

type HitClient = Redis & { gwRateHit(key: string, windowMs: number): Promise<[number, number]> };

/**
 * Counters in Redis, shared by every gateway instance pointed at it. Never makes a request wait
 * on Redis being away: no offline queue (a command fails at once while disconnected), a short
 * command timeout, and reconnection in the background. Each outage is announced once ('down'),
 * and its end once ('up'), on the gw:rate-limit-store channel; every failed command as 'error'.
 */
export class RedisStore implements RateLimitStore {
  readonly name: string;
  readonly failMode: 'open' | 'closed';
  private readonly client: HitClient;
  private down = false;
  private closed = false;

  constructor(private readonly options: RedisStoreOptions) {
    this.failMode = options.failMode;
    this.name = describeRedisUrl(options.url);
    this.client = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      enableAutoPipelining: true,
      commandTimeout: options.commandTimeoutMs ?? 500,
      connectTimeout: options.connectTimeoutMs ?? 1_000,
      // Keep trying in the background, at most every second.
      retryStrategy: (attempt) => Math.min(50 * attempt, 1_000),
      lazyConnect: false,
    }) as HitClient;
    this.client.defineCommand('gwRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.client.on('error', (err: Error) => this.failed(err, false));
    this.client.on('ready', () => this.recovered());
    this.client.on('close', () => this.failed(new Error('connection closed'), false));
  }

  bucket(counter: string, windowMs: number): RateLimitBucket {
    const prefix = `${this.options.keyPrefix}${counter}:${windowMs}:`;
    return {
      // Keys are short already: limitKey digests long ones (a header value) to a fixed size.
      hit: (key: string, now: number): Promise<WindowHit> =>
        this.client.gwRateHit(prefix + key, windowMs).then(
          ([count, ttl]) => {
            if (this.down) this.recovered();
            return { count, resetAt: now + Number(ttl) };
          },
          (err: Error) => {
            this.failed(err, true);
            throw new StoreUnavailableError(`rate-limit store ${this.name} failed: ${err.message}`);
          },
        ),
    };
  }

  ready(timeoutMs: number): Promise<boolean> {
    if (this.client.status === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      this.client.on('ready', onReady);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.disconnect(false);
  }

  /** A failed command (counted as a store error), or the connection failing (announced once per outage). */
  private failed(err: Error, command: boolean): void {
    if (this.closed) return;
    if (command) this.publish('error', err.message);
    if (this.down) return;
    this.down = true;
    this.publish('down', err.message);
  }

  private recovered(): void {
    if (!this.down || this.closed) return;
    this.down = false;
    this.publish('up', null);
  }

  private publish(kind: RateLimitStoreEvent['kind'], message: string | null): void {
    if (rateLimitStoreChannel.hasSubscribers)
      rateLimitStoreChannel.publish({
        kind,
        store: this.name,
        failMode: this.failMode,
        message,
      } satisfies RateLimitStoreEvent);
  }
}

/** redis://host:port/db without user name or password, for logs. */
export function describeRedisUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return 'redis';
  }
}
