import { basename } from 'node:path';
import type { Diagnostic, Location } from '../diagnostics/diagnostic.js';
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import { PointerLocator } from '../diagnostics/locate.js';
import { isUrl, loadSpec, type LoadedSpec } from '../importers/openapi/load.js';
import type { SchemaCheck } from '../importers/openapi/schema-check.js';
import { checkFailedSpec, importOpenApi, type ImportInput } from '../importers/openapi/to-service.js';
import { mergeFragments } from '../merge/merge.js';
import type { ServiceFragment } from '../model/fragment.js';
import type { Gateway } from '../model/types.js';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import type { ServiceConfig } from '../project/config.js';
import { applyAcknowledgements } from '../project/acknowledge.js';
import { applyCredentials, resolveRateLimitStore } from '../project/credentials.js';
import { resolveEdge } from '../project/edge.js';
import { resolveListen } from '../project/listen.js';
import { loadProject, type Project } from '../project/load.js';

export interface LoadedGateway {
  project: Project;
  gateway: Gateway;
  /** Sorted; may hold errors, in which case the gateway is incomplete. */
  diagnostics: Diagnostic[];
}

/** gw.yaml -> every spec loaded and imported -> one merged Gateway, with every problem found on the way. */
export async function loadGateway(configPath: string): Promise<LoadedGateway> {
  const project = await loadProject(configPath);
  const { gateway, diagnostics } = await buildGateway(project);
  return { project, gateway, diagnostics };
}

export interface BuiltGateway {
  gateway: Gateway;
  diagnostics: Diagnostic[];
  /** Local files the gateway was built from: the specs and every file their $refs reach (not gw.yaml). */
  files: string[];
  /** Whether a spec, or a file its $refs reach, was read from a URL (`files` is then not all it was built from). */
  remote: boolean;
  /**
   * When every spec's schema check is back: this same result when they all passed; otherwise the
   * gateway built without the specs that failed, and their schema errors (as if they had failed
   * to load). Already settled unless BuildOptions.checkSchema runs the checks elsewhere.
   */
  checked: Promise<BuiltGateway>;
}

export interface BuildOptions {
  /** Services to answer from their specs' examples, on top of those with `mock: true`. */
  mockServices?: ReadonlySet<string>;
  /**
   * Runs the specs' OpenAPI schema checks later or elsewhere (gw build: once the renders are
   * handed to its helper thread), so import, merge and even rendering go ahead meanwhile; the
   * caller must then await `checked`. Import and merge never change a loaded document, so the
   * check sees the document as loaded.
   */
  checkSchema?: SchemaCheck;
}

/** What the gateway's assembly reads of a loaded spec: not its documents, which are let go once imported. */
type SpecTrace = Pick<LoadedSpec, 'file' | 'locator' | 'files' | 'remote'>;

interface ServiceResult {
  /** The spec, when it loaded. */
  spec?: SpecTrace;
  fragment?: ServiceFragment;
  diagnostics: Diagnostic[];
  /** The schema check's diagnostics, when it ran elsewhere. */
  schemaCheck?: Promise<Diagnostic[]>;
  /** What the importer threw on a spec whose schema check was still out (a schema error may explain it). */
  importFailure?: unknown;
}

