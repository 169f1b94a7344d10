import { segmentRegex } from '../model/path.js';
import type { ImportedRoute } from '../model/fragment.js';
import type { PathParam, PathSegment } from '../model/types.js';

/** Values tried for parameters; typed templates that share none of them are taken as disjoint (best effort). */
const PROBES = [
  'x',
  '1',
  '123',
  'true',
  'a-1',
  'abc',
  'ABC',
  'A1',
  'ABC-123',
  'a_b',
  '1.5',
  'x.json',
  'a1b2c3',
  '2024-01-01',
];

/** Per segment of a route: its literal text (when it has no parameter), its regex and sample values. Built once. */
interface SegmentInfo {
  literal: string | undefined;
  regex: RegExp;
  samples: string[];
}

const cache = new WeakMap<PathSegment, SegmentInfo>();

function infoOf(s: PathSegment, params: readonly PathParam[]): SegmentInfo {
  let info = cache.get(s);
  if (info) return info;
  const byName = new Map(params.map((p) => [p.name, p.schema]));
  const literalOnly = s.parts.every((p) => 'literal' in p);
  const regex = segmentRegex(s, params);
  let samples: string[];
  if (literalOnly) samples = [s.parts.map((p) => ('literal' in p ? p.literal : '')).join('')];
  else {
    const out = new Set<string>();
    const only = s.parts.length === 1 ? s.parts[0] : undefined;
    for (const v of (only && 'param' in only ? byName.get(only.param)?.enum : undefined) ?? []) out.add(String(v));
    for (const probe of PROBES) {
      const v = s.parts
        .map((p) => ('literal' in p ? p.literal : String(byName.get(p.param)?.enum?.[0] ?? probe)))
        .join('');
      if (regex.test(v)) out.add(v);
    }
    samples = [...out];
  }
  info = { literal: literalOnly ? samples[0] : undefined, regex, samples };
  cache.set(s, info);
  return info;
}

const routeInfos = new WeakMap<ImportedRoute, SegmentInfo[]>();

/** The infos of every segment of a route, looked up once per route (conflicts.ts compares each route with many). */
function infosOf(route: ImportedRoute): SegmentInfo[] {
  let infos = routeInfos.get(route);
  if (!infos) {
    infos = route.segments.map((s) => infoOf(s, route.params));
    routeInfos.set(route, infos);
  }
  return infos;
}

/**
 * A request path both routes match, or undefined when no request can match both. Parameters
 * are compared by what the route regex accepts (an integer id never matches "me"), so typed
 * templates that cannot collide are not reported.
 */
export function commonPath(a: ImportedRoute, b: ImportedRoute): string | undefined {
  if (a.segments.length !== b.segments.length) return undefined;
  const ia = infosOf(a);
  const ib = infosOf(b);
  // Literal segments that differ rule the pair out before any sample is tried (most pairs of a large API).
  for (let i = 0; i < ia.length; i++) {
    const la = ia[i]!.literal;
    const lb = ib[i]!.literal;
    if (la !== undefined && lb !== undefined && la !== lb) return undefined;
  }
  const parts: string[] = [];
  for (let i = 0; i < ia.length; i++) {
    const sa = ia[i]!;
    const sb = ib[i]!;
    if (sa.literal !== undefined && sb.literal !== undefined) {
      if (sa.literal !== sb.literal) return undefined;
      parts.push(sa.literal);
      continue;
    }
    const value = [...sa.samples, ...sb.samples].find((v) => sa.regex.test(v) && sb.regex.test(v));
    if (value === undefined) return undefined;
    parts.push(value);
  }
  return `/${parts.join('/')}`;
}

/** The template with parameter names blanked: equal shapes differ only in names. */
export function shapeOf(route: ImportedRoute): string {
  return (
    route.segments.map((s) => `/${s.parts.map((p) => ('literal' in p ? p.literal : '{}')).join('')}`).join('') || '/'
  );
}
