import { createHash } from 'node:crypto';
import type { Gateway, SecretSource } from '../../model/types.js';
import { planAuth } from './auth-view.js';

/*
 * The API keys nginx checks (docs/targets/nginx.md, "API keys"): one map file per apiKey scheme,
 * nginx/keys/<scheme>.map, included by gw.conf's `map $gw_key_hash_<n> $gw_key_consumer_<n>`.
 * A line holds a key's digest and its consumer, never the key: gw-auth.js hashes the key a
 * request sends and nginx looks the digest up, so no request reads or scans a file. Reading the
 * keys is the commands' part (cli/key-maps.ts); this module says which maps and what they hold.
 */

/** The most keys one scheme may have: what gw.conf's map_hash_* sizes hold (hash-sizes.ts). */
export const MAX_KEYS_PER_SCHEME = 10_000;

/**
 * What a key is looked up by: SHA-256, its first 128 bits in hex (gw-auth.js computes the same).
 * Keys are random strings of at least 128 bits, so the digest cannot be turned back into a key,
 * and no salt is needed (docs/targets/nginx.md says why). 32 characters keep map buckets small.
 */
export function keyDigest(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32);
}

/** A map file's text: `"<digest>" "=<consumer, URI-encoded>";` a key, in digest order. */
export function keyMapText(schemeId: string, keys: readonly { consumer: string | null; key: string }[]): string {
  const lines = keys
    .map((k) => `"${keyDigest(k.key)}" "=${k.consumer === null ? '' : encodeURIComponent(k.consumer)}";`)
    .sort();
  return [
    `# API keys of "${encodeURIComponent(schemeId)}", written by \`gw keys\` or \`gw build\`; do not edit.`,
    '# A line: the SHA-256 of a key (first 128 bits, hex) and "=" with its consumer; no key is in this file.',
    ...lines,
    '',
  ].join('\n');
}

/** The key maps gw writes: one per apiKey scheme with keys that a route nginx checks needs. */
export function keyMapsNeeded(gateway: Gateway): { scheme: string; source: SecretSource; path: string }[] {
  const schemes = new Map(gateway.securitySchemes.map((s) => [s.id, s]));
  return (planAuth(gateway).njs?.keyMaps ?? []).flatMap((map) => {
    const c = schemes.get(map.scheme)?.credentials;
    return c?.kind === 'keys' ? [{ scheme: map.scheme, source: c.source, path: `nginx/${map.file}` }] : [];
  });
}
