import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';

/** A spec's text and what it parsed to, read once (`gw import` with no arguments finds specs by parsing them). */
export interface SpecText {
  text: string;
  data: unknown;
}

export type ParseResult = { ok: true; data: unknown } | { ok: false; diagnostics: Diagnostic[] };

/** JSON when it looks like JSON (JSON.parse is several times faster), else YAML, which names line and column. */
export function parseSpecText(text: string, file: string): ParseResult {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { ok: true, data: JSON.parse(text) };
    } catch {
      // Fall through: the YAML parser names the line and column (and reads JSON too).
    }
  }
  try {
    return { ok: true, data: parseYaml(text, { uniqueKeys: true, maxAliasCount: 10_000 }) };
  } catch (err) {
    const pos = err instanceof YAMLParseError ? err.linePos?.[0] : undefined;
    const first = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    const message = first.replace(/ at line \d+, column \d+:?$/, '');
    return {
      ok: false,
      diagnostics: [
        createDiagnostic('GW_SPEC_SYNTAX', `"${file}" is not valid YAML or JSON: ${message}`, {
          locations: [{ file, ...(pos ? { line: pos.line, column: pos.col } : {}) }],
          hints: ['fix the syntax at that line; `npx yaml valid < FILE` or any YAML linter shows the same spot'],
        }),
      ],
    };
  }
}

/** '2.0', '3.0.3', '3.1.0', ... or undefined for anything else. */
export function detectVersion(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as { swagger?: unknown; openapi?: unknown };
  if (d.swagger === '2.0') return '2.0';
  if (typeof d.openapi === 'string' && /^3\.[01]\.\d+$/.test(d.openapi)) return d.openapi;
  return undefined;
}

const KEY_TEXT = /["']?\b(?:openapi|swagger)["']?\s*:/;

/**
 * Whether a file of the specs folder is an OpenAPI document: one with a top-level `openapi` or
 * `swagger` key, whatever its layout (minified JSON, flow YAML, the key after a long `info`). A
 * text that never writes such a key is skipped unparsed. The parse is returned, so the import
 * does not parse the file again. A text that does not parse counts when it names the key in its
 * first 4 KB: importing it then reports the syntax error.
 */
export function sniffOpenApi(text: string, file: string): { found: false } | { found: true; parsed?: SpecText } {
  if (!KEY_TEXT.test(text)) return { found: false };
  const parsed = parseSpecText(text, file);
  if (!parsed.ok) return KEY_TEXT.test(text.slice(0, 4096)) ? { found: true } : { found: false };
  const d = parsed.data;
  const isDoc = typeof d === 'object' && d !== null && !Array.isArray(d) && ('openapi' in d || 'swagger' in d);
  return isDoc ? { found: true, parsed: { text, data: d } } : { found: false };
}
