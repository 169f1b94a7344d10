import type { PathSegment, Route } from './types.js';

/** What the precedence rule looks at: a route as imported, or as merged. */
type Ranked = Pick<Route, 'segments' | 'method' | 'service' | 'id'>;

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];

/**
 * The precedence rule, one comparator for every consumer. Segments are compared from the left;
 * at the first segment where two routes differ, a literal segment beats literal text mixed with
 * parameters, which beats a bare parameter; of two mixed segments the one with more literal text
 * wins. Two different literals cannot both match one request, so they simply sort by text, which
 * keeps related routes together. Then shorter paths, then method, service and id, so the order
 * is total and stable whatever order the specs came in.
 */
export function compareRoutes(a: Ranked, b: Ranked): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const d = compareSegments(a.segments[i]!, b.segments[i]!);
    if (d !== 0) return d;
  }
  return (
    a.segments.length - b.segments.length ||
    METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method) ||
    cmp(a.service, b.service) ||
    cmp(a.id, b.id)
  );
}

function compareSegments(a: PathSegment, b: PathSegment): number {
  const ka = segmentKey(a);
  const kb = segmentKey(b);
  return ka.kind - kb.kind || (ka.kind === 1 ? kb.literalLength - ka.literalLength : 0) || cmp(ka.text, kb.text);
}

const KIND_NAMES = ['a literal segment', 'text mixed with parameters', 'a parameter'];

/** Why `winner` sorts before `loser`, in words, for diagnostics: the segment that decided and how. */
export function precedenceReason(winner: Ranked, loser: Ranked): string {
  const n = Math.min(winner.segments.length, loser.segments.length);
  for (let i = 0; i < n; i++) {
    const kw = segmentKey(winner.segments[i]!);
    const kl = segmentKey(loser.segments[i]!);
    if (kw.kind !== kl.kind) return `at segment ${i + 1}, ${KIND_NAMES[kw.kind]} beats ${KIND_NAMES[kl.kind]}`;
    if (kw.kind === 1 && kw.literalLength !== kl.literalLength)
      return `at segment ${i + 1}, more literal text beats less`;
    if (kw.text !== kl.text)
      return (
        `at segment ${i + 1}, the tie between two ${kw.kind === 1 ? 'mixed segments' : 'segments'} goes to ` +
        `text order`
      );
  }
  return 'the paths tie, so text order decides';
}

/** kind 0 literal, 1 mixed, 2 parameter: lower sorts first. Parameter names do not count. */
function segmentKey(s: PathSegment): { kind: number; literalLength: number; text: string } {
  let literalLength = 0;
  let params = 0;
  let text = '';
  for (const p of s.parts) {
    if ('literal' in p) {
      literalLength += p.literal.length;
      text += p.literal;
    } else {
      params++;
      text += '\u0000';
    }
  }
  const kind = params === 0 ? 0 : literalLength > 0 ? 1 : 2;
  return { kind, literalLength, text };
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
