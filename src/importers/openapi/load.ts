import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import { PointerLocator } from '../../diagnostics/locate.js';
import { createRawDocuments, rawCapture, type RawDocuments } from './raw-documents.js';
import { checkOpenApiSchema, type SchemaCheck } from './schema-check.js';
import { explainSpecSchemaErrors } from './spec-errors.js';
import { explainValidationFailure, restoreUnresolvedRefs, type FailureContext } from './load-errors.js';
import { SpecParser } from './spec-parser.js';
import { detectVersion, parseSpecText, type SpecText } from './spec-text.js';

/** A spec that parsed and validated: its dereferenced document and where it came from. */
export interface LoadedSpec {
  /** How the model and diagnostics name it: a path relative to the project folder, or the URL. */
  file: string;
  /** What was read: an absolute path or the URL. */
  location: string;
  /** '2.0', '3.0.3', '3.1.0', ... */
  openapi: string;
  /** The validated, dereferenced document (a clone: the parsed text is never mutated). */
  document: Record<string, unknown>;
  /** Finds line:column of a pointer in the root file's text. */
  locator: PointerLocator;
  /** Every local file the document is made of (the root and its $ref targets), absolute. */
  files: string[];
  /** Whether a part of it was read from a URL (the root or a $ref target): it may change with no file changing. */
  remote: boolean;
  /** The documents as written ($refs intact), for the public API description (api-doc.ts). */
  raw: RawDocuments;
}

/**
 * A spec that failed may still come with its document (`spec`), dereferenced as far as its $refs
 * go, so that the importer's own checks (operationIds, x-gw, security, ...) report in the same run.
 */
export type LoadResult =
  | { ok: true; spec: LoadedSpec; diagnostics: Diagnostic[]; schemaCheck?: Promise<Diagnostic[]> }
  | { ok: false; diagnostics: Diagnostic[]; spec?: LoadedSpec };

export interface LoadOptions {
  /**
   * Runs the OpenAPI schema check later or elsewhere (gw build: once its renders are handed out). The result
   * is then `ok` before the check is back, and `schemaCheck` resolves with its diagnostics: the
   * caller must await it, and treat a spec with schema errors as one that failed to load.
   */
  checkSchema?: SchemaCheck;
  /** The file's text and its parse, when the caller has them already (a scan of the specs folder): not read again. */
  preread?: SpecText;
}

export const FETCH_TIMEOUT_MS = 15_000;

export function isUrl(spec: string): boolean {
  return /^https?:\/\//i.test(spec);
}

/** How a spec is named in gw.yaml, the model and diagnostics: a URL as is, a file relative to the project folder. */
export function specDisplayName(spec: string, projectDir: string): string {
  if (isUrl(spec)) return spec;
  const abs = isAbsolute(spec) ? spec : resolve(projectDir, spec);
  return relative(projectDir, abs).split('\\').join('/') || abs;
}

/** Reads (file or URL), parses (YAML or JSON) and validates (swagger-parser) one OpenAPI document. */
export async function loadSpec(spec: string, projectDir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const file = specDisplayName(spec, projectDir);
  const location = isUrl(spec) ? spec : resolve(projectDir, spec);
  const read = options.preread ? { ok: true as const, text: options.preread.text } : await readSpecText(location, file);
  if (!read.ok) return read;
  const { text } = read;
  const locator = new PointerLocator(text);
  const parsed = options.preread ? { ok: true as const, data: options.preread.data } : parseSpecText(text, file);
  if (!parsed.ok) return parsed;
  const data = parsed.data;

  const version = detectVersion(data);
  if (!version) {
    return fail(
      createDiagnostic('GW_SPEC_VERSION', `"${file}" is not an OpenAPI 2.0, 3.0 or 3.1 document`, {
        locations: [{ file, pointer: '#', ...locator.locate('#/openapi') }],
        hints: ['the document needs a top-level `openapi: 3.x.y` or `swagger: "2.0"` (a string, in quotes)'],
      }),
    );
  }
  const failure: FailureContext = { file, location, projectDir, locator, text };
  try {
    // The user chose this spec, so $refs may lead to internal hosts (the parser blocks them by default).
    // Circular $refs stay as $ref objects: gw never walks schemas deeply, and the schema check needs a tree.
    const parseOptions = {
      continueOnError: true,
      resolve: { http: { safeUrlResolver: false, timeout: FETCH_TIMEOUT_MS } },
      dereference: { circular: 'ignore' },
      validate: { schema: false, spec: true },
    };
    // swagger-parser mutates what it is given. `data` was parsed here and nobody else holds it, so it
    // goes in as is (a clone of a 13 MB spec costs ~0.1 s); only the servers it rewrites are kept aside.
    const servers = snapshotServers(data as Record<string, unknown>);
    // The public spec needs the documents with their $refs, which validate() replaces in place:
    // the root is copied first, and the files its $refs reach are kept as read (rawCapture).
    const raw = createRawDocuments(location, file, text, data as Record<string, unknown>, projectDir);
    failure.raw = raw;
    const parser = new SpecParser();
    const withCapture = { ...parseOptions, parse: { gwRaw: rawCapture(raw) } };
    const { document, refErrors, ruleError } = await parser.validateAll(location, data as object, withCapture);
    const files = parser.$refs.paths('file');
    const remote = isUrl(location) || parser.$refs.paths().length > files.length;
    restoreServers(document, servers);
    const loaded: LoadedSpec = { file, location, openapi: version, document, locator, files, remote, raw };
    if (refErrors || ruleError) {
      // Every problem in one run: the $refs or the broken rule, the schema check on what resolved, then
      // (by the caller, with `spec`: checkFailedSpec) the importer's checks.
      if (refErrors) restoreUnresolvedRefs(document, refErrors, raw);
      const schemaErrors = explainSpecSchemaErrors(checkOpenApiSchema(document, version), file, locator);
      const diagnostics = [...explainValidationFailure(refErrors ?? ruleError, failure), ...schemaErrors];
      return { ok: false, diagnostics, spec: loaded };
    }
    if (options.checkSchema) {
      const schemaCheck = options
        .checkSchema(document, version)
        .then((errors) => (errors.length > 0 ? explainSpecSchemaErrors(errors, file, locator) : []));
      return { ok: true, spec: loaded, diagnostics: [], schemaCheck };
    }
    const schemaErrors = checkOpenApiSchema(document, version);
    if (schemaErrors.length > 0) {
      return { ok: false, diagnostics: explainSpecSchemaErrors(schemaErrors, file, locator), spec: loaded };
    }
    return { ok: true, spec: loaded, diagnostics: [] };
  } catch (err) {
    return { ok: false, diagnostics: explainValidationFailure(err, failure) };
  }
}

