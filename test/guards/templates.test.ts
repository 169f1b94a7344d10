import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const TEMPLATES = join(ROOT, 'templates');

/**
 * `{{!-- view: TypeName (src/...ts) ...--}}`, or `TypeName.field` when the template prints one
 * field of the view (a partial given `lua`, say). Only .hbs files are templates; anything else
 * under templates/ is an asset copied as it is.
 */
const HEADER = /^\{\{!--\s*view: ([A-Z]\w*)(?:\.(\w+))? \((src\/[\w./-]+\.ts)\)[\s\S]*?--\}\}/;

function templateFiles(): { target: string; name: string; path: string }[] {
  return readdirSync(TEMPLATES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(TEMPLATES, d.name))
        .filter((f) => f.endsWith('.hbs'))
        .map((name) => ({ target: d.name, name, path: join(TEMPLATES, d.name, name) })),
    );
}

/** The text of `export interface Name ... }` or `export type Name = ...;` in a module, or undefined. */
function declaration(source: string, name: string): string | undefined {
  const m = new RegExp(`^export (interface|type) ${name}\\b`, 'm').exec(source);
  if (!m) return undefined;
  const rest = source.slice(m.index);
  const end = m[1] === 'interface' ? rest.search(/^\}/m) : rest.search(/;$/m);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

describe('each template names the view it prints', () => {
  const files = templateFiles();
  it('finds the templates', () => expect(files.length).toBeGreaterThan(20));

  for (const { target, name, path } of files) {
    it(`${target}/${name}`, () => {
      const m = HEADER.exec(readFileSync(path, 'utf8'));
      expect(m, 'starts with {{!-- view: TypeName (src/file.ts) ... --}}').not.toBeNull();
      const [, type, field, module] = m!;
      expect(existsSync(join(ROOT, module!)), `${module} exists`).toBe(true);
      const decl = declaration(readFileSync(join(ROOT, module!), 'utf8'), type!);
      expect(decl, `${module} exports ${type}`).toBeDefined();
      if (field) expect(decl, `${type} has a field ${field}`).toMatch(new RegExp(`^\\s+${field}\\??:`, 'm'));
    });
  }
});

describe('docs/templates.md lists every template of each target', () => {
  const text = readFileSync(join(ROOT, 'docs', 'templates.md'), 'utf8');
  const byTarget = new Map<string, string[]>();
  for (const { target, name } of templateFiles()) byTarget.set(target, [...(byTarget.get(target) ?? []), name]);
  for (const [target, names] of byTarget) {
    it(target, () => {
      const row = text.split('\n').find((l) => l.startsWith(`| ${target} |`)) ?? '';
      const listed = [...row.matchAll(/`([^`]+\.hbs)`/g)].map((m) => m[1]!);
      expect(listed.sort()).toEqual(names.sort());
    });
  }
});
