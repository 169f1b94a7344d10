import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import { escapePointerToken } from '../../diagnostics/json-pointer.js';
import type { PointerLocator } from '../../diagnostics/locate.js';

/** The part of an Ajv error that swagger-parser passes on in `details`. */
export interface AjvLikeError {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

const SUMMARY_KEYWORDS = new Set(['oneOf', 'anyOf', 'allOf', 'if', 'then', 'else', 'not', '$dynamicRef']);
const KEY_KEYWORDS = new Set(['additionalProperties', 'unevaluatedProperties', 'required']);
export const MAX_SCHEMA_DIAGNOSTICS = 25;

/**
 * OpenAPI-schema violations, one diagnostic per place. Ajv reports every failed branch of the
 * schema; only the deepest error at each place says something a person can act on.
 */
export function explainSpecSchemaErrors(
  errors: readonly AjvLikeError[],
  file: string,
  locator: PointerLocator,
): Diagnostic[] {
  // A schema slot accepts a Schema or a Reference; when the Schema branch fails, Ajv also reports
  // the Reference branch's "missing $ref", which only misleads.
  const concrete = errors.filter(
    (e) =>
      !SUMMARY_KEYWORDS.has(e.keyword) &&
      !(e.keyword === 'required' && e.params?.missingProperty === '$ref' && errors.length > 1),
  );
  const pool = concrete.length > 0 ? concrete : [...errors];
  const paths = pool.map((e) => e.instancePath);
  // Unknown and missing keys always matter; any other error is noise when a deeper one explains it.
  const deepest = pool.filter(
    (e) => KEY_KEYWORDS.has(e.keyword) || !paths.some((p) => p.startsWith(`${e.instancePath}/`)),
  );
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  // Several branch failures at one value (type string, or an enum member) become one sentence.
  const valueErrors = new Map<string, string[]>();
  for (const e of deepest) {
    if (KEY_KEYWORDS.has(e.keyword)) continue;
    const list = valueErrors.get(e.instancePath) ?? [];
    if (e.message && !list.includes(e.message)) list.push(e.message);
    valueErrors.set(e.instancePath, list);
  }
  for (const raw of deepest) {
    const e = KEY_KEYWORDS.has(raw.keyword)
      ? raw
      : { ...raw, message: valueErrors.get(raw.instancePath)!.join(', or ') || raw.message };
    const { pointer, message } = describe(e);
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(
      createDiagnostic('GW_SPEC_INVALID', `"${file}" ${message}`, {
        locations: [{ file, pointer, ...locator.locate(pointer) }],
        hints: [hintFor(e)],
      }),
    );
  }
  if (out.length > MAX_SCHEMA_DIAGNOSTICS) {
    const rest = out.length - MAX_SCHEMA_DIAGNOSTICS;
    return [
      ...out.slice(0, MAX_SCHEMA_DIAGNOSTICS),
      createDiagnostic('GW_SPEC_INVALID', `"${file}" has ${rest} more schema problems like these`, {
        locations: [{ file }],
        hints: ['fix the ones above and run the command again'],
      }),
    ];
  }
  return out;
}

function describe(e: AjvLikeError): { pointer: string; message: string } {
  const pointer = `#${e.instancePath}`;
  const at = e.instancePath === '' ? 'at the top level' : `at ${pointer}`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params?.additionalProperty);
      return {
        pointer: `${pointer}/${escapePointerToken(key)}`,
        message: `has an unknown key "${key}" ${at}`,
      };
    }
    case 'required':
      return { pointer, message: `is missing the required key "${String(e.params?.missingProperty)}" ${at}` };
    case 'unevaluatedProperties': {
      const key = String(e.params?.unevaluatedProperty);
      return {
        pointer: `${pointer}/${escapePointerToken(key)}`,
        message: `has an unknown key "${key}" ${at}`,
      };
    }
    default:
      return { pointer, message: `has a value that ${e.message ?? 'breaks the OpenAPI schema'} ${at}` };
  }
}

function hintFor(e: AjvLikeError): string {
  if (e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties') {
    return 'OpenAPI allows only its own keys here; put custom data under a key starting with x- (gw reads x-gw)';
  }
  if (e.keyword === 'required')
    return `add "${String(e.params?.missingProperty)}" there, as the OpenAPI specification requires`;
  return 'compare with the OpenAPI specification for this object; editors with an OpenAPI plugin show the same error';
}
