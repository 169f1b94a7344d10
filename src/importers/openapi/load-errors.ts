import { relative, sep } from 'node:path';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import { escapePointerToken, formatPointer } from '../../diagnostics/json-pointer.js';
import type { PointerLocator } from '../../diagnostics/locate.js';
import { suggestClosest } from '../../diagnostics/suggest.js';
import { parsePointer, type RawDocuments } from './raw-documents.js';
import { explainSpecSchemaErrors, type AjvLikeError } from './spec-errors.js';

/** What a failure is explained against: the spec, its text and its documents as written. */
export interface FailureContext {
  file: string;
  location: string;
  projectDir: string;
  locator: PointerLocator;
  text: string;
  raw?: RawDocuments;
}

/** One of json-schema-ref-parser's errors, as it reports a $ref it cannot follow. */
interface RefError {
  code?: string;
  message: string;
  source?: string;
  path?: (string | number)[] | null;
  targetToken?: string;
  targetFound?: string;
  targetRef?: string;
}

/** swagger-parser's (and json-schema-ref-parser's) failures -> diagnostics, every $ref error of the group. */
export function explainValidationFailure(err: unknown, ctx: FailureContext): Diagnostic[] {
  const refErrors = refErrorsOf(err);
  if (refErrors.length > 0) return refErrors.map((e) => explainRefError(e, ctx));
  const { file } = ctx;
  const details = (err as { details?: AjvLikeError[] }).details;
  if (Array.isArray(details)) return explainSpecSchemaErrors(details, file, ctx.locator);
  const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
  if (/is not a valid Openapi API definition/.test(message)) {
    return [
      createDiagnostic('GW_SPEC_INVALID', `"${file}" has no "paths" object`, {
        locations: [{ file, pointer: '#' }],
        hints: [
          'an OpenAPI document lists its operations under a top-level `paths:` key (3.1 also allows only `webhooks`)',
        ],
      }),
    ];
  }
  return [
    createDiagnostic(
      'GW_SPEC_INVALID',
      `"${file}" is not a valid OpenAPI document: ${message.replace(/^Validation failed\.\s*/, '')}`,
      {
        locations: [{ file }],
        hints: [
          'fix the spec; gw checks it with @apidevtools/swagger-parser, which any editor plugin for OpenAPI mirrors',
        ],
      },
    ),
  ];
}

function refErrorsOf(err: unknown): RefError[] {
  const group = (err as { errors?: RefError[] }).errors;
  if (Array.isArray(group)) return group;
  const code = (err as { code?: unknown }).code;
  const isRefError =
    typeof code === 'string' &&
    /^E(RESOLVER|MISSINGPOINTER|UNMATCHEDRESOLVER|PARSER|UNMATCHEDPARSER|TIMEOUT)$/.test(code);
  return isRefError ? [err as RefError] : [];
}

function explainRefError(e: RefError, ctx: FailureContext): Diagnostic {
  const { file, location, locator, text } = ctx;
  const pointer = e.path ? formatPointer(e.path) : undefined;
  const refFile = e.source && e.source !== location ? displayOf(e.source, location.replace(/[^/]*$/, '')) : undefined;
  const ref = pointer ? findRefText(text, locator, pointer) : undefined;
  const quoted = ref ? `$ref "${ref}"` : 'a $ref';
  const what =
    e.code === 'EMISSINGPOINTER'
      ? `${quoted} points at something that does not exist${refFile ? ` in "${refFile}"` : ''}`
      : e.code === 'EPARSER'
        ? `${quoted} leads to a file that is not valid YAML or JSON`
        : `${quoted} cannot be resolved`;
  const close = e.code === 'EMISSINGPOINTER' ? closestTarget(e, ref, ctx.raw) : undefined;
  return createDiagnostic('GW_SPEC_REF_UNRESOLVED', `${what} (in "${file}")`, {
    locations: [{ file, ...(pointer ? { pointer, ...locator.locate(pointer) } : {}) }],
    hints: [
      ...(close ? [`did you mean "${close}"?`] : []),
      'check the file name and the #/pointer after it; relative $refs resolve from the file that contains them',
    ],
    cause: withoutFolder(e.message.split('\n')[0]!, ctx.projectDir),
  });
}

/** `#/components/schemas/Thng` -> `#/components/schemas/Thing`: the closest key where the pointer stopped. */
function closestTarget(e: RefError, ref: string | undefined, raw: RawDocuments | undefined): string | undefined {
  if (!raw || !e.source || typeof e.targetToken !== 'string' || typeof e.targetFound !== 'string') return undefined;
  let found: unknown = raw.docs[e.source];
  for (const seg of parsePointer(e.targetFound.replace(/^#/, ''))) found = isMap(found) ? found[seg] : undefined;
  if (!isMap(found)) return undefined;
  const close = suggestClosest(e.targetToken, Object.keys(found));
  if (close === undefined) return undefined;
  const filePart = ref?.includes('#') ? ref.slice(0, ref.indexOf('#')) : '';
  return `${filePart}${e.targetFound === '#' ? '#' : e.targetFound}/${escapePointerToken(close)}`;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isContainer = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';

function valueAt(root: unknown, keys: readonly string[]): unknown {
  let v = root;
  for (const k of keys) v = isContainer(v) ? v[k] : undefined;
  return v;
}

/** A parser message names files by absolute path: shown relative to the project, as everywhere else. */
function withoutFolder(message: string, projectDir: string): string {
  return message.split(projectDir + sep).join('');
}

/** A file the parser names, relative to the spec's folder (a URL as it is). */
function displayOf(path: string, base: string): string {
  return /^https?:\/\//i.test(path) ? path : relative(base, path).split(sep).join('/') || path;
}

/** The $ref string at a pointer, read from the root text (undefined when it lives in another file). */
function findRefText(text: string, locator: PointerLocator, pointer: string): string | undefined {
  const pos = locator.locate(pointer);
  if (!pos) return undefined;
  const lines = text
    .split('\n')
    .slice(pos.line - 1, pos.line + 2)
    .join('\n');
  return /["']?\$ref["']?\s*:\s*["']?([^"'\n,}]+)/.exec(lines)?.[1]?.trim();
}

/**
 * The parser leaves null where a $ref led nowhere. The `$ref` goes back in its place, as written
 * (as circular $refs stay), so the OpenAPI schema check and the importer's own checks read a
 * Reference Object there instead of tripping over the null.
 */
export function restoreUnresolvedRefs(document: Record<string, unknown>, err: unknown, raw: RawDocuments): void {
  for (const e of refErrorsOf(err)) {
    if (!e.path || e.path.length === 0) continue;
    const keys = e.path.map(String);
    const parent = valueAt(document, keys.slice(0, -1));
    const last = keys.at(-1)!;
    if (!isContainer(parent) || parent[last] !== null) continue;
    const written = valueAt(raw.docs[raw.root], keys);
    const ref = isMap(written) && typeof written.$ref === 'string' ? written.$ref : e.targetRef;
    if (typeof ref === 'string') parent[last] = { $ref: ref };
  }
}
