import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const SRC = join(ROOT, 'src');

/** Every folder under src/ (src itself excluded), as `runtime/auth`. */
function sourceFolders(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => [relative(SRC, join(dir, e.name)), ...sourceFolders(join(dir, e.name))]);
}

/** The .ts modules directly in one folder of src/. */
function modulesIn(folder: string): string[] {
  return readdirSync(join(SRC, folder)).filter((f) => f.endsWith('.ts') && statSync(join(SRC, folder, f)).isFile());
}

/**
 * docs/architecture.md's folder sections: a `### \`src/<folder>/\`` heading, then a table whose
 * first column names the folder's modules (`file.ts`, several in one cell if they go together).
 */
function documentedFolders(): Map<string, string[]> {
  const text = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const sections = new Map<string, string[]>();
  const parts = text.split(/^### `src\/([\w./-]+?)\/?`.*$/m);
  for (let i = 1; i < parts.length; i += 2) {
    const body = parts[i + 1]!.split(/^#{1,3} /m)[0]!;
    const cells = [...body.matchAll(/^\| ([^|\n]+) \|/gm)].map((m) => m[1]!);
    const files = cells.flatMap((c) => [...c.matchAll(/`([\w.-]+\.ts)`/g)].map((m) => m[1]!));
    sections.set(parts[i]!, [...(sections.get(parts[i]!) ?? []), ...files]);
  }
  return sections;
}

describe('docs/architecture.md describes the source layout as it is', () => {
  const documented = documentedFolders();
  const folders = sourceFolders();

  it('finds the folders and their sections', () => {
    expect(folders.length).toBeGreaterThan(10);
    expect(documented.size).toBeGreaterThan(10);
  });

  it('has a `### `src/<folder>/`` section for every folder under src/', () => {
    expect(folders.filter((f) => !documented.has(f))).toEqual([]);
  });

  it('has no section for a folder that does not exist', () => {
    expect([...documented.keys()].filter((f) => !existsSync(join(SRC, f)))).toEqual([]);
  });

  for (const folder of folders) {
    it(`src/${folder}/: every module in the table, every table entry a module`, () => {
      const listed = documented.get(folder) ?? [];
      const modules = modulesIn(folder);
      const unlisted = modules.filter((m) => !listed.includes(m));
      const gone = listed.filter((m) => !modules.includes(m));
      expect(unlisted, 'modules missing from the table').toEqual([]);
      expect(gone, 'table entries that are no module here').toEqual([]);
    });
  }
});
