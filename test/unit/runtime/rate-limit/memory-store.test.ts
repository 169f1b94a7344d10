import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBucket, MemoryStore } from '../../../../src/runtime/rate-limit/memory-store.js';

const stores: MemoryStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
function store(options = {}): MemoryStore {
  const s = new MemoryStore(options);
  stores.push(s);
  return s;
}

describe("MemoryBucket: fixed windows that start with a key's first request", () => {
  const cases: { name: string; hits: [key: string, at: number][]; want: { count: number; resetAt: number }[] }[] = [
    {
      name: 'counts within the window',
      hits: [
        ['a', 0],
        ['a', 10],
        ['a', 999],
      ],
      want: [
        { count: 1, resetAt: 1000 },
        { count: 2, resetAt: 1000 },
        { count: 3, resetAt: 1000 },
      ],
    },
    {
      name: 'a new window starts once the old one ended',
      hits: [
        ['a', 0],
        ['a', 1000],
        ['a', 1500],
      ],
      want: [
        { count: 1, resetAt: 1000 },
        { count: 1, resetAt: 2000 },
        { count: 2, resetAt: 2000 },
      ],
    },
    {
      name: 'keys count apart',
      hits: [
        ['a', 0],
        ['b', 5],
        ['a', 6],
      ],
      want: [
        { count: 1, resetAt: 1000 },
        { count: 1, resetAt: 1005 },
        { count: 2, resetAt: 1000 },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const b = new MemoryBucket(1000, 100);
      expect(c.hits.map(([k, t]) => ({ ...b.hit(k, t) }))).toEqual(c.want);
    });
  }
});

describe('MemoryStore: bounded memory', () => {
  it('sweeps expired windows', () => {
    const s = store();
    const b = s.bucket('r', 100) as MemoryBucket;
    for (let i = 0; i < 50; i++) b.hit(`k${i}`, i);
    expect(s.size).toBe(50);
    s.sweep(120);
    expect(s.size).toBe(29);
    s.sweep(1_000);
    expect(s.size).toBe(0);
  });
  it('never holds more keys than the cap: expired windows go first, then the oldest', () => {
    const s = store({ maxKeys: 100 });
    const b = s.bucket('r', 60_000) as MemoryBucket;
    for (let i = 0; i < 10_000; i++) b.hit(`client-${i}`, i);
    expect(s.size).toBeLessThanOrEqual(100);
    // The newest key is still counted.
    expect(b.hit('client-9999', 10_000).count).toBe(2);
  });
  it('gives one bucket per counter and window, shared by routes with the same counter', () => {
    const s = store();
    expect(s.bucket('service:users', 1000)).toBe(s.bucket('service:users', 1000));
    expect(s.bucket('service:users', 1000)).not.toBe(s.bucket('service:users', 2000));
    expect(s.bucket('gateway', 1000)).not.toBe(s.bucket('service:users', 1000));
  });
  it('issue 10 item 9: holds at most maxBytes of keys, across all its buckets, however long the keys are', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const maxBytes = 1024 * 1024;
    const s = store({ maxBytes });
    const buckets = [s.bucket('a', 60_000), s.bucket('b', 60_000)] as MemoryBucket[];
    gc();
    const before = process.memoryUsage().heapUsed;
    // 3,000 distinct 15 KB keys (45 MB of text), as `key: header:X-Session` with 15 KB values would give.
    for (let i = 0; i < 3_000; i++) buckets[i % 2]!.hit(randomBytes(7_500).toString('hex'), i);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(4 * maxBytes);
    expect(s.bytes).toBeLessThanOrEqual(maxBytes);
    // The newest key is still counted.
    const last = 'k'.repeat(15_000);
    buckets[0]!.hit(last, 3_000);
    expect(buckets[0]!.hit(last, 3_001).count).toBe(2);
  });
  it('counts the bytes of what it holds, and frees them as windows expire', () => {
    const s = store({ maxBytes: 1024 * 1024 });
    const b = s.bucket('r', 100) as MemoryBucket;
    b.hit('a'.repeat(1_000), 0);
    b.hit('b', 0);
    expect(s.bytes).toBe(MemoryBucket.entryBytes('a'.repeat(1_000)) + MemoryBucket.entryBytes('b'));
    s.sweep(100);
    expect(s.bytes).toBe(0);
  });
});
