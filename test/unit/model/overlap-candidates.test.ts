import { describe, expect, it } from 'vitest';
import { overlapCandidates } from '../../../src/model/overlap-candidates.js';
import type { PathSegment } from '../../../src/model/types.js';

const lit = (literal: string): PathSegment => ({ parts: [{ literal }] });
const param = (name: string): PathSegment => ({ parts: [{ param: name }] });
const mixed = (name: string): PathSegment => ({ parts: [{ param: name }, { literal: '.json' }] });

/** Every pair with no segment where both are literals that differ: what the old all-pairs loop judged. */
function bruteForce(paths: PathSegment[][]): [number, number][] {
  const literal = (s: PathSegment) =>
    s.parts.every((p) => 'literal' in p) ? s.parts.map((p) => p.literal).join('') : undefined;
  const out: [number, number][] = [];
  for (let i = 0; i < paths.length; i++)
    for (let j = i + 1; j < paths.length; j++) {
      const clash = paths[i]!.some((s, k) => {
        const a = literal(s);
        const b = literal(paths[j]![k]!);
        return a !== undefined && b !== undefined && a !== b;
      });
      if (!clash) out.push([i, j]);
    }
  return out;
}

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

describe('overlapCandidates', () => {
  it('finds exactly the pairs the all-pairs loop would judge, in the same order', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const next = random(seed);
      const width = 1 + Math.floor(next() * 4);
      const paths = Array.from({ length: 1 + Math.floor(next() * 40) }, () =>
        Array.from({ length: width }, () => {
          const r = next();
          return r < 0.15 ? param('p') : r < 0.2 ? mixed('m') : lit('abc'[Math.floor(next() * 3)]!);
        }),
      );
      expect(overlapCandidates(paths), `seed ${seed}`).toEqual(bruteForce(paths));
    }
  });

  it('root paths (no segment) all overlap each other', () => {
    expect(overlapCandidates([[], [], []])).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
  });

  it('literal paths that differ give no pair, however many', () => {
    const paths = Array.from({ length: 5000 }, (_, i) => [lit('v1'), lit(`r${i}`), param('id')]);
    expect(overlapCandidates(paths)).toEqual([]);
  });
});
