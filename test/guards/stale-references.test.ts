import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/** The folders whose code comments may name a file of the repository. */
const CODE = ['src', 'scripts', 'bench', 'test'];
const CODE_FILE = /\.(ts|js|mjs|cjs)$/;
/** A repository path as comments write it: a top-level folder, then a file with an extension. */
const REPO_PATH = new RegExp(
  String.raw`(?<![\w./<-])((?:src|test|docs|scripts|bench|templates|schema|examples)` +
    String.raw`(?:\/[\w-][\w.-]*)+\.(?:ts|js|mjs|cjs|md|json|hbs|yaml))\b`,
  'g',
);
/** A comment line, or the comment at the end of a line of code. */
const COMMENT = /^\s*(?:\/\/|\/?\*)(.*)$|\s\/\/\s(.*)$/;

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'golden' || e.name.startsWith('.')) return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? codeFiles(path) : CODE_FILE.test(e.name) ? [path] : [];
  });
}

/** The pages whose whole text may name a file of the repository. */
function docPages(): string[] {
  const docs = join(ROOT, 'docs');
  const pages = readdirSync(docs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md'));
  return [...pages.map((f) => join(docs, f)), join(ROOT, 'README.md'), join(ROOT, 'bench', 'README.md')];
}

/** `file:line path` for every repository path the chosen text of each line names. */
function namedPaths(files: string[], textOf: (line: string) => string): string[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) =>
        [...textOf(line).matchAll(REPO_PATH)].map((p) => `${relative(ROOT, file)}:${i + 1} ${p[1]}`),
      ),
  );
}

const commentOf = (line: string): string => {
  const m = COMMENT.exec(line);
  return m ? (m[1] ?? m[2] ?? '') : '';
};
const missing = (named: string[]) => named.filter((n) => !existsSync(join(ROOT, n.split(' ')[1]!)));

describe('comments and docs name files that exist', () => {
  const inCode = namedPaths(
    CODE.flatMap((top) => codeFiles(join(ROOT, top))),
    commentOf,
  );
  const inDocs = namedPaths(docPages(), (line) => line);
  it('finds the paths they name', () => {
    expect(inCode.length).toBeGreaterThan(20);
    expect(inDocs.length).toBeGreaterThan(20);
  });
  it('every path a code comment names is in the repository', () => expect(missing(inCode)).toEqual([]));
  it('every path the docs name is in the repository', () => expect(missing(inDocs)).toEqual([]));
});