async function readSpecText(
  location: string,
  file: string,
): Promise<{ ok: true; text: string } | { ok: false; diagnostics: Diagnostic[] }> {
  if (isUrl(location)) {
    try {
      const res = await fetch(location, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
      if (!res.ok) {
        return fail(
          createDiagnostic('GW_SPEC_FETCH', `fetching "${file}" answered HTTP ${res.status}`, {
            locations: [{ file }],
            hints: [
              'check the URL in a browser or with `curl -I`; a private spec may need a token, so download it and ' +
                'import the file',
            ],
          }),
        );
      }
      return { ok: true, text: await res.text() };
    } catch (err) {
      return fail(
        createDiagnostic('GW_SPEC_FETCH', `cannot fetch "${file}"`, {
          locations: [{ file }],
          hints: [
            'check the host and port are right and reachable from here, or download the spec and import the file',
          ],
          cause: unwrapFetchError(err),
        }),
      );
    }
  }
  try {
    return { ok: true, text: await readFile(location, 'utf8') };
  } catch (err) {
    return fail(
      createDiagnostic('GW_SPEC_NOT_FOUND', `cannot read spec "${file}"`, {
        locations: [{ file }],
        hints: ['check the path: spec paths in gw.yaml are relative to the folder of gw.yaml'],
        cause: err,
      }),
    );
  }
}

interface ServerSnapshot {
  root: unknown;
  /** path -> (key in the path item, "servers" or a method) -> servers */
  paths: Map<string, Map<string, unknown>>;
}

/** The servers arrays as written, at document, path-item and operation level (root file only). */
function snapshotServers(original: Record<string, unknown>): ServerSnapshot {
  const paths = new Map<string, Map<string, unknown>>();
  for (const [path, item] of Object.entries((original.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    if (!item || typeof item !== 'object') continue;
    const found = new Map<string, unknown>();
    if (Array.isArray(item.servers)) found.set('servers', structuredClone(item.servers));
    for (const [key, op] of Object.entries(item)) {
      const servers = (op as { servers?: unknown } | null)?.servers;
      if (key !== 'servers' && Array.isArray(servers)) found.set(key, structuredClone(servers));
    }
    if (found.size > 0) paths.set(path, found);
  }
  return { root: Array.isArray(original.servers) ? structuredClone(original.servers) : undefined, paths };
}

/**
 * swagger-parser rewrites relative server URLs of a spec read from a URL, dropping the port
 * (http://host:8080/spec.yaml + /api -> http://host/api). gw resolves them itself (servers.ts),
 * so the document gets back the servers it was written with.
 */
function restoreServers(document: Record<string, unknown>, snapshot: ServerSnapshot): void {
  if (snapshot.root !== undefined) document.servers = snapshot.root;
  const target = (document.paths ?? {}) as Record<string, Record<string, unknown>>;
  for (const [path, found] of snapshot.paths) {
    const item = target[path];
    if (!item) continue;
    for (const [key, servers] of found) {
      if (key === 'servers') item.servers = servers;
      else if (item[key]) (item[key] as Record<string, unknown>).servers = servers;
    }
  }
}

function unwrapFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  if (cause?.message) return cause.message;
  if (err instanceof Error && err.name === 'TimeoutError') return `no answer within ${FETCH_TIMEOUT_MS / 1000}s`;
  return err instanceof Error ? err.message : String(err);
}

function fail(d: Diagnostic): { ok: false; diagnostics: Diagnostic[] } {
  return { ok: false, diagnostics: [d] };
}
