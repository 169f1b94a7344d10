import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Handlebars from 'handlebars';
import { GwError } from '../diagnostics/gw-error.js';
import { suggestClosest } from '../diagnostics/suggest.js';
import type { RenderOptions, TargetName } from './types.js';

/** The templates shipped with gw: `<package>/templates/<target>/*.hbs` (from src/targets and dist/targets alike). */
export const BUNDLED_TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

export type Helpers = Record<string, (...args: never[]) => unknown>;

/** How every template is compiled: strict (a field the view lacks throws), no HTML escaping. */
export const TEMPLATE_OPTIONS = { strict: true, noEscape: true } as const;

/**
 * dist/compiled-templates/<target>.cjs of the package: the bundled templates precompiled by
 * scripts/compile-templates.js at `npm run build` (this module is <package>/{src,dist}/targets/templates.*).
 */
export const PRECOMPILED_TEMPLATES = fileURLToPath(new URL('../../dist/compiled-templates/', import.meta.url));

/** One precompiled template: the text it was made from, and Handlebars' template spec for it. */
export interface PrecompiledTemplate {
  source: string;
  spec: TemplateSpecification;
}

/** A target's precompiled templates by file name (`nginx.conf.hbs`), as scripts/compile-templates.js writes them. */
export type PrecompiledTemplates = ReadonlyMap<string, PrecompiledTemplate>;

const require = createRequire(import.meta.url);

/** What precompiled templates must have been made with: this Handlebars, these options. */
export function templatesStamp(): string {
  const version = (JSON.parse(readFileSync(require.resolve('handlebars/package.json'), 'utf8')) as { version: string })
    .version;
  return `handlebars@${version} ${JSON.stringify(TEMPLATE_OPTIONS)}`;
}

/**
 * The precompiled templates of a target, or undefined when there are none (dist/ not built, run
 * from src/ before a build) or they were made by another Handlebars: then every file compiles here.
 */
export function loadPrecompiledTemplates(target: TargetName): PrecompiledTemplates | undefined {
  let mod: { gwStamp?: string; templates?: Record<string, PrecompiledTemplate> };
  try {
    mod = require(join(PRECOMPILED_TEMPLATES, `${target}.cjs`)) as typeof mod;
  } catch {
    return undefined;
  }
  return mod.gwStamp === templatesStamp() && mod.templates ? new Map(Object.entries(mod.templates)) : undefined;
}

/** Parses one template: its AST as compile() takes it, or the GW_TEMPLATE_SYNTAX error naming the file and line. */
export function parseTemplate(hbs: typeof Handlebars, text: string, file: string): hbs.AST.Program {
  try {
    return hbs.parse(text);
  } catch (err) {
    throw templateError('GW_TEMPLATE_SYNTAX', file, err as HandlebarsFailure);
  }
}

/**
 * The templates of one target, parsed once, in an isolated Handlebars environment: strict mode
 * (a field the view lacks throws), no HTML escaping, only the helpers the target registers.
 * A file named `_name.hbs` is the partial `name`; any other `name.hbs` is rendered by name.
 */
export interface TemplateSet {
  /** The file each template or partial came from (bundled, or the user's override). */
  readonly files: ReadonlyMap<string, string>;
  render(template: string, view: unknown): string;
  /** A file the target copies as it is (`templates/<target>/<name>` without `.hbs`), or the user's copy of it. */
  asset(name: string): Promise<Asset>;
}

export interface Asset {
  contents: string;
  /** Where the file is in the gw package (`templates/nginx/gw-auth.js`), or null for the user's copy. */
  shipped: string | null;
}

interface HandlebarsFailure {
  message: string;
  lineNumber?: number;
  column?: number;
  gwTemplate?: string;
}

/**
 * Loads a target's templates, the user's overrides from `--templates DIR/<target>/` replacing
 * bundled files of the same name. A file whose text is the one a precompiled template was made
 * from (`precompiled`, by default dist/compiled-templates/) takes that template and is not
 * compiled again; when every file does, only Handlebars' runtime is loaded, not its compiler.
 * Either way a file renders the same: precompiling runs the very steps compiling does here.
 */
