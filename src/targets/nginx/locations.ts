import { escapeRegex, segmentRegex } from '../../model/path.js';
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
 *
 * A segment with many literals (GitHub's /repos/{owner}/{repo}/<100 words>/...) would still cost
 * a regex per literal tried, so such a level dispatches instead: `rewrite` puts the segment's value
 * in front of the saved path and restarts the search (`last`), and the prefix tree finds that
 * value's branch, an internal `^~ /__gw_d/<id>/<literal>/` location at server level holding the
 * templates that can match it. Handlers forward $gw_path (set at server level), never the branch URI.
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
  /** `at`: what stands before the request path in the URI here ('' outside dispatch branches), as regex text. */
  | { kind: 'template'; order: number; at: string }
  /** `rewrite <regex> <target> last;` in the enclosing location: on to a dispatch branch by one segment's value. */
  | { kind: 'dispatch'; regex: string; target: string };

/** A server-level `location ^~ <prefix> { internal; ... }` that a dispatch rewrite leads to. */
export interface DispatchBranch {
  prefix: string;
  children: LocationNode[];
}

export interface LocationTree {
  nodes: LocationNode[];
  /** Dispatch branches, in the order they were made; empty when no level dispatches. */
  branches: DispatchBranch[];
}

/** Below this many templates a list is checked one by one: a guard would cost as much as it saves. */
export const NEST_MIN = 4;

/**
 * From this many distinct literals at one segment, the level dispatches instead of nesting: one
 * `rewrite ... last` puts the segment's value in front of the URI (`/__gw_d/<id>/<value><path>`),
 * and nginx's prefix tree, not a row of regexes, picks the branch for that literal.
 */
export const DISPATCH_MIN = 6;

/** The URI namespace of dispatch branches; requests from clients never reach it (an internal location). */
export const DISPATCH_ROOT = '/__gw_d/';

/** The variable that keeps the normalised request path while a dispatch rewrite changes $uri. */
export const PATH_VARIABLE = '$gw_path';

export function literalOf(segment: PathSegment | undefined): string | undefined {
  if (!segment) return undefined;
  let found = segmentLiterals.get(segment);
  if (found === undefined) {
    found = segment.parts.every((p) => 'literal' in p)
      ? segment.parts.map((p) => ('literal' in p ? p.literal : '')).join('')
      : null;
    segmentLiterals.set(segment, found);
  }
  return found ?? undefined;
}

/** literalOf per segment (null: not literal), asked once: the tree asks it of every template at every level. */
const segmentLiterals = new WeakMap<PathSegment, string | null>();

const segmentRegexes = new WeakMap<PathSegment, RegExp>();

/** Could `template` match some path whose segment `index` is `literal`? */
function accepts(template: PathTemplate, index: number, literal: string): boolean {
  const seg = template.segments[index];
  if (!seg) return false;
  const own = literalOf(seg);
  if (own !== undefined) return own === literal;
  let re = segmentRegexes.get(seg);
  if (!re) {
    re = segmentRegex(seg, template.params);
    segmentRegexes.set(seg, re);
  }
  return re.test(literal);
}

/**
 * For each of `literals`, the templates of `members` that accept it at segment `index`, in model
 * order: a literal segment only its own literal (one lookup), a parameter each literal it matches.
 * The same as filtering `members` with accepts() per literal, in about one pass.
 */
function acceptingEach(
  members: readonly PathTemplate[],
  index: number,
  literals: readonly string[],
): Map<string, PathTemplate[]> {
  const out = new Map<string, PathTemplate[]>(literals.map((l) => [l, []]));
  for (const t of members) {
    const seg = t.segments[index];
    if (!seg) continue;
    const own = literalOf(seg);
    if (own !== undefined) out.get(own)?.push(t);
    else for (const literal of literals) if (accepts(t, index, literal)) out.get(literal)!.push(t);
  }
  return out;
}

interface Context {
  branches: DispatchBranch[];
  next: number;
}

/**
 * The top level: exact locations are handled apart; every other template goes under a prefix location or stays a
 * top-level regex.
 */
export function buildLocationTree(templates: readonly PathTemplate[]): LocationTree {
  const ctx: Context = { branches: [], next: 1 };
  const dynamic = templates.filter((t) => !t.exact);
  const firstLiterals = unique(
    dynamic.map((t) => literalOf(t.segments[0])).filter((l): l is string => l !== undefined && l !== ''),
  );
  const nodes: LocationNode[] = [];
  const accepting = acceptingEach(
    dynamic.filter((t) => t.segments.length > 1),
    0,
    firstLiterals,
  );
  for (const literal of firstLiterals)
    nodes.push({ kind: 'prefix', prefix: `/${literal}/`, children: nest(accepting.get(literal)!, 1, '', ctx) });
  // Templates whose first segment is not a plain literal (or that have one segment) are tried at the top level.
  for (const t of dynamic) {
    const first = literalOf(t.segments[0]);
    if (first === undefined || first === '' || t.segments.length === 1)
      nodes.push({ kind: 'template', order: t.order, at: '' });
  }
  return { nodes, branches: ctx.branches };
}

/**
 * Inside a prefix, nest or branch whose first `depth` segments are settled: nests per literal at
 * the first segment where they pay off, or a dispatch when that segment has many literals (a
 * request then costs one rewrite and a prefix lookup instead of a regex per literal tried).
 * `at` is the regex text for what precedes the path in the URI (a dispatch branch's prefix).
 */
function nest(members: readonly PathTemplate[], depth: number, at: string, ctx: Context): LocationNode[] {
  const flat = (): LocationNode[] => members.map((t) => ({ kind: 'template', order: t.order, at }));
  if (members.length < NEST_MIN) return flat();
  const longest = Math.max(...members.map((t) => t.segments.length));
  for (let k = depth; k < longest; k++) {
    const groups = new Map<string, PathTemplate[]>();
    for (const t of members) {
      const l = literalOf(t.segments[k]);
      if (l !== undefined && l !== '') {
        const group = groups.get(l);
        if (group) group.push(t);
        else groups.set(l, [t]);
      }
    }
    const literals = [...groups.keys()].sort();
    if (literals.length >= DISPATCH_MIN) return [dispatch(members, k, literals, at, ctx)];
    const worth = [...groups].filter(([, g]) => g.length >= 2);
    if (worth.length === 0) continue;
    const nodes: LocationNode[] = [];
    const nested = new Set<PathTemplate>();
    for (const [literal] of worth) {
      const inside = members.filter((t) => accepts(t, k, literal));
      if (inside.length === members.length) continue; // the guard would not narrow anything
      for (const t of inside) if (literalOf(t.segments[k]) === literal) nested.add(t);
      nodes.push({ kind: 'nest', regex: nestGuard(k, [literal], at), children: nest(inside, k + 1, at, ctx) });
    }
    if (nodes.length === 0) continue;
    // The rest (no such literal at k) is nested further down in turn; a dispatch among it stands in this
    // location's own body, so nginx reaches it only when none of the nests above matched.
    nodes.push(
      ...nest(
        members.filter((t) => !nested.has(t)),
        k + 1,
        at,
        ctx,
      ),
    );
    return nodes;
  }
  return flat();
}

/**
 * Many literals at segment k: a branch per literal (every template that can match it, in model
 * order) and one for every other value or no segment k at all (the templates without a literal
 * there). The rewrite builds the branch URI from the segment's value and the saved path, so the
 * branch's locations see `/__gw_d/<id>/<value>` in front of the path they test.
 */
function dispatch(
  members: readonly PathTemplate[],
  k: number,
  literals: readonly string[],
  at: string,
  ctx: Context,
): LocationNode {
  const base = `${DISPATCH_ROOT}${ctx.next++}/`;
  const accepting = acceptingEach(members, k, literals);
  for (const literal of literals) {
    const inside = accepting.get(literal)!;
    ctx.branches.push({
      prefix: `${base}${literal}/`,
      children: nest(inside, k + 1, escapeRegex(`${base}${literal}`), ctx),
    });
  }
  const others = members.filter((t) => {
    const l = literalOf(t.segments[k]);
    return l === undefined || l === '';
  });
  if (others.length > 0)
    ctx.branches.push({ prefix: base, children: nest(others, k + 1, `${escapeRegex(base)}[^/]*`, ctx) });
  return { kind: 'dispatch', regex: `^${at}(?:(?:/[^/]*){${k}}/([^/]*))?`, target: `${base}$1${PATH_VARIABLE}` };
}

/**
 * Matches paths whose segment `index` (0-based) is one of `literals`, whatever the segments before it; `at` as in
 * nest().
 */
export function nestGuard(index: number, literals: readonly string[], at = ''): string {
  const escaped = literals.map(escapeRegex);
  return `^${at}(?:/[^/]*){${index}}/${escaped.length === 1 ? escaped[0] : `(?:${escaped.join('|')})`}(?:/|$)`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
