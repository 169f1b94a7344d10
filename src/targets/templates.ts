import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { GwError } from '../diagnostics/gw-error.js';
import { suggestClosest } from '../diagnostics/suggest.js';
import type { RenderOptions, TargetName } from './types.js';

/** The templates shipped with gw: `<package>/templates/<target>/*.hbs` (from src/targets and dist/targets alike). */
export const BUNDLED_TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

export type Helpers = Record<string, (...args: never[]) => unknown>;

/**
 * The templates of one target, parsed once, in an isolated Handlebars environment: strict mode
 * (a field the view lacks throws), no HTML escaping, only the helpers the target registers.
 * A file named `_name.hbs` is the partial `name`; any other `name.hbs` is rendered by name.
 */
export interface TemplateSet {
  /** The file each template or partial came from (bundled, or the user's override). */
  readonly files: ReadonlyMap<string, string>;
  render(template: string, view: unknown): string;
}

interface HandlebarsFailure {
  message: string;
  lineNumber?: number;
  column?: number;
  gwTemplate?: string;
}

/** Loads a target's templates, the user's overrides from `--templates DIR/<target>/` replacing bundled files of the same name. */
export async function loadTemplates(target: TargetName, options: RenderOptions, helpers: Helpers): Promise<TemplateSet> {
  const bundledDir = join(BUNDLED_TEMPLATES, target);
  const files = new Map<string, string>();
  for (const name of await listTemplates(bundledDir)) files.set(name, join(bundledDir, name));
  if (options.templatesDir !== undefined) await addOverrides(target, options.templatesDir, files);

  const env = Handlebars.create();
  for (const [name, fn] of Object.entries(helpers)) env.registerHelper(name, fn as Handlebars.HelperDelegate);
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  for (const [name, file] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const text = await readFile(file, 'utf8');
    let ast: hbs.AST.Program;
    try {
      ast = env.parse(text);
    } catch (err) {
      throw templateError('GW_TEMPLATE_SYNTAX', file, err as HandlebarsFailure);
    }
    const fn = env.compile(ast, { strict: true, noEscape: true });
    // Partials are wrapped so that an error inside one names the partial's file, not its caller's.
    const named: Handlebars.TemplateDelegate = (context, opts) => {
      try {
        return fn(context, opts);
      } catch (err) {
        (err as HandlebarsFailure).gwTemplate ??= file;
        throw err;
      }
    };
    if (name.startsWith('_')) env.registerPartial(name.slice(1, -'.hbs'.length), named as unknown as Handlebars.Template);
    else compiled.set(name.slice(0, -'.hbs'.length), named);
  }

  return {
    files,
    render(template, view) {
      const fn = compiled.get(template);
      if (!fn) throw new Error(`target ${target} has no template "${template}.hbs"`);
      try {
        return fn(view);
      } catch (err) {
        const failure = err as HandlebarsFailure;
        throw templateError('GW_TEMPLATE_RENDER', failure.gwTemplate ?? files.get(`${template}.hbs`)!, failure);
      }
    },
  };
}

async function listTemplates(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.hbs')).sort();
}

async function addOverrides(target: TargetName, root: string, files: Map<string, string>): Promise<void> {
  const isDir = await stat(root).then((s) => s.isDirectory(), () => false);
  if (!isDir) {
    throw GwError.of('GW_TEMPLATE_NOT_FOUND', `the templates folder "${root}" does not exist or is not a folder`, {
      locations: [{ file: root }],
      hints: ['pass --templates a folder with one sub-folder per target, e.g. my-templates/nginx/server.hbs; see docs/templates.md'],
    });
  }
  const dir = join(root, target);
  const own = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!own) return;
  const known = [...files.keys()];
  for (const name of await listTemplates(dir)) {
    if (!files.has(name)) {
      const close = suggestClosest(name, known);
      throw GwError.of('GW_TEMPLATE_UNKNOWN', `"${join(dir, name)}" has the name of no ${target} template or partial, so it would be ignored`, {
        locations: [{ file: join(dir, name) }],
        hints: [close ? `did you mean "${close}"?` : `the ${target} templates are: ${known.join(', ')}`],
      });
    }
    files.set(name, join(dir, name));
  }
}

function templateError(code: 'GW_TEMPLATE_SYNTAX' | 'GW_TEMPLATE_RENDER', file: string, err: HandlebarsFailure): GwError {
  // Handlebars' messages name the view as "[object Object]" and end with " - line:column"; keep what helps.
  const parseLine = /Parse error on line (\d+)/.exec(err.message);
  const line = err.lineNumber ?? (parseLine ? Number(parseLine[1]) : undefined);
  const column = err.column !== undefined ? err.column + 1 : undefined;
  const missing = /^"([^"]+)" not defined in/.exec(err.message);
  const what = missing
    ? `"${missing[1]}" is not a field of the view here`
    : err.message.replace(/ - \d+:\d+$/, '').replace(/\[object Object\]/g, 'the view').split('\n')[0]!;
  return GwError.of(code, `${code === 'GW_TEMPLATE_SYNTAX' ? 'template does not parse' : 'template failed'}: ${what}`, {
    locations: [{ file, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) }],
    hints: [
      missing
        ? 'templates run in strict mode: use only the fields of the view named in the comment at the top of the bundled template'
        : 'compare with the bundled template of the same name (templates/<target>/ in the gw package)',
    ],
    cause: err.message.replace(/\[object Object\]/g, 'the view'),
  });
}
