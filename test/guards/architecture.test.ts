import { describe, expect, it } from 'vitest';
import { importGraph as sourceImports } from '../helpers/import-graph.js';

/** Every import of every src file: relative ones resolved to src-relative .ts paths, packages by name. */
function importGraph(): Map<string, { local: string[]; packages: string[] }> {
  return new Map(
    [...sourceImports()].map(([file, imports]) => [
      file,
      {
        local: imports.filter((i) => i.local).map((i) => i.module),
        packages: imports.filter((i) => !i.local).map((i) => i.module),
      },
    ]),
  );
}

const area = (path: string) => path.split('/')[0]!;

/** What each area of src/ may import from other areas (ARCHITECTURE.md, rule 7). */
const ALLOWED: Record<string, string[] | '*'> = {
  model: [],
  diagnostics: [],
  targets: ['model', 'diagnostics'],
  runtime: ['model', 'diagnostics'],
  project: ['model', 'diagnostics'],
  importers: ['model', 'diagnostics', 'project'],
  merge: ['model', 'diagnostics'],
  cli: '*',
  commands: '*',
};

describe('import direction', () => {
  const graph = importGraph();
  it('finds the source files', () => expect(graph.size).toBeGreaterThan(20));
  for (const [file, { local, packages }] of graph) {
    it(file, () => {
      const allowed = ALLOWED[area(file)];
      expect(allowed, `src/${area(file)} is not a known area; add it to ALLOWED`).toBeDefined();
      if (allowed !== '*') {
        const foreign = local.filter((l) => area(l) !== area(file) && !allowed!.includes(area(l)));
        expect(foreign, `${file} imports across the layers`).toEqual([]);
      }
      if (!['cli', 'commands'].includes(area(file))) {
        expect(
          packages.filter((p) => p.startsWith('@oclif/') || p.startsWith('@inquirer/')),
          `${file}: only commands/ and cli/ talk to oclif`,
        ).toEqual([]);
      }
    });
  }
});

describe('no circular imports', () => {
  it('the module graph is acyclic', () => {
    const graph = importGraph();
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, stack: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...stack.slice(stack.indexOf(f)), f].join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const next of graph.get(f)?.local ?? []) visit(next, [...stack, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
