import { segmentRegex } from '../../model/path.js';
import type { PathParam, PathSegment, Route } from '../../model/types.js';

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
  methods: Set<string>;
}

export interface MethodNotAllowedBlock {
  group: PathGroup;
  /** Regexes of later paths the request must also match (on `:path`), tried with the most first. */
  alsoMatching: string[];
  /** Sorted, HEAD included when GET is. */
  allow: string[];
}

export type Relation = 'same' | 'subset' | 'partial' | 'disjoint';

/** More partial overlaps than this for one path would need 2^n routes: the Allow list then ignores them. */
export const MAX_PARTIAL_OVERLAPS = 3;

export function groupRoutesByPath(routes: readonly Route[]): PathGroup[] {
  const groups = new Map<string, PathGroup>();
  for (const r of routes) {
    let g = groups.get(r.match.regex);
    if (!g) {
      g = { regex: r.match.regex, exactPath: r.match.kind === 'exact' ? r.path : null, segments: r.segments, params: r.params, methods: new Set() };
      groups.set(r.match.regex, g);
    }
    g.methods.add(r.method);
  }
  return [...groups.values()];
}

export function buildMethodNotAllowed(groups: readonly PathGroup[]): { blocks: MethodNotAllowedBlock[]; truncated: PathGroup[] } {
  const blocks: MethodNotAllowedBlock[] = [];
  const truncated: PathGroup[] = [];
  groups.forEach((g, i) => {
    const base = new Set(g.methods);
    const partial: PathGroup[] = [];
    for (const later of groups.slice(i + 1)) {
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

export function allowList(methods: Iterable<string>): string[] {
  const set = new Set(methods);
  if (set.has('GET')) set.add('HEAD');
  return [...set].sort();
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
  for (let i = 0; i < a.segments.length; i++) {
    const rel = segmentRelation(a.segments[i]!, a.params, b.segments[i]!, b.params);
    if (rel === 'disjoint') return 'disjoint';
    if (rel === 'partial') result = 'partial';
    else if (rel === 'subset' && result === 'same') result = 'subset';
  }
  return result;
}

function literalOf(s: PathSegment): string | undefined {
  return s.parts.every((p) => 'literal' in p) ? s.parts.map((p) => ('literal' in p ? p.literal : '')).join('') : undefined;
}

/** The finite values of a bare enum parameter segment, else undefined. */
function valuesOf(s: PathSegment, params: readonly PathParam[]): string[] | undefined {
  const only = s.parts.length === 1 ? s.parts[0]! : undefined;
  if (!only || !('param' in only)) return undefined;
  const schema = params.find((p) => p.name === only.param)?.schema;
  return schema?.enum && schema.enum.length > 0 ? schema.enum.map(String) : undefined;
}

function segmentRelation(a: PathSegment, aParams: readonly PathParam[], b: PathSegment, bParams: readonly PathParam[]): Relation {
  const aLit = literalOf(a);
  const bLit = literalOf(b);
  const aValues = aLit !== undefined ? [aLit] : valuesOf(a, aParams);
  if (aValues) {
    const hits = aValues.filter((v) => (bLit !== undefined ? v === bLit : segmentRegex(b, bParams).test(v))).length;
    if (hits === 0) return 'disjoint';
    if (hits === aValues.length) return aLit !== undefined && bLit !== undefined ? 'same' : 'subset';
    return 'partial';
  }
  if (bLit !== undefined) return segmentRegex(a, aParams).test(bLit) ? 'partial' : 'disjoint';
  const aSource = segmentRegex(a, aParams).source;
  const bSource = segmentRegex(b, bParams).source;
  if (aSource === bSource) return 'same';
  // A bare untyped parameter takes any segment: every value of `a` is one of its values.
  if (bSource === '^(?:(?:[^/]+))$') return 'subset';
  const bValues = valuesOf(b, bParams);
  if (bValues && !bValues.some((v) => segmentRegex(a, aParams).test(v))) return 'disjoint';
  return 'partial';
}
