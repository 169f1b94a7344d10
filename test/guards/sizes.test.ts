import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SRC, sourceFiles } from '../helpers/import-graph.js';

/**
 * Sizes a reader can hold in mind (issue 11): no source file over MAX_FILE_LINES unless its
 * header comment says why in a line starting "Long file:", and no function of a target (the
 * code that prints the model) over MAX_TARGET_FUNCTION_LINES.
 */
const MAX_FILE_LINES = 400;
const MAX_TARGET_FUNCTION_LINES = 80;

const files = sourceFiles(SRC).map((file) => ({ file, name: relative(SRC, file), text: readFileSync(file, 'utf8') }));

/** The comments before the first statement. */
function header(text: string): string {
  const m = /^(?:\s*(?:\/\*[\s\S]*?\*\/|\/\/[^\n]*))+/.exec(text);
  return m ? m[0] : '';
}

/** Every function-like node with a body: its first line and its length in lines. */
function functions(name: string, text: string): { line: number; lines: number }[] {
  const sf = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const out: { line: number; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.end).line;
      out.push({ line: first + 1, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe('source sizes', () => {
  it(`no file over ${MAX_FILE_LINES} lines unless its header says why ("Long file: ...")`, () => {
    const long = files
      .filter(({ text }) => text.split('\n').length > MAX_FILE_LINES)
      .filter(({ text }) => !/^\s*\*?\s*Long file: \S/m.test(header(text)))
      .map(({ name, text }) => `${name}: ${text.split('\n').length} lines`);
    expect(long, 'split these files, or say in their header why they stay whole').toEqual([]);
  });

  it(`no function of a target over ${MAX_TARGET_FUNCTION_LINES} lines`, () => {
    const long = files
      .filter(({ name }) => name.startsWith(join('targets', '')))
      .flatMap(({ name, text }) =>
        functions(name, text)
          .filter((f) => f.lines > MAX_TARGET_FUNCTION_LINES)
          .map((f) => `${name}:${f.line}: ${f.lines} lines`),
      );
    expect(long).toEqual([]);
  });

  it('the checks see what they measure', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(header('/**\n * Long file: why.\n */\nexport {};')).toContain('Long file: why.');
    expect(functions('x.ts', 'function f() {\n  return 1;\n}\n')).toEqual([{ line: 1, lines: 3 }]);
  });
});
