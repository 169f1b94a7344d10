import { segmentAccepts } from '../model/path.js';
import type { PathParam, PathSegment, Route } from '../model/types.js';

/** Values tried for parameters; typed templates that share none of them are taken as disjoint (best effort). */
const PROBES = ['x', '1', '123', 'true', 'a-1', 'abc', 'ABC', 'A1', 'ABC-123', 'a_b', '1.5', 'x.json', 'a1b2c3', '2024-01-01'];

/**
 * A request path both routes match, or undefined when no request can match both. Parameters
 * are compared by what they accept (an integer id never matches "me"), so typed templates that
 * cannot collide are not reported.
 */
export function commonPath(a: Route, b: Route): string | undefined {
  if (a.segments.length !== b.segments.length) return undefined;
  const parts: string[] = [];
  for (let i = 0; i < a.segments.length; i++) {
    const value = commonSegment(a.segments[i]!, a.params, b.segments[i]!, b.params);
    if (value === undefined) return undefined;
    parts.push(value);
  }
  return '/' + parts.join('/');
}

function commonSegment(sa: PathSegment, pa: readonly PathParam[], sb: PathSegment, pb: readonly PathParam[]): string | undefined {
  for (const value of [...samples(sa, pa), ...samples(sb, pb)]) {
    if (segmentAccepts(sa, pa, value) && segmentAccepts(sb, pb, value)) return value;
  }
  return undefined;
}

/** Values this segment accepts: its text when literal, else parameters filled with probe values or enum members. */
function samples(s: PathSegment, params: readonly PathParam[]): string[] {
  if (s.parts.every((p) => 'literal' in p)) return [s.parts.map((p) => ('literal' in p ? p.literal : '')).join('')];
  const byName = new Map(params.map((p) => [p.name, p.schema]));
  const fills = (probe: string) =>
    s.parts.map((p) => ('literal' in p ? p.literal : String(byName.get(p.param)?.enum?.[0] ?? probe))).join('');
  const out = new Set<string>();
  const only = s.parts.length === 1 ? s.parts[0] : undefined;
  const en = only && 'param' in only ? byName.get(only.param)?.enum : undefined;
  for (const v of en ?? []) out.add(String(v));
  for (const probe of PROBES) {
    const v = fills(probe);
    if (segmentAccepts(s, params, v)) out.add(v);
  }
  return [...out];
}

/** The template with parameter names blanked: equal shapes differ only in names. */
export function shapeOf(route: Route): string {
  return route.segments.map((s) => '/' + s.parts.map((p) => ('literal' in p ? p.literal : '{}')).join('')).join('') || '/';
}
