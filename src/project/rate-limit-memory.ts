import type { RateLimitKey } from '../model/types.js';

/** Keys a rate limit expects to count at once when gw.yaml does not say (`rateLimit.keys`). */
export const DEFAULT_RATE_LIMIT_KEYS = 10_000;

const PAGE = 4096;
/** nginx's slab allocator keeps a 24-byte descriptor beside every page it hands out. */
const PAGE_DESCRIPTOR = 24;
/** The zone's own pages: the slab pool header, the limit_req tree and queue, and partly used pages. */
const ZONE_PAGES = 4;
/** nginx refuses a zone smaller than 8 pages. */
const MIN_ZONE = 8 * PAGE;

/**
 * The bytes of an nginx limit_req zone that keeps the counts of `keys` keys. A count is 80 bytes
 * (the tree node, queue links, last request time and excess) plus the key, in a slot of the next
 * power of two: 128 bytes for an address (4 or 16 bytes, with a counter's prefix), 256 for a
 * consumer's digest (46 bytes and the prefix) or a header's value (up to some 170 bytes).
 * docs/targets/nginx.md, "Rate limits", explains it.
 */
export function rateLimitZoneBytes(keys: number, key: RateLimitKey): number {
  const slot = key.kind === 'ip' ? 128 : 256;
  const pages = Math.ceil(keys / (PAGE / slot)) + ZONE_PAGES;
  const bytes = Math.ceil((pages * (PAGE + PAGE_DESCRIPTOR)) / PAGE) * PAGE;
  return Math.max(MIN_ZONE, bytes);
}