export async function loadTemplates(
  target: TargetName,
  options: RenderOptions,
  helpers: Helpers,
  precompiled: PrecompiledTemplates | undefined = loadPrecompiledTemplates(target),
): Promise<TemplateSet> {
  const bundledDir = join(BUNDLED_TEMPLATES, target);
  const files = new Map<string, string>();
  const assets = new Map<string, string>();
  for (const name of await listFiles(bundledDir))
    (name.endsWith('.hbs') ? files : assets).set(name, join(bundledDir, name));
  if (options.templatesDir !== undefined) await addOverrides(target, options.templatesDir, files, assets);

  const sorted = [...files].sort(([a], [b]) => (a < b ? -1 : 1));
  const texts = await Promise.all(sorted.map(([, file]) => readFile(file, 'utf8')));
  const ready = texts.map((text, i) => {
    const pre = precompiled?.get(sorted[i]![0]);
    return pre !== undefined && pre.source === text ? pre.spec : undefined;
  });
  const runtimeOnly = ready.every((spec) => spec !== undefined);
  // handlebars/runtime.js is the same environment without the compiler (its typings say nothing of it).
  const hbs = (
    runtimeOnly ? (await import('handlebars/runtime.js')).default : (await import('handlebars')).default
  ) as typeof Handlebars;
  const env = hbs.create();
  for (const [name, fn] of Object.entries(helpers)) env.registerHelper(name, fn as Handlebars.HelperDelegate);
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  for (const [i, [name, file]] of sorted.entries()) {
    const spec = ready[i];
    const fn =
      spec !== undefined ? env.template(spec) : env.compile(parseTemplate(env, texts[i]!, file), TEMPLATE_OPTIONS);
    // Partials are wrapped so that an error inside one names the partial's file, not its caller's.
    const named: Handlebars.TemplateDelegate = (context, opts) => {
      try {
        return fn(context, opts);
      } catch (err) {
        (err as HandlebarsFailure).gwTemplate ??= file;
        throw err;
      }
    };
    if (name.startsWith('_'))
      env.registerPartial(name.slice(1, -'.hbs'.length), named as unknown as Handlebars.Template);
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
    async asset(name) {
      const file = assets.get(name);
      if (file === undefined) throw new Error(`target ${target} ships no file "${name}"`);
      const shipped = file === join(bundledDir, name) ? `templates/${target}/${name}` : null;
      return { contents: await readFile(file, 'utf8'), shipped };
    },
  };
}

/** The files of a templates folder: templates and partials (`.hbs`) and files copied as they are. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

async function addOverrides(
  target: TargetName,
  root: string,
  files: Map<string, string>,
  assets: Map<string, string>,
): Promise<void> {
  const isDir = await stat(root).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) {
    throw GwError.of('GW_TEMPLATE_NOT_FOUND', `the templates folder "${root}" does not exist or is not a folder`, {
      locations: [{ file: root }],
      hints: [
        'pass --templates a folder with one sub-folder per target, e.g. my-templates/nginx/gw.conf.hbs; see ' +
          'docs/templates.md',
      ],
    });
  }
  const dir = join(root, target);
  const own = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!own) return;
  const known = [...files.keys()];
  for (const name of await listFiles(dir)) {
    // Other files (notes, backups) are not gw's, as before: only a shipped file's name replaces it.
    if (!name.endsWith('.hbs')) {
      if (assets.has(name)) assets.set(name, join(dir, name));
      continue;
    }
    if (!files.has(name)) {
      const copied = assets.has(name.slice(0, -'.hbs'.length)) ? name.slice(0, -'.hbs'.length) : undefined;
      const close = suggestClosest(name, known);
      throw GwError.of(
        'GW_TEMPLATE_UNKNOWN',
        `"${join(dir, name)}" has the name of no ${target} template or partial, so it would be ignored`,
        {
          locations: [{ file: join(dir, name) }],
          hints: [
            copied
              ? `${copied} is copied as it is, not rendered: name your copy "${copied}"`
              : close
                ? `did you mean "${close}"?`
                : `the ${target} templates are: ${known.join(', ')}`,
          ],
        },
      );
    }
    files.set(name, join(dir, name));
  }
}

function templateError(
  code: 'GW_TEMPLATE_SYNTAX' | 'GW_TEMPLATE_RENDER',
  file: string,
  err: HandlebarsFailure,
): GwError {
  // Handlebars' messages name the view as "[object Object]" and end with " - line:column"; keep what helps.
  const parseLine = /Parse error on line (\d+)/.exec(err.message);
  const line = err.lineNumber ?? (parseLine ? Number(parseLine[1]) : undefined);
  const column = err.column !== undefined ? err.column + 1 : undefined;
  const missing = /^"([^"]+)" not defined in/.exec(err.message);
  const what = missing
    ? `"${missing[1]}" is not a field of the view here`
    : err.message
        .replace(/ - \d+:\d+$/, '')
        .replace(/\[object Object\]/g, 'the view')
        .split('\n')[0]!;
  return GwError.of(code, `${code === 'GW_TEMPLATE_SYNTAX' ? 'template does not parse' : 'template failed'}: ${what}`, {
    locations: [{ file, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) }],
    hints: [
      missing
        ? 'templates run in strict mode: use only the fields of the view named in the comment at the top of the ' +
          'bundled template'
        : 'compare with the bundled template of the same name (templates/<target>/ in the gw package)',
    ],
    cause: err.message.replace(/\[object Object\]/g, 'the view'),
  });
}
