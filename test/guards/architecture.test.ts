import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every import of every src file: relative ones resolved to src-relative .ts paths, packages by name. */
function importGraph(): Map<string, { local: string[]; packages: string[] }> {
  const graph = new Map<string, { local: string[]; packages: string[] }>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const specs = [
      ...[...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!),
      // import('...') too: a module loaded on demand still belongs to the graph the rules are about.
      ...[...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!),
    ];
    const local = specs
      .filter((s) => s.startsWith('.'))
      .map((s) => relative(SRC, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
    const packages = specs.filter((s) => !s.startsWith('.'));
    graph.set(relative(SRC, file), { local, packages });
  }
  return graph;
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
