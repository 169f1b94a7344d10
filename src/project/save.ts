import { isMap, isSeq, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import type { UpstreamInput } from './config.js';

/** What `gw import` records for one service; undefined fields leave the user's value alone. */
export interface ServiceEntry {
  name: string;
  spec: string;
  prefix?: string;
  upstreams?: UpstreamInput[];
}

export type UpsertResult = 'added' | 'updated' | 'unchanged';

/**
 * Adds or updates a service in gw.yaml's document in place, keeping comments, key order and every
 * key the user set that the entry does not name. `index` is the entry's place in `services`, or -1 to add it.
 */
export function upsertServiceEntry(doc: Document, index: number, entry: ServiceEntry): UpsertResult {
  let services = doc.get('services', true) as YAMLSeq | undefined;
  if (!isSeq(services)) {
    services = doc.createNode([]) as YAMLSeq;
    doc.set('services', services);
  }
  services.flow = false;
  const found = index >= 0 ? services.items[index] : undefined;
  const existing = isMap(found) ? (found as YAMLMap) : undefined;
  if (!existing) {
    const fresh: Record<string, unknown> = { name: entry.name, spec: entry.spec };
    if (entry.prefix !== undefined) fresh.prefix = entry.prefix;
    if (entry.upstreams !== undefined) fresh.upstreams = entry.upstreams;
    services.add(doc.createNode(fresh));
    return 'added';
  }
  const before = String(existing);
  for (const key of ['name', 'spec', 'prefix', 'upstreams'] as const) {
    const value = entry[key];
    if (value === undefined) continue;
    if (JSON.stringify(existing.toJSON()[key]) !== JSON.stringify(value)) existing.set(key, doc.createNode(value));
  }
  return String(existing) === before ? 'unchanged' : 'updated';
}
