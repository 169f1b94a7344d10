import type { PathSegment } from '../model/types.js';

/**
 * The pairs of paths (same segment count) that may match one request: at every segment both are
 * the same literal, or one of them has a parameter. merge (conflicts.ts) and the NGINX target (later templates a location falls back to) judge only these, so a
 * big API costs about what it reports, not the square of its size (every pair of 3,000 GET routes
 * of one length is 4.5 million judgements). A superset: commonPath() decides each pair.
 *
 * The routes split segment by segment into literal buckets and the rest ("open": a parameter in
 * the segment); pairs come from inside one bucket, from a bucket against the open ones, and from
 * the open ones among themselves, each once.
 */
export function overlapCandidates(paths: readonly (readonly PathSegment[])[]): [number, number][] {
  const literals = paths.map((segments) => segments.map(literalOf));
  const width = paths[0]?.length ?? 0;
  const out: [number, number][] = [];

  const split = (ids: readonly number[], at: number) => {
    const buckets = new Map<string, number[]>();
    const open: number[] = [];
    for (const id of ids) {
      const lit = literals[id]![at];
      if (lit === undefined) open.push(id);
      else {
        const b = buckets.get(lit);
        if (b) b.push(id);
        else buckets.set(lit, [id]);
      }
    }
    return { buckets: [...buckets.values()], open };
  };

  /** Pairs within `ids` that may overlap from segment `at` on. */
  const within = (ids: readonly number[], at: number): void => {
    if (ids.length < 2) return;
    if (at === width) {
      for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) out.push(pair(ids[i]!, ids[j]!));
      return;
    }
    const { buckets, open } = split(ids, at);
    for (const b of buckets) within(b, at + 1);
    if (open.length > 0) {
      across(buckets.flat(), open, at + 1);
      within(open, at + 1);
    }
  };

  /** Pairs of one id from `xs` and one from `ys` (disjoint sets) that may overlap from segment `at` on. */
  const across = (xs: readonly number[], ys: readonly number[], at: number): void => {
    if (xs.length === 0 || ys.length === 0) return;
    if (at === width) {
      for (const x of xs) for (const y of ys) out.push(pair(x, y));
      return;
    }
    const sx = split(xs, at);
    const sy = split(ys, at);
    const yByLiteral = new Map(sy.buckets.map((b) => [literals[b[0]!]![at]!, b]));
    for (const bx of sx.buckets) {
      const by = yByLiteral.get(literals[bx[0]!]![at]!);
      if (by) across(bx, by, at + 1);
    }
    across(sx.buckets.flat(), sy.open, at + 1);
    across(sx.open, sy.buckets.flat(), at + 1);
    across(sx.open, sy.open, at + 1);
  };

  within(
    paths.map((_, i) => i),
    0,
  );
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function pair(a: number, b: number): [number, number] {
  return a < b ? [a, b] : [b, a];
}

/** The segment's text when it has no parameter. */
function literalOf(s: PathSegment): string | undefined {
  let text = '';
  for (const p of s.parts) {
    if (!('literal' in p)) return undefined;
    text += p.literal;
  }
  return text;
}
