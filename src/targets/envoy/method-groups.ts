import { segmentRegex } from '../../model/path.js';
import type { PathParam, PathSegment, Route } from '../../model/types.js';
import { envoyPathMatch } from './route-match.js';

/**
 * Envoy matches routes in order and stops at the first, so the 405 answers come after every
 * method route: one block per distinct path (the model's regex), in model order. A request that
 * reaches a block matched no earlier path, so Allow must list the methods of this path and of every
 * LATER path that also matches the request. Later paths are classified against this one, segment by
 * segment: a superset (every request of this path matches it) always adds its methods; a partial
 * overlap adds them only when the request matches it too, which a `:path` header matcher tests;
 * a disjoint path never does. This gives exactly the Allow list gw serve computes.
 */
export interface PathGroup {
  regex: string;
  /** The exact path for literal-only paths (matched with `path:`), else null. */
  exactPath: string | null;
  segments: PathSegment[];
  params: PathParam[];
  /** The `effective.methods` of its routes. */
  methods: Set<string>;
  /** Its first route in model order (warnings about the path name it). */
  first: Route;
}

export interface MethodNotAllowedBlock {
  group: PathGroup;
  /** Regexes of later paths the request must also match (on `:path`), tried with the most first. */
  alsoMatching: string[];
  /** Sorted: the `effective.methods` of the routes of the paths. */
  allow: string[];
}

export type Relation = 'same' | 'subset' | 'partial' | 'disjoint';

/** More partial overlaps than this for one path would need 2^n routes: the Allow list then ignores them. */
export const MAX_PARTIAL_OVERLAPS = 3;

export function groupRoutesByPath(routes: readonly Route[]): PathGroup[] {
  const groups = new Map<string, PathGroup>();
  for (const r of routes) {
    const { regex, exactPath } = envoyPathMatch(r);
    let g = groups.get(regex);
    if (!g) {
      g = {
        regex,
        exactPath,
        segments: r.segments,
        params: r.params,
        methods: new Set(),
        first: r,
      };
      groups.set(regex, g);
    }
    for (const m of r.effective.methods) g.methods.add(m);
  }
  return [...groups.values()];
}

export function buildMethodNotAllowed(groups: readonly PathGroup[]): {
  blocks: MethodNotAllowedBlock[];
  truncated: PathGroup[];
} {
  const blocks: MethodNotAllowedBlock[] = [];
  const truncated: PathGroup[] = [];
  const candidates = laterCandidates(groups);
  groups.forEach((g, i) => {
    const base = new Set(g.methods);
    const partial: PathGroup[] = [];
    for (const j of candidates(i)) {
      const later = groups[j]!;
      const rel = pathRelation(g, later);
      if (rel === 'subset' || rel === 'same') for (const m of later.methods) base.add(m);
      else if (rel === 'partial') partial.push(later);
    }
    if (partial.length > MAX_PARTIAL_OVERLAPS) {
      truncated.push(g);
      partial.length = 0;
    }
    // Every subset of the partial overlaps, largest first: the first block whose paths all match is exact.
    for (const subset of subsetsLargestFirst(partial)) {
      const allow = new Set(base);
      for (const p of subset) for (const m of p.methods) allow.add(m);
      blocks.push({ group: g, alsoMatching: subset.map((p) => p.regex), allow: allowList(allow) });
    }
  });
  return { blocks, truncated };
}

/** How many leading segments key the index of laterCandidates. */
const KEY_SEGMENTS = 2;

/**
 * The later groups `buildMethodNotAllowed` must classify against group i, in model order: those of
 * the same length (paths of different lengths never overlap) that are not told apart by a leading
 * segment, where both are literal and differ (segmentRelation: disjoint). Looking them up by the
 * literals of the first KEY_SEGMENTS segments, where a non-literal one is the wildcard "*", makes
 * the scan about linear on specs like GitHub's, where it was quadratic; the pairs it skips are
 * exactly pairs that would be classified 'disjoint'.
 */
