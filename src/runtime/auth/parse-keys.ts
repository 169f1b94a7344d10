/** One API key and who holds it. */
export interface KeyEntry {
  /** null for a bare `key` line. */
  consumer: string | null;
  key: string;
}

/**
 * The keys of an apiKey scheme. A file holds one per line, `consumer:key` or just `key` (blank
 * lines and `#` comments skipped); an environment variable holds comma-separated entries of the
 * same form. The split is at the first colon, so a named key may itself contain colons.
 * Problems name the line or entry, never the key.
 */
export function parseKeys(text: string, origin: 'file' | 'env'): { keys: KeyEntry[]; problems: string[] } {
  const keys: KeyEntry[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const items = origin === 'file' ? text.split(/\r?\n/) : text.split(',');
  const where = (i: number) => (origin === 'file' ? `line ${i + 1}` : `entry ${i + 1}`);
  for (const [i, raw] of items.entries()) {
    const item = raw.trim();
    if (item === '' || (origin === 'file' && item.startsWith('#'))) continue;
    const colon = item.indexOf(':');
    const consumer = colon === -1 ? null : item.slice(0, colon).trim();
    const key = colon === -1 ? item : item.slice(colon + 1).trim();
    if (consumer === '') {
      problems.push(`${where(i)} has an empty consumer name before ":"`);
      continue;
    }
    if (key === '') {
      problems.push(`${where(i)} has no key after "${consumer}:"`);
      continue;
    }
    if (/[\s,]/.test(key)) {
      problems.push(`${where(i)} has a key with a space or comma in it`);
      continue;
    }
    if (consumer !== null && !/^[\x21-\x7e]+$/.test(consumer)) {
      problems.push(`${where(i)} has a consumer name with spaces or non-ASCII characters`);
      continue;
    }
    const before = seen.get(key);
    if (before !== undefined) {
      problems.push(`${where(i)} repeats the key of ${before}`);
      continue;
    }
    seen.set(key, where(i));
    keys.push({ consumer, key });
  }
  if (keys.length === 0 && problems.length === 0)
    problems.push(
      origin === 'file'
        ? 'holds no keys (one `consumer:key` or `key` per line)'
        : 'holds no keys (`consumer:key,consumer2:key2`)',
    );
  return { keys, problems };
}
