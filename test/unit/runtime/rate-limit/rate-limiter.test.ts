import type { IncomingMessage } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import type { RateLimit } from '../../../../src/model/types.js';
import { MemoryStore } from '../../../../src/runtime/rate-limit/memory-store.js';
import {
  checkRateLimit,
  compileRateLimit,
  limitKey,
  type LimitOutcome,
} from '../../../../src/runtime/rate-limit/rate-limiter.js';
import { StoreUnavailableError, type RateLimitStore } from '../../../../src/runtime/rate-limit/store.js';

const memory = new MemoryStore();
afterAll(() => memory.close());

function limit(over: Partial<RateLimit> = {}, store: RateLimitStore = memory) {
  return compileRateLimit(
    {
      requests: 2,
      windowMs: 10_000,
      key: { kind: 'ip' },
      counter: `r${Math.random()}`,
      keys: 1,
      zoneBytes: 32_768,
      ...over,
    },
    store,
  );
}

function request(rawHeaders: string[], remoteAddress = '203.0.113.7'): IncomingMessage {
  return { rawHeaders, socket: { remoteAddress } } as unknown as IncomingMessage;
}

describe('limitKey: who is counted', () => {
  const cases: { name: string; key: RateLimit['key']; headers?: string[]; consumer?: string; want: string }[] = [
    {
      name: 'ip: the TCP peer',
      key: { kind: 'ip' },
      headers: ['X-Forwarded-For', '198.51.100.1'],
      want: 'ip:203.0.113.7',
    },
    { name: 'consumer: the authenticated caller', key: { kind: 'consumer' }, consumer: 'ada', want: 'c:ada' },
    { name: 'consumer: the address on a public route', key: { kind: 'consumer' }, want: 'ip:203.0.113.7' },
    {
      name: 'header: its value, name case-insensitive',
      key: { kind: 'header', name: 'x-tenant' },
      headers: ['X-Tenant', 'acme'],
      want: 'h:acme',
    },
    {
      name: 'header: repeated values joined',
      key: { kind: 'header', name: 'x-tenant' },
      headers: ['x-tenant', 'a', 'X-TENANT', 'b'],
      want: 'h:a, b',
    },
    {
      name: 'header: the address when the header is missing',
      key: { kind: 'header', name: 'x-tenant' },
      headers: ['Host', 'x'],
      want: 'ip:203.0.113.7',
    },
    {
      name: 'header: a value that looks like an address is not one',
      key: { kind: 'header', name: 'x-tenant' },
      headers: ['x-tenant', 'ip:203.0.113.7'],
      want: 'h:ip:203.0.113.7',
    },
  ];
  for (const c of cases)
    it(c.name, () => expect(limitKey(limit({ key: c.key }), request(c.headers ?? []), c.consumer)).toBe(c.want));
  it('issue 10 item 9: a long value is counted under a fixed-size digest of it, never kept whole', () => {
    const l = limit({ key: { kind: 'header', name: 'x-session' } });
    const value = 'v'.repeat(15_000);
    const key = limitKey(l, request(['X-Session', value]), undefined);
    expect(key).toMatch(/^#[A-Za-z0-9_-]{43}$/);
    expect(limitKey(l, request(['X-Session', value]), undefined)).toBe(key);
    expect(limitKey(l, request(['X-Session', `${value}w`]), undefined)).not.toBe(key);
  });
  it('keeps keys up to 64 characters readable, and no readable key can pose as a digest', () => {
    const l = limit({ key: { kind: 'header', name: 'x-session' } });
    expect(limitKey(l, request(['X-Session', 's'.repeat(62)]), undefined)).toBe(`h:${'s'.repeat(62)}`);
    expect(limitKey(l, request(['X-Session', 's'.repeat(63)]), undefined)).toMatch(/^#/);
    expect(limitKey(limit({ key: { kind: 'consumer' } }), request([]), 'c'.repeat(100))).toMatch(/^#/);
  });
});

describe('checkRateLimit: the answer and its headers', () => {
  it('allows N per window with RateLimit-* headers, then 429 with Retry-After', () => {
    const l = limit({ requests: 2, windowMs: 10_000 });
    const got = [0, 1, 2, 3].map((i) => checkRateLimit(l, 'k', 1_000 + i * 100) as LimitOutcome);
    expect(got).toEqual([
      { kind: 'allowed', headers: ['RateLimit-Limit', '2', 'RateLimit-Remaining', '1', 'RateLimit-Reset', '10'] },
      { kind: 'allowed', headers: ['RateLimit-Limit', '2', 'RateLimit-Remaining', '0', 'RateLimit-Reset', '10'] },
      {
        kind: 'limited',
        retryAfterSeconds: 10,
        headers: ['RateLimit-Limit', '2', 'RateLimit-Remaining', '0', 'RateLimit-Reset', '10', 'Retry-After', '10'],
      },
      {
        kind: 'limited',
        retryAfterSeconds: 10,
        headers: ['RateLimit-Limit', '2', 'RateLimit-Remaining', '0', 'RateLimit-Reset', '10', 'Retry-After', '10'],
      },
    ]);
  });
  it('rounds the reset up to whole seconds, never 0', () => {
    const l = limit({ requests: 1, windowMs: 1_500 });
    checkRateLimit(l, 'k', 0);
    expect(checkRateLimit(l, 'k', 1_499)).toMatchObject({ kind: 'limited', retryAfterSeconds: 1 });
  });
  const failing: RateLimitStore = {
    name: 'redis://down:6379',
    failMode: 'open',
    bucket: () => ({ hit: () => Promise.reject(new StoreUnavailableError('down')) }),
    ready: async () => false,
    close: async () => undefined,
  };
  it('fails open: the request passes unchecked', async () => {
    expect(await checkRateLimit(limit({}, failing), 'k', 0)).toEqual({ kind: 'unchecked' });
  });
  it('fails closed: the store is unavailable', async () => {
    expect(await checkRateLimit(limit({}, { ...failing, failMode: 'closed' }), 'k', 0)).toEqual({
      kind: 'unavailable',
    });
  });
});