export async function buildGateway(project: Project, options: BuildOptions = {}): Promise<BuiltGateway> {
  const { config } = project;
  const configAt = configLocator(project);
  const { unique: services, diagnostics: duplicates } = dropDuplicateNames(config.services ?? [], configAt);
  // One spec at a time, each let go once imported: a spec's documents take many times its size in memory, and a
  // gateway of many large specs loaded at once would hold them all (the work is CPU-bound on this thread anyway).
  const results = await mapInTurn(services, async ({ entry, index: i }): Promise<ServiceResult> => {
    const loaded = await loadSpec(entry.spec, project.dir, { checkSchema: options.checkSchema });
    const input = (spec: LoadedSpec): ImportInput => ({
      spec,
      name: entry.name,
      config: entry,
      configAt: (pointer) => configAt(`#/services/${i}${pointer}`),
      defaults: config.settings,
      configFile: basename(project.file),
      mock: entry.mock === true || options.mockServices?.has(entry.name) === true,
    });
    if (!loaded.ok) {
      if (!loaded.spec) return { diagnostics: loaded.diagnostics };
      return { diagnostics: checkFailedSpec(input(loaded.spec), loaded.diagnostics), spec: traceOf(loaded.spec) };
    }
    const spec = traceOf(loaded.spec);
    const schemaCheck = loaded.schemaCheck;
    // Handled from the start: a check that fails while other specs still load is no unhandled rejection.
    schemaCheck?.catch(() => undefined);
    try {
      const imported = importOpenApi(input(loaded.spec));
      return { ...imported, spec, schemaCheck };
    } catch (err) {
      if (!schemaCheck) throw err;
      return { diagnostics: [], spec, schemaCheck, importFailure: err };
    }
  });
  const assemble = (outcomes: readonly ServiceResult[]): BuiltGateway => {
    const locators = new Map<string, PointerLocator>();
    const files = new Set<string>();
    let remote = services.some(({ entry }) => isUrl(entry.spec));
    for (const { spec } of outcomes) {
      if (!spec) continue;
      locators.set(spec.file, spec.locator);
      for (const f of spec.files) files.add(f);
      remote ||= spec.remote;
    }
    const fragments = outcomes.flatMap((r) => (r.fragment ? [r.fragment] : []));
    const merged = mergeFragments(fragments, {
      name: config.name,
      listen: resolveListen(config.listen),
      rateLimitStore: resolveRateLimitStore(config),
      edge: resolveEdge(config.edge),
    });
    const withCredentials = applyCredentials(merged.gateway, config, configAt);
    const found = [
      ...duplicates,
      ...outcomes.flatMap((r) => r.diagnostics),
      ...merged.diagnostics,
      ...withCredentials.diagnostics,
    ];
    const diagnostics = fillLines(applyAcknowledgements(found, config.acknowledge ?? [], configAt), locators);
    const built: BuiltGateway = {
      gateway: withCredentials.gateway,
      diagnostics: sortDiagnostics(diagnostics),
      files: [...files].sort(),
      remote,
      checked: undefined as never,
    };
    built.checked = Promise.resolve(built);
    return built;
  };
  if (!results.some((r) => r.schemaCheck)) return assemble(results);
  // Checks still out: the specs that fail theirs count as failed loads, as if checked in turn.
  const checks = Promise.all(results.map((r) => r.schemaCheck ?? Promise.resolve([]))).then((found) => {
    const failed = found.map((c) => c.length > 0);
    for (const [k, r] of results.entries()) if (r.importFailure !== undefined && !failed[k]) throw r.importFailure;
    // A spec that fails its check: its schema errors and the importer's, without its fragment.
    const failedResult = (r: ServiceResult, k: number): ServiceResult => ({
      diagnostics: [...found[k]!, ...r.diagnostics],
      ...(r.spec ? { spec: r.spec } : {}),
    });
    return failed.includes(true) ? results.map((r, k) => (failed[k] ? failedResult(r, k) : r)) : undefined;
  });
  let first: BuiltGateway;
  try {
    first = assemble(results);
  } catch (err) {
    // Merging what an invalid spec gave may fail; its schema errors are then the answer.
    const corrected = await checks;
    if (!corrected) throw err;
    return assemble(corrected);
  }
  first.checked = checks.then((corrected) => (corrected ? assemble(corrected) : first));
  first.checked.catch(() => undefined);
  return first;
}

function traceOf(spec: LoadedSpec): SpecTrace {
  return { file: spec.file, locator: spec.locator, files: spec.files, remote: spec.remote };
}

/** `work` on each item, one after the other (each started once the last is done); the results in order. */
async function mapInTurn<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await work(item));
  return out;
}

/** A name used twice in gw.yaml is reported there; only its first service is imported. */
function dropDuplicateNames(services: readonly ServiceConfig[], configAt: (pointer: string) => Location) {
  const first = new Map<string, number>();
  const unique: { entry: ServiceConfig; index: number }[] = [];
  const diagnostics: Diagnostic[] = [];
  services.forEach((entry, index) => {
    const earlier = first.get(entry.name);
    if (earlier === undefined) {
      first.set(entry.name, index);
      unique.push({ entry, index });
      return;
    }
    diagnostics.push(
      createDiagnostic(
        'GW_SERVICE_DUPLICATE',
        `two services in gw.yaml are named "${entry.name}" (specs "${services[earlier]!.spec}" and "${entry.spec}")`,
        {
          locations: [configAt(`#/services/${earlier}/name`), configAt(`#/services/${index}/name`)],
          hints: ['rename one of them in gw.yaml; `gw import FILE --name NEW-NAME` does the same'],
        },
      ),
    );
  });
  return { unique, diagnostics };
}

/** Locations in gw.yaml, with line:column. */
export function configLocator(project: Project): (pointer: string) => Location {
  const locator = new PointerLocator(project.text);
  return (pointer) => ({ file: project.displayName, pointer, ...locator.locate(pointer) });
}

/**
 * Model sources carry file + pointer only; diagnostics about them get line:column here, at the edge, one pass per
 * file.
 */
export function fillLines(diagnostics: Diagnostic[], locators: ReadonlyMap<string, PointerLocator>): Diagnostic[] {
  const wanted = new Map<string, Set<string>>();
  for (const d of diagnostics) {
    for (const l of d.locations) {
      if (l.line !== undefined || !l.pointer || !locators.has(l.file)) continue;
      const set = wanted.get(l.file) ?? new Set<string>();
      set.add(l.pointer);
      wanted.set(l.file, set);
    }
  }
  const found = new Map([...wanted].map(([file, pointers]) => [file, locators.get(file)!.locateMany([...pointers])]));
  return diagnostics.map((d) => ({
    ...d,
    locations: d.locations.map((l) => {
      const at = l.pointer ? found.get(l.file)?.get(l.pointer) : undefined;
      return at ? { ...l, ...at } : l;
    }),
  }));
}