function laterCandidates(groups: readonly PathGroup[]): (i: number) => number[] {
  const WILD = '\u0000*';
  const keyOf = (g: PathGroup): string[] => g.segments.slice(0, KEY_SEGMENTS).map((s) => literalOf(s) ?? WILD);
  const byLength = new Map<number, number[]>();
  const byKey = new Map<string, number[]>();
  const keys = groups.map(keyOf);
  groups.forEach((g, i) => {
    const list = byLength.get(g.segments.length) ?? [];
    list.push(i);
    byLength.set(g.segments.length, list);
    const key = `${g.segments.length}\u0001${keys[i]!.join('\u0001')}`;
    const same = byKey.get(key) ?? [];
    same.push(i);
    byKey.set(key, same);
  });
  return (i) => {
    const g = groups[i]!;
    const key = keys[i]!;
    // A leading segment that is not literal may match anything there: every later group of the length is a candidate.
    if (key.includes(WILD)) return byLength.get(g.segments.length)!.filter((j) => j > i);
    // Each leading literal matches that literal, or a wildcard, in a later group: 2^KEY_SEGMENTS buckets at most.
    let combos: string[][] = [[]];
    for (const lit of key)
      combos = combos.flatMap((c) => [
        [...c, lit],
        [...c, WILD],
      ]);
    const found: number[] = [];
    for (const c of combos)
      for (const j of byKey.get(`${g.segments.length}\u0001${c.join('\u0001')}`) ?? []) if (j > i) found.push(j);
    return found.sort((a, b) => a - b);
  };
}

/** The `Allow` value: the methods the paths' routes answer (their `effective.methods`), sorted. */
export function allowList(methods: Iterable<string>): string[] {
  return [...new Set(methods)].sort();
}

function subsetsLargestFirst<T>(items: readonly T[]): T[][] {
  const all: T[][] = [];
  for (let mask = (1 << items.length) - 1; mask >= 0; mask--) all.push(items.filter((_, k) => mask & (1 << k)));
  // Stable: equal sizes keep model order of their first member.
  return all.sort((a, b) => b.length - a.length);
}

/** How the requests of path `a` relate to those of path `b`. */
export function pathRelation(a: PathGroup, b: PathGroup): Relation {
  if (a.segments.length !== b.segments.length) return 'disjoint';
  let result: Relation = 'same';
  const af = factsOf(a);
  const bf = factsOf(b);
  for (let i = 0; i < a.segments.length; i++) {
    const rel = segmentRelation(af[i]!, bf[i]!);
    if (rel === 'disjoint') return 'disjoint';
    if (rel === 'partial') result = 'partial';
    else if (rel === 'subset' && result === 'same') result = 'subset';
  }
  return result;
}

/** What segmentRelation asks of a segment, worked out once per path (the O(n²) scan asks often). */
interface SegmentFacts {
  literal: string | undefined;
  values: string[] | undefined;
  regex: RegExp;
}
const facts = new WeakMap<PathGroup, SegmentFacts[]>();

function factsOf(g: PathGroup): SegmentFacts[] {
  let f = facts.get(g);
  if (!f) {
    f = g.segments.map((s) => ({
      literal: literalOf(s),
      values: valuesOf(s, g.params),
      regex: segmentRegex(s, g.params),
    }));
    facts.set(g, f);
  }
  return f;
}

function literalOf(s: PathSegment): string | undefined {
  return s.parts.every((p) => 'literal' in p)
    ? s.parts.map((p) => ('literal' in p ? p.literal : '')).join('')
    : undefined;
}

/** The finite values of a bare enum parameter segment, else undefined. */
function valuesOf(s: PathSegment, params: readonly PathParam[]): string[] | undefined {
  const only = s.parts.length === 1 ? s.parts[0]! : undefined;
  if (!only || !('param' in only)) return undefined;
  const schema = params.find((p) => p.name === only.param)?.schema;
  return schema?.enum && schema.enum.length > 0 ? schema.enum.map(String) : undefined;
}

function segmentRelation(af: SegmentFacts, bf: SegmentFacts): Relation {
  const aLit = af.literal;
  const bLit = bf.literal;
  if (aLit !== undefined && bLit !== undefined) return aLit === bLit ? 'same' : 'disjoint';
  const aValues = aLit !== undefined ? [aLit] : af.values;
  if (aValues) {
    const hits = aValues.filter((v) => (bLit !== undefined ? v === bLit : bf.regex.test(v))).length;
    if (hits === 0) return 'disjoint';
    if (hits === aValues.length) return 'subset';
    return 'partial';
  }
  if (bLit !== undefined) return af.regex.test(bLit) ? 'partial' : 'disjoint';
  const aSource = af.regex.source;
  const bSource = bf.regex.source;
  if (aSource === bSource) return 'same';
  // A bare untyped parameter takes any segment: every value of `a` is one of its values.
  if (bSource === '^(?:(?:[^/]+))$') return 'subset';
  const bValues = bf.values;
  if (bValues && !bValues.some((v) => af.regex.test(v))) return 'disjoint';
  return 'partial';
}
