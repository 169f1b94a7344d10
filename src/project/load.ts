import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { createDiagnostic, GwError } from '../diagnostics/gw-error.js';
import { PointerLocator } from '../diagnostics/locate.js';
import type { ProjectConfig } from './config.js';
import { checkConfigSchema } from './schema.js';

export const CONFIG_FILE = 'gw.yaml';

/** gw.yaml as loaded: the typed config, and the YAML document kept for comment-preserving rewrites. */
export interface Project {
  /** Absolute path of gw.yaml. */
  file: string;
  /** Folder of gw.yaml: spec paths are relative to it. */
  dir: string;
  /** How diagnostics name gw.yaml: relative to the working folder. */
  displayName: string;
  text: string;
  document: Document;
  config: ProjectConfig;
}

/** Reads gw.yaml and checks it against its schema; every problem is collected, with line:column. */
export async function loadProject(configPath: string, cwd = process.cwd()): Promise<Project> {
  const file = resolve(cwd, configPath);
  const displayName = relative(cwd, file) || configPath;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw GwError.of('GW_CONFIG_NOT_FOUND', `no gw.yaml at "${displayName}"`, {
      locations: [{ file: displayName }],
      hints: ['run `gw init` to create one here, or point at it with --config PATH'],
      cause: err,
    });
  }
  return parseProject(text, file, displayName);
}

export function parseProject(text: string, file: string, displayName: string): Project {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const locator = new LineFinder(text);
    throw new GwError(
      document.errors.map((e) =>
        createDiagnostic('GW_CONFIG_SYNTAX', `gw.yaml is not valid YAML: ${firstLine(e.message)}`, {
          locations: [{ file: displayName, ...locator.at(e.pos[0]) }],
          hints: ['fix the YAML at that line; `git diff gw.yaml` shows recent edits'],
        }),
      ),
    );
  }
  const data: unknown = document.toJS();
  const locator = new PointerLocator(text);
  const diagnostics: Diagnostic[] = checkConfigSchema(data ?? {}).map((p) =>
    createDiagnostic('GW_CONFIG_INVALID', `gw.yaml: ${p.message}`, {
      locations: [{ file: displayName, pointer: p.pointer, ...locator.locate(p.pointer) }],
      hints: [...p.hints, 'the keys of gw.yaml are described in docs/gw-yaml.md'],
    }),
  );
  if (diagnostics.length > 0) throw new GwError(sortDiagnostics(diagnostics));
  return { file, dir: dirname(file), displayName, text, document, config: data as ProjectConfig };
}

class LineFinder {
  constructor(private readonly text: string) {}
  at(offset: number): { line: number; column: number } {
    const before = this.text.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: offset - before.lastIndexOf('\n') };
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? s;
}
