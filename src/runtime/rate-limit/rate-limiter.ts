import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RateLimit } from '../../model/types.js';
import type { RateLimitBucket, RateLimitStore, WindowHit } from './store.js';

/** A route's limit, ready for the request path: the bucket is looked up once, at start-up. */
export interface CompiledRateLimit {
  requests: number;
  /** String(requests), for the RateLimit-Limit header. */
  limitText: string;
  keyKind: 'ip' | 'consumer' | 'header';
  /** Lower-case header name for `header:NAME` keys. */
  headerName: string | null;
  bucket: RateLimitBucket;
  failMode: 'open' | 'closed';
}

/**
 * What the limiter decided. `allowed` and `limited` carry the RateLimit-* headers (IETF draft
 * "RateLimit header fields for HTTP": Limit, Remaining, Reset in seconds) as a flat list;
 * `limited` adds Retry-After. When the store cannot count: `unchecked` (fail open, no headers)
 * or `unavailable` (fail closed).
 */
export type LimitOutcome =
  | { kind: 'allowed'; headers: string[] }
  | { kind: 'limited'; headers: string[]; retryAfterSeconds: number }
  | { kind: 'unchecked' }
  | { kind: 'unavailable' };

const UNCHECKED: LimitOutcome = { kind: 'unchecked' };
const UNAVAILABLE: LimitOutcome = { kind: 'unavailable' };

export function compileRateLimit(limit: RateLimit, store: RateLimitStore): CompiledRateLimit {
  return {
    requests: limit.requests,
    limitText: String(limit.requests),
    keyKind: limit.key.kind,
    headerName: limit.key.kind === 'header' ? limit.key.name.toLowerCase() : null,
    bucket: store.bucket(limit.counter, limit.windowMs),
    failMode: store.failMode,
  };
}

/** Keys up to this many characters are kept as they are (readable in Redis); longer ones are digested. */
export const MAX_READABLE_KEY = 64;

/**
 * Who is counted. `ip` is the client's address (the TCP peer's, or the one trusted proxies
 * forwarded); `consumer` the authenticated caller's name, and the address when there is none (a
 * public route); `header:NAME` the header's value, and the
 * address when the request lacks it, so leaving the header out does not escape the limit.
 * The prefixes keep a header value from posing as an address. A key is at most
 * MAX_READABLE_KEY characters: a longer one (a 15 KB header value) becomes `#` and the SHA-256 of
 * it in base64url, which no readable key can equal (those start with a prefix), so a counter
 * costs the same small, fixed memory whatever clients send.
 */
export function limitKey(
  limit: CompiledRateLimit,
  req: IncomingMessage,
  consumer: string | undefined,
  client = req.socket.remoteAddress ?? '',
): string {
  if (limit.keyKind === 'consumer' && consumer !== undefined) return boundedKey(`c:${consumer}`);
  if (limit.keyKind === 'header') {
    const name = limit.headerName!;
    const raw = req.rawHeaders;
    let value: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name)
        value = value === undefined ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
    }
    if (value !== undefined) return boundedKey(`h:${value}`);
  }
  return `ip:${client}`;
}

function boundedKey(key: string): string {
  return key.length <= MAX_READABLE_KEY ? key : `#${createHash('sha256').update(key).digest('base64url')}`;
}

/** Counts the request; synchronous with the memory store, a promise with Redis (which never rejects). */
export function checkRateLimit(
  limit: CompiledRateLimit,
  key: string,
  now: number,
): LimitOutcome | Promise<LimitOutcome> {
  let hit: WindowHit | Promise<WindowHit>;
  try {
    hit = limit.bucket.hit(key, now);
  } catch {
    return limit.failMode === 'open' ? UNCHECKED : UNAVAILABLE;
  }
  if (hit instanceof Promise) {
    return hit.then(
      (h) => outcome(limit, h, Date.now()),
      () => (limit.failMode === 'open' ? UNCHECKED : UNAVAILABLE),
    );
  }
  return outcome(limit, hit, now);
}

function outcome(limit: CompiledRateLimit, hit: WindowHit, now: number): LimitOutcome {
  const reset = Math.max(1, Math.ceil((hit.resetAt - now) / 1000));
  const remaining = hit.count >= limit.requests ? 0 : limit.requests - hit.count;
  const headers = [
    'RateLimit-Limit',
    limit.limitText,
    'RateLimit-Remaining',
    String(remaining),
    'RateLimit-Reset',
    String(reset),
  ];
  if (hit.count <= limit.requests) return { kind: 'allowed', headers };
  headers.push('Retry-After', String(reset));
  return { kind: 'limited', headers, retryAfterSeconds: reset };
}
