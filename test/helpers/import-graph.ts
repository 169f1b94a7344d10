import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from './cli.js';

export const SRC = join(ROOT, 'src');

/** One import of a source file: the module (src-relative .ts path, or a package name) and the names it takes. */
export interface SourceImport {
  module: string;
  local: boolean;
  /** The names between braces (`type` markers dropped); [] for `import x from`, `* as`, `export *` and import(). */
  names: string[];
  /** `import type { ... }`: erased at build time. */
  typeOnly: boolean;
}

/** Files under `dir` whose names end with `ending` (every file for ''). */
export function sourceFiles(dir: string, ending = '.ts'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name), ending) : e.name.endsWith(ending) ? [join(dir, e.name)] : [],
  );
}

/** Every import of every src file, keyed by the file's src-relative path. */
export function importGraph(): Map<string, SourceImport[]> {
  const graph = new Map<string, SourceImport[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const found: { spec: string; clause: string }[] = [
      ...[...text.matchAll(/^\s*(?:import|export)\s([^;]*?)from\s+'([^']+)'/gms)].map((m) => ({
        spec: m[2]!,
        clause: m[1]!,
      })),
      // import('...') too: a module loaded on demand still belongs to the graph the rules are about.
      ...[...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => ({ spec: m[1]!, clause: '' })),
    ];
    graph.set(
      relative(SRC, file),
      found.map(({ spec, clause }) => {
        const local = spec.startsWith('.');
        const braces = /\{([^}]*)\}/.exec(clause)?.[1] ?? '';
        return {
          module: local ? relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts') : spec,
          local,
          names: braces
            .split(',')
            .map(
              (n) =>
                n
                  .trim()
                  .replace(/^type\s+/, '')
                  .split(/\s+as\s+/)[0]!,
            )
            .filter((n) => n !== ''),
          typeOnly: /^type\s/.test(clause.trim()),
        };
      }),
    );
  }
  return graph;
}
