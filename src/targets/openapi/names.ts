import type { ComponentKind, JsonObject } from '../../model/types.js';

/**
 * Naming in the merged spec. One rule for components, security schemes and operationIds:
 * a name used by one service, or by several with identical content, stays as it is; a name
 * used by several services with different content becomes `<service>_<name>` for each variant
 * (the service being the first, by name, that has that variant); a name that is taken anyway
 * gets `_2`, `_3`, ... Names that stay are settled first, so they never move.
 */

/** One item to name: `key` says what it is (kind/name), `owner` which service has it. */
export interface NameRequest {
  owner: string;
  name: string;
  /** Items compare equal when their class is equal (see refineClasses). */
  cls: number;
}

/** owner -> merged name, per original name, in the order of `requests`. */
export function settleNames(
  requests: readonly NameRequest[],
  sanitize: (s: string) => string = (s) => s,
): Map<NameRequest, string> {
  const byName = groupBy(requests, (r) => r.name);
  const out = new Map<NameRequest, string>();
  const taken = new Set<string>();
  const renamed: { request: NameRequest; wanted: string }[] = [];
  for (const [name, group] of [...byName].sort(([a], [b]) => cmp(a, b))) {
    const classes = new Set(group.map((r) => r.cls));
    if (classes.size === 1) {
      taken.add(name);
      for (const r of group) out.set(r, name);
      continue;
    }
    const firstOwner = new Map<number, string>();
    for (const r of [...group].sort((a, b) => cmp(a.owner, b.owner)))
      if (!firstOwner.has(r.cls)) firstOwner.set(r.cls, r.owner);
    for (const r of group) renamed.push({ request: r, wanted: sanitize(`${firstOwner.get(r.cls)}_${name}`) });
  }
  const chosen = new Map<string, string>(); // `${wanted}\0${cls}` -> final
  for (const { request, wanted } of renamed.sort((a, b) => cmp(a.wanted, b.wanted))) {
    const key = `${wanted}\0${request.cls}`;
    let final = chosen.get(key);
    if (final === undefined) {
      final = wanted;
      for (let i = 2; taken.has(final); i++) final = `${wanted}_${i}`;
      taken.add(final);
      chosen.set(key, final);
    }
    out.set(request, final);
  }
  return out;
}

/** A component of one service, its content with `$ref`s to its own service's components. */
export interface ComponentItem {
  service: string;
  kind: ComponentKind;
  name: string;
  value: unknown;
}

const REF = /^#\/components\/([A-Za-z]+)\/([^/]+)$/;

/**
 * Partition refinement: items with the same kind and name are equal when their JSON is equal
 * (keys sorted) AND the components they refer to are equal, recursively; refs to the same name
 * in two services may still lead to different content. Only names shared by several services
 * are compared; returns a class per item (unique items get their own).
 */
export function refineClasses(items: readonly ComponentItem[]): number[] {
  const id = (kind: string, name: string) => `${kind}/${name}`;
  const counts = new Map<string, number>();
  for (const it of items) counts.set(id(it.kind, it.name), (counts.get(id(it.kind, it.name)) ?? 0) + 1);
  const index = new Map<string, number>(items.map((it, i) => [`${it.service}\0${id(it.kind, it.name)}`, i]));
  const refsOf: number[][] = [];
  const initial = new Map<string, number>();
  let classes = items.map((it, i) => {
    if (counts.get(id(it.kind, it.name))! < 2) {
      refsOf.push([]);
      return -1 - i; // alone under its name: a class of its own
    }
    const refs: string[] = [];
    const text = stableJson(it.value, refs);
    refsOf.push(refs.map((r) => index.get(`${it.service}\0${r}`) ?? -1));
    return internIn(initial, `${id(it.kind, it.name)}\n${text}`);
  });
  for (let round = 0; round < items.length; round++) {
    const table = new Map<string, number>();
    const next = classes.map((c, i) =>
      c < 0 ? c : internIn(table, `${c}|${refsOf[i]!.map((j) => (j < 0 ? 'x' : classes[j])).join(',')}`),
    );
    const before = new Set(classes).size;
    classes = next;
    if (new Set(next).size === before) break;
  }
  return classes;
}

function internIn(table: Map<string, number>, s: string): number {
  let n = table.get(s);
  if (n === undefined) {
    n = table.size;
    table.set(s, n);
  }
  return n;
}

/** JSON with keys sorted; collects the `kind/name` of every `#/components/...` $ref on the way. */
export function stableJson(v: unknown, refs: string[] = []): string {
  if (Array.isArray(v)) return `[${v.map((x) => stableJson(x, refs)).join(',')}]`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const o = v as JsonObject;
  if (typeof o.$ref === 'string') {
    const m = REF.exec(o.$ref);
    if (m) refs.push(`${m[1]}/${m[2]}`);
  }
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k], refs)}`)
    .join(',')}}`;
}

/** Rewrites every `$ref` (and discriminator mapping) `#/components/<kind>/<name>` through `rename`; copy on write. */
export function rewriteRefs(v: unknown, rename: (kind: string, name: string) => string): unknown {
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((x, i) => {
      const y = rewriteRefs(x, rename);
      if (y !== x) {
        out ??= [...v];
        out[i] = y;
      }
    });
    return out ?? v;
  }
  if (v === null || typeof v !== 'object') return v;
  const o = v as JsonObject;
  let out: JsonObject | undefined;
  for (const [k, x] of Object.entries(o)) {
    let y: unknown;
    if (k === '$ref' && typeof x === 'string') y = renameRef(x, rename);
    else if (k === 'mapping' && x && typeof x === 'object' && !Array.isArray(x)) {
      y = rewriteMapping(x as JsonObject, rename);
    } else y = rewriteRefs(x, rename);
    if (y !== x) {
      out ??= { ...o };
      out[k] = y;
    }
  }
  return out ?? o;
}

function rewriteMapping(m: JsonObject, rename: (kind: string, name: string) => string): JsonObject {
  let out: JsonObject | undefined;
  for (const [k, x] of Object.entries(m)) {
    const y = typeof x === 'string' ? renameRef(x, rename) : x;
    if (y !== x) {
      out ??= { ...m };
      out[k] = y;
    }
  }
  return out ?? m;
}

function renameRef(ref: string, rename: (kind: string, name: string) => string): string {
  const m = REF.exec(ref);
  if (!m) return ref;
  const name = rename(m[1]!, m[2]!);
  return name === m[2] ? ref : `#/components/${m[1]}/${name}`;
}

export function groupBy<T>(list: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of list) {
    const k = key(t);
    const g = out.get(k);
    if (g) g.push(t);
    else out.set(k, [t]);
  }
  return out;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
