/**
 * Turning values into NGINX configuration text. nginx reads `"..."` strings with `\"` and `\\`
 * escapes and expands `$name` in most of them, so a literal `$` is written as `${gw_dollar}` (a
 * variable gw.conf defines whose value is "$"). Regular expressions are quoted too (they may hold
 * `{`, `}` or `;`), and are never variable-expanded by nginx, so only `"` needs care there.
 */

/** nginx's spelling of a literal `$`: the variable gw.conf's `geo $gw_dollar` defines, braced to stand before letters. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: nginx's variable syntax, not a JavaScript template
const DOLLAR = '${gw_dollar}';

/** A string nginx expands variables in (return text, set values, header values): quoted, `$` kept literal. */
export function nginxString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, DOLLAR).replace(/\r?\n/g, ' ')}"`;
}

/**
 * Text nginx must send byte for byte (a mock answer's body): quoted, `$` kept literal, and line
 * breaks and tabs as the `\n`, `\r`, `\t` escapes nginx's configuration reader turns back into them.
 */
export function nginxText(text: string): string {
  return `"${text.replace(/[\\"\n\r\t]/g, (c) => TEXT_ESCAPES[c]!).replace(/\$/g, DOLLAR)}"`;
}

const TEXT_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A string whose `$name` references are meant as nginx variables (gw's own templates for bodies and headers). */
export function nginxTemplateString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A regular expression for `location ~`, `rewrite` and `if`: quoted; backslashes pass through as PCRE escapes. */
export function nginxRegex(regex: string): string {
  return `"${regex.replace(/\\\\/g, '\\\\\\\\').replace(/"/g, '\\"')}"`;
}

/** A `rewrite` replacement: literal text with `$1`-style captures; a literal `$` becomes `${gw_dollar}`. */
export function nginxReplacement(parts: readonly (string | number)[]): string {
  const text = parts
    .map((p) =>
      typeof p === 'number' ? `$${p}` : p.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, DOLLAR),
    )
    .join('');
  return `"${text}"`;
}

/** A comment line's text: one line, no control characters. */
export function nginxComment(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/\p{Cc}/gu, '');
}

/** Milliseconds as an nginx time: whole seconds as `5s`, anything else as `250ms`. */
export function nginxTime(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Bytes as an nginx size: `1m`, `256k`, or bytes. */
export function nginxSize(bytes: number): string {
  if (bytes > 0 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}m`;
  if (bytes > 0 && bytes % 1024 === 0) return `${bytes / 1024}k`;
  return String(bytes);
}

/** An identifier safe as an upstream or variable name: `gw_orders_1`. */
export function nginxName(id: string): string {
  return `gw_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Text a map or location regex matches literally (header names, origins, methods). */
export function regexLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
