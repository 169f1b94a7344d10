import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/** Lines a reader sees whole (issue 11): code, comments and strings alike. */
const MAX_LINE = 120;

/**
 * Where the limit holds: a top folder, the files it covers there, and the folders under it left out
 * (golden data is generated; bench keeps its cache and results beside its code).
 */
const SCOPE: { dir: string; files: RegExp; shown: string; skip: string[]; unbreakable?: RegExp }[] = [
  { dir: 'src', files: /\.ts$/, shown: '*.ts', skip: [] },
  { dir: 'test', files: /\.ts$/, shown: '*.ts', skip: ['test/golden/cases', 'test/golden/invalid'] },
  { dir: 'bench', files: /\.(js|mjs|cjs)$/, shown: '*.{js,mjs,cjs}', skip: ['bench/.cache', 'bench/results'] },
  { dir: 'scripts', files: /./, shown: 'every file', skip: [] },
  // What no line break can split in generated files: an Envoy type URL, a Markdown table row.
  { dir: 'templates', files: /\.hbs$/, shown: '*.hbs', skip: [], unbreakable: /^\s*"@type": "[^" ]+"$|^\|.*\|$/ },
];

/** The files of one scope entry, as paths from the repository root. */
function filesOf({ dir, files, skip }: (typeof SCOPE)[number]): string[] {
  const walk = (path: string): string[] =>
    readdirSync(join(ROOT, path), { withFileTypes: true }).flatMap((e) => {
      const child = `${path}/${e.name}`;
      if (e.isDirectory()) return skip.includes(child) ? [] : walk(child);
      return files.test(e.name) ? [child] : [];
    });
  return walk(dir);
}

/** `file:line: N chars` for every line of `text` longer than MAX_LINE characters (not bytes). */
function longLines(file: string, text: string, unbreakable?: RegExp): string[] {
  return text.split('\n').flatMap((line, i) => {
    const chars = [...line.replace(/\r$/, '')].length;
    if (chars <= MAX_LINE || unbreakable?.test(line)) return [];
    return [`${file}:${i + 1}: ${chars} chars`];
  });
}

describe(`lines are at most ${MAX_LINE} characters`, () => {
  for (const scope of SCOPE) {
    const files = filesOf(scope);
    it(`in ${scope.dir}/ (${scope.shown}${scope.skip.length ? `, not ${scope.skip.join(', ')}` : ''})`, () => {
      expect(files.length, `no files found under ${scope.dir}/`).toBeGreaterThan(0);
      const text = (file: string) => readFileSync(join(ROOT, file), 'utf8');
      const long = files.flatMap((file) => longLines(file, text(file), scope.unbreakable));
      expect(long, 'split these lines (strings with +, comments wrapped, titles reworded)').toEqual([]);
    });
  }

  it('counts characters, not bytes, and names the file and line', () => {
    const text = ['short', 'é'.repeat(MAX_LINE), `${'x'.repeat(MAX_LINE + 1)}\r`].join('\n');
    expect(longLines('a.ts', text)).toEqual([`a.ts:3: ${MAX_LINE + 1} chars`]);
  });

  it('leaves out the skipped folders', () => {
    const golden = (f: string) => f.startsWith('test/golden/cases/') || f.startsWith('test/golden/invalid/');
    const test = SCOPE.find((s) => s.dir === 'test')!;
    expect(filesOf({ ...test, files: /./, skip: [] }).filter(golden).length).toBeGreaterThan(0);
    expect(filesOf({ ...test, files: /./ }).filter(golden)).toEqual([]);
    expect(filesOf(test)).toContain('test/guards/line-length.test.ts');
  });
});
