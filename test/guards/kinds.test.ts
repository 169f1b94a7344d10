import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KINDS, type Kind } from '../../src/diagnostics/kinds.js';
import { ROOT } from '../helpers/cli.js';
import { sectionOf } from '../helpers/markdown.js';

/**
 * Kinds the catalogue names before the code prints them. Empty now: every kind is passed somewhere.
 * A kind added to the catalogue ahead of its warning goes here until the warning passes it.
 */
const PENDING: readonly Kind[] = [];

function sourceTexts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceTexts(join(dir, e.name))
      : e.name.endsWith('.ts') && e.name !== 'kinds.ts'
        ? [readFileSync(join(dir, e.name), 'utf8')]
        : [],
  );
}

/** The kinds in the table under `## CODE` in docs/errors.md. */
function documentedKinds(code: string): string[] {
  const section = sectionOf(readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8'), `## ${code}`);
  return [...section.matchAll(/^\| `([a-z0-9.-]+)` \|/gm)].map((m) => m[1]!);
}

describe('kinds (sub-codes) of diagnostics', () => {
  const codes = [...new Set(Object.values(KINDS).map((k) => k.code))];
  it('finds the kinds', () => expect(Object.keys(KINDS).length).toBeGreaterThan(20));

  for (const code of codes) {
    it(`docs/errors.md lists every kind of ${code} under its heading, in catalogue order`, () => {
      const catalogued = Object.entries(KINDS).filter(([, k]) => k.code === code);
      expect(documentedKinds(code)).toEqual(catalogued.map(([name]) => name));
    });
  }

  it('every kind is <area>.<what> in lower case', () => {
    expect(Object.keys(KINDS).filter((k) => !/^[a-z0-9]+\.[a-z0-9]+(?:-[a-z0-9]+)*$/.test(k))).toEqual([]);
  });

  it('src/ passes every catalogued kind somewhere, except the pending ones, and those not yet', () => {
    const src = sourceTexts(join(ROOT, 'src')).join('\n');
    const used = (k: string) => src.includes(`'${k}'`);
    expect(Object.keys(KINDS).filter((k) => !used(k) && !PENDING.includes(k as Kind))).toEqual([]);
    expect(
      PENDING.filter(used),
      'these kinds are passed now: take them off PENDING in test/guards/kinds.test.ts',
    ).toEqual([]);
  });
});
