import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Diagnostic, Location } from '../diagnostics/diagnostic.js';
import { hasErrors, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { createDiagnostic, GwError } from '../diagnostics/gw-error.js';
import { isUrl, loadSpec, specDisplayName, type LoadedSpec, type LoadResult } from '../importers/openapi/load.js';
import { listOperations } from '../importers/openapi/paths.js';
import { sniffOpenApi, type SpecText } from '../importers/openapi/spec-text.js';
import { checkFailedSpec, importOpenApi, type ImportInput } from '../importers/openapi/to-service.js';
import { findMissingUpstreams } from '../merge/merge.js';
import type { ServiceFragment } from '../model/fragment.js';
import { deriveServiceName } from '../model/ids.js';
import { DEFAULT_SPECS_DIR, type ServiceConfig } from '../project/config.js';
import { parseProject, type Project } from '../project/load.js';
import { upsertServiceEntry, type UpsertResult } from '../project/save.js';
import { writeConfigFile } from '../project/write-atomic.js';
import { configLocator, fillLines } from './load-gateway.js';

export interface ImportRequest {
  specs: string[];
  name?: string;
  upstreams?: string[];
  prefix?: string;
}

export interface ImportedService {
  name: string;
  spec: string;
  result: UpsertResult;
  openapi: string;
  operations: number;
  routes: number;
  /** The spec the entry had before, when --name pointed an existing service at another spec. */
  previousSpec?: string;
  targets: string[];
  securitySchemes: string[];
}

/**
 * `gw import`: load and validate every spec, settle names, import each into a fragment to surface
 * its problems, then record them in gw.yaml in one atomic write. Any error: nothing is written.
 */
export async function importSpecs(
  project: Project,
  req: ImportRequest,
  cwd = process.cwd(),
): Promise<{ services: ImportedService[]; diagnostics: Diagnostic[] }> {
  const given = req.specs.map((path): FoundSpec => ({ path }));
  const specs = given.length > 0 ? given : await scanSpecsFolder(project);
  if (specs.length > 1 && (req.name !== undefined || req.prefix !== undefined || req.upstreams !== undefined)) {
    throw GwError.of('GW_USAGE', '--name, --prefix and --upstream apply to one spec, but several were given', {
      hints: ['import the specs one by one when they need these flags'],
    });
  }
  const loaded = await Promise.all(
    specs.map((s) => {
      const location = isUrl(s.path) ? s.path : resolve(cwd, s.path);
      return loadSpec(location, project.dir, s.preread ? { preread: s.preread } : {});
    }),
  );
  // A spec that failed with its document reports its load problems with the importer's (checkFailedSpec).
  const diagnostics: Diagnostic[] = loaded.flatMap((l) => (l.ok || !l.spec ? l.diagnostics : []));
  const existing = project.config.services ?? [];
  const configAt = configLocator(project);
  const planned = planEntries(loaded, project, req, diagnostics);

  const services: ImportedService[] = [];
  for (const p of planned) {
    const pointerBase = p.index >= 0 ? `#/services/${p.index}` : undefined;
    const input: ImportInput = {
      spec: p.spec,
      name: p.entry.name,
      config: p.entry,
      configAt: (pointer) =>
        req.upstreams !== undefined && pointer.startsWith('/upstreams')
          ? { file: `--upstream ${req.upstreams[Number(pointer.split('/')[2] ?? 0)] ?? ''}`.trim() }
          : pointerBase
            ? configAt(pointerBase + pointer)
            : { file: 'gw.yaml (new entry)', pointer: pointer || '#' },
      defaults: project.config.settings,
    };
    if (p.failed) {
      diagnostics.push(...checkFailedSpec(input, p.failed));
      continue;
    }
    const { fragment, diagnostics: found } = importOpenApi(input);
    diagnostics.push(...found, ...missingUpstreams(fragment));
    const before = p.index >= 0 ? existing[p.index]!.spec : undefined;
    services.push({
      name: p.entry.name,
      spec: p.entry.spec,
      ...(before !== undefined && before !== p.entry.spec ? { previousSpec: before } : {}),
      result: 'unchanged',
      openapi: p.spec.openapi,
      operations: listOperations(p.spec.document).length,
      routes: fragment.routes.length,
      targets: fragment.upstreams.find((u) => u.id === fragment.service.upstream)?.targets.map((t) => t.url) ?? [],
      securitySchemes: fragment.securitySchemes.map((s) => s.name),
    });
  }
  const locators = new Map(planned.map((p) => [p.spec.file, p.spec.locator]));
  const sorted = sortDiagnostics(fillLines(diagnostics, locators));
  if (hasErrors(sorted)) throw new GwError(sorted);

  planned
    .filter((p) => !p.failed)
    .forEach((p, i) => {
      services[i]!.result = upsertServiceEntry(project.document, p.index, {
        name: p.entry.name,
        spec: p.entry.spec,
        prefix: req.prefix,
        upstreams: req.upstreams,
      });
    });
  const text = project.document.toString({ lineWidth: 0 });
  if (text !== project.text) {
    parseProject(text, project.file, project.displayName);
    await writeConfigFile(project.file, project.displayName, text);
  }
  return { services, diagnostics: sorted };
}

/** Merge reports a service without upstream as an error; at import it is a warning: the next step can fix it. */
function missingUpstreams(fragment: ServiceFragment): Diagnostic[] {
  return findMissingUpstreams([fragment]).map((d) => ({ ...d, severity: 'warning' as const }));
}

interface PlannedEntry {
  entry: ServiceConfig;
  spec: LoadedSpec;
  /** Place in gw.yaml `services`, or -1 for a new entry. */
  index: number;
  /** The load diagnostics of a spec that failed (with its document): checked, never recorded. */
  failed?: Diagnostic[];
}

/**
 * Settles each loaded spec's entry: the same spec keeps its entry and name; a new one is named by
 * --name or its title. A name another service has is an error, except that an explicit --name of
 * another service points that service at this spec.
 */
function planEntries(
  loaded: readonly LoadResult[],
  project: Project,
  req: ImportRequest,
  diagnostics: Diagnostic[],
): PlannedEntry[] {
  const existing = project.config.services ?? [];
  const configAt = configLocator(project);
  const planned: PlannedEntry[] = [];
  for (const l of loaded) {
    if (!l.spec) continue;
    const title = { file: l.spec.file, pointer: '#/info/title', ...l.spec.locator.locate('#/info/title') };
    const specName = isUrl(l.spec.location) ? l.spec.location : specDisplayName(l.spec.location, project.dir);
    const index = existing.findIndex((s) => specDisplayName(s.spec, project.dir) === specName);
    const recorded = index >= 0 ? existing[index]!.name : undefined;
    if (recorded !== undefined && req.name !== undefined && req.name !== recorded) {
      refuseRename(l.spec.file, recorded, req.name, configAt(`#/services/${index}/name`));
    }
    const name = req.name ?? existing[index]?.name ?? nameFromSpec(l.spec);
    if (!name) {
      diagnostics.push(
        createDiagnostic('GW_SERVICE_NAME', `cannot derive a service name from the title of "${l.spec.file}"`, {
          locations: [title],
          hints: [`name it: \`gw import ${l.spec.file} --name NAME\` (lower-case letters, digits, dashes)`],
        }),
      );
      continue;
    }
    const clash = existing.findIndex((s, i) => s.name === name && i !== index);
    const batchClash = planned.find((p) => p.entry.name === name);
    if ((clash >= 0 && (req.name === undefined || index >= 0)) || batchClash) {
      const other = batchClash ? batchClash.spec.file : existing[clash]!.spec;
      diagnostics.push(
        createDiagnostic(
          'GW_SERVICE_DUPLICATE',
          `a service named "${name}" already exists (spec "${other}"), so "${l.spec.file}" needs another name`,
          {
            locations: [clash >= 0 ? configAt(`#/services/${clash}/name`) : { file: other }, title],
            hints: [`name it yourself: \`gw import ${l.spec.file} --name ${name}-2\``],
          },
        ),
      );
      continue;
    }
    const target = index >= 0 ? index : clash;
    const entry: ServiceConfig = {
      ...(target >= 0 ? existing[target] : undefined),
      name,
      spec: index >= 0 ? existing[index]!.spec : specName,
    };
    if (req.prefix !== undefined) entry.prefix = req.prefix;
    if (req.upstreams !== undefined) entry.upstreams = req.upstreams;
    planned.push({ entry, spec: l.spec, index: target, ...(l.ok ? {} : { failed: l.diagnostics }) });
  }
  return planned;
}

/**
 * `gw import a.yaml --name other` where a.yaml is recorded as another service would rename that
 * service, and its routes would vanish under the old name: refused. (Pointing an existing service
 * at another spec with `--name` stays allowed: that is how a service moves to a new spec file.)
 */
function refuseRename(file: string, current: string, wanted: string, at: Location): never {
  throw GwError.of(
    'GW_USAGE',
    `"${file}" is already recorded as service "${current}"; --name ${wanted} would rename it`,
    {
      locations: [at],
      hints: [
        `to update "${current}", import it without --name: \`gw import ${file}\``,
        'to rename the service, edit `name:` of its entry in gw.yaml',
        'to serve the same spec twice, add a second entry by hand in gw.yaml with its own name and prefix',
      ],
    },
  );
}

function nameFromSpec(spec: LoadedSpec): string {
  const title = (spec.document.info as { title?: unknown } | undefined)?.title;
  const fromTitle = typeof title === 'string' ? deriveServiceName(title) : '';
  if (fromTitle) return fromTitle;
  const base = spec.file
    .split('/')
    .pop()!
    .replace(/\.(ya?ml|json)$/i, '');
  return deriveServiceName(base === 'openapi' || base === 'swagger' ? (spec.file.split('/').slice(-2)[0] ?? '') : base);
}

interface FoundSpec {
  path: string;
  /** Text and parse of a file the folder scan read already. */
  preread?: SpecText;
}

/** Every OpenAPI document under the project's specs folder (found by parsing); $ref targets are skipped. */
async function scanSpecsFolder(project: Project): Promise<FoundSpec[]> {
  const folder = join(project.dir, project.config.specs ?? DEFAULT_SPECS_DIR);
  let entries: string[];
  try {
    entries = (await readdir(folder, { recursive: true })).map(String);
  } catch (err) {
    throw GwError.of(
      'GW_USAGE',
      `no spec given, and the specs folder "${relative(process.cwd(), folder) || '.'}" cannot be read`,
      {
        hints: [
          'name the specs: `gw import path/to/openapi.yaml`, or set `specs:` in gw.yaml to the folder that holds them',
        ],
        cause: err,
      },
    );
  }
  const found: FoundSpec[] = [];
  for (const e of entries.filter((f) => /\.(ya?ml|json)$/i.test(f)).sort()) {
    const path = join(folder, e);
    const sniffed = sniffOpenApi(await readFile(path, 'utf8'), e);
    if (sniffed.found) found.push({ path, ...(sniffed.parsed ? { preread: sniffed.parsed } : {}) });
  }
  if (found.length === 0) {
    throw GwError.of('GW_USAGE', `no OpenAPI documents found in "${relative(process.cwd(), folder) || '.'}"`, {
      hints: ['name the specs: `gw import path/to/openapi.yaml`'],
    });
  }
  return found;
}
