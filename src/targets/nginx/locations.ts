import { segmentRegex } from '../../model/path.js';
import type { PathParam, PathSegment } from '../../model/types.js';

/**
 * How the route table becomes nginx locations so that lookup stays cheap and answers exactly as
 * the model's precedence rule does (the first path template in model order that matches wins).
 *
 * nginx finds exact (`=`) and prefix locations in a tree, fast, then tries regex locations one by
 * one. So: literal paths become exact locations; templates are grouped under a `^~` prefix
 * location per leading literal segment (nginx then never tries regexes outside it), and inside,
 * recursively, under a regex "nest" per literal segment further down, so a request is checked
 * against a few guards instead of hundreds of regexes. A nest keeps every template that could
 * match a path with that literal (including parameter templates that accept it, repeated there
 * in model order), so entering a nest never loses a match, and nests are disjoint.
 */
export interface PathTemplate {
  /** Position in model order: the lower, the higher the precedence. */
  order: number;
  segments: readonly PathSegment[];
  params: readonly PathParam[];
  /** True when every segment is literal: served by an exact location. */
  exact: boolean;
}

export type LocationNode =
  | { kind: 'prefix'; prefix: string; children: LocationNode[] }
  | { kind: 'nest'; regex: string; children: LocationNode[] }
  | { kind: 'template'; order: number };

/** Below this many templates a list is checked one by one: a guard would cost as much as it saves. */
export const NEST_MIN = 4;

/** Above this many distinct literals at one segment, they are split into about √n buckets, each one guard. */
export const BUCKET_ABOVE = 12;

export function literalOf(segment: PathSegment | undefined): string | undefined {
  if (!segment || !segment.parts.every((p) => 'literal' in p)) return undefined;
  return segment.parts.map((p) => ('literal' in p ? p.literal : '')).join('');
}

const segmentRegexes = new WeakMap<PathSegment, RegExp>();

/** Could `template` match some path whose segment `index` is `literal`? */
function accepts(template: PathTemplate, index: number, literal: string): boolean {
  const seg = template.segments[index];
  if (!seg) return false;
  const own = literalOf(seg);
  if (own !== undefined) return own === literal;
  let re = segmentRegexes.get(seg);
  if (!re) segmentRegexes.set(seg, (re = segmentRegex(seg, template.params)));
  return re.test(literal);
}

/** The top level: exact locations are handled apart; every other template goes under a prefix location or stays a top-level regex. */
export function buildLocationTree(templates: readonly PathTemplate[]): LocationNode[] {
  const dynamic = templates.filter((t) => !t.exact);
  const firstLiterals = unique(dynamic.map((t) => literalOf(t.segments[0])).filter((l): l is string => l !== undefined && l !== ''));
  const nodes: LocationNode[] = [];
  for (const literal of firstLiterals) {
    const members = dynamic.filter((t) => accepts(t, 0, literal) && t.segments.length > 1);
    nodes.push({ kind: 'prefix', prefix: `/${literal}/`, children: nest(members, 1) });
  }
  // Templates whose first segment is not a plain literal (or that have one segment) are tried at the top level.
  for (const t of dynamic) {
    const first = literalOf(t.segments[0]);
    if (first === undefined || first === '' || t.segments.length === 1) nodes.push({ kind: 'template', order: t.order });
  }
  return nodes;
}

/**
 * Inside a prefix or nest whose first `depth` segments are settled: nests per literal at the first
 * segment where they pay off. When that segment has many distinct literals, they are first split
 * into buckets (one alternation guard each), so a request tries about 2√n guards instead of n.
 */
function nest(members: readonly PathTemplate[], depth: number, buckets = true): LocationNode[] {
  if (members.length < NEST_MIN) return members.map((t) => ({ kind: 'template', order: t.order }));
  const longest = Math.max(...members.map((t) => t.segments.length));
  for (let k = depth; k < longest; k++) {
    const groups = new Map<string, PathTemplate[]>();
    for (const t of members) {
      const l = literalOf(t.segments[k]);
      if (l !== undefined && l !== '') groups.set(l, [...(groups.get(l) ?? []), t]);
    }
    const literals = [...groups.keys()].sort();
    if (buckets && literals.length > BUCKET_ABOVE) return bucketed(members, k, literals);
    const worth = [...groups].filter(([, g]) => g.length >= 2);
    if (worth.length === 0) continue;
    const nodes: LocationNode[] = [];
    const nested = new Set<PathTemplate>();
    for (const [literal] of worth) {
      const inside = members.filter((t) => accepts(t, k, literal));
      if (inside.length === members.length) continue; // the guard would not narrow anything
      for (const t of inside) if (literalOf(t.segments[k]) === literal) nested.add(t);
      nodes.push({ kind: 'nest', regex: nestGuard(k, [literal]), children: nest(inside, k + 1) });
    }
    if (nodes.length === 0) continue;
    for (const t of members) if (!nested.has(t)) nodes.push({ kind: 'template', order: t.order });
    return nodes;
  }
  return members.map((t) => ({ kind: 'template', order: t.order }));
}

/** Many literals at segment k: √n buckets of them, each a guard holding every template that can match one of its literals. */
function bucketed(members: readonly PathTemplate[], k: number, literals: readonly string[]): LocationNode[] {
  const size = Math.ceil(Math.sqrt(literals.length));
  const nodes: LocationNode[] = [];
  for (let i = 0; i < literals.length; i += size) {
    const bucket = literals.slice(i, i + size);
    const inside = members.filter((t) => bucket.some((l) => accepts(t, k, l)));
    nodes.push({ kind: 'nest', regex: nestGuard(k, bucket), children: nest(inside, k, false) });
  }
  // Paths whose segment k is none of those literals can only match templates without a literal there.
  for (const t of members) {
    const l = literalOf(t.segments[k]);
    if (l === undefined || l === '') nodes.push({ kind: 'template', order: t.order });
  }
  return nodes;
}

/** Matches paths whose segment `index` (0-based) is one of `literals`, whatever the segments before it. */
export function nestGuard(index: number, literals: readonly string[]): string {
  const escaped = literals.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `^(?:/[^/]*){${index}}/${escaped.length === 1 ? escaped[0] : `(?:${escaped.join('|')})`}(?:/|$)`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
