/**
 * Turning values into Envoy YAML text. Every string is written as a double-quoted scalar in JSON
 * syntax (JSON strings are valid YAML 1.2 double-quoted scalars), with everything outside printable
 * ASCII escaped as \uXXXX so no YAML or terminal quirk can change its meaning. Comments are one line.
 */

/** A comment line's text: one line, no control characters. */
export function envoyComment(text: string): string {
  return text.replace(/[\r\n\t\u2028\u2029\u0085]+/g, ' ').replace(/\p{Cc}/gu, '');
}

/** Milliseconds as a proto3 JSON Duration: `5s`, `0.250s`, `1.500s`. */
export function envoyDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(3)}s`;
}

/** An RE2 rewrite substitution: literal text with `\N` captures; a literal backslash is doubled. */
export function envoySubstitution(parts: readonly (string | number)[]): string {
  return parts.map((p) => (typeof p === 'number' ? `\\${p}` : p.replace(/\\/g, '\\\\'))).join('');
}

/** An anchored path regex (`^...$`) widened to match a whole `:path` header, query string included. */
export function withQuery(regex: string): string {
  const body = regex.endsWith('$') ? regex.slice(0, -1) : regex;
  return `${body}(?:\\?.*)?$`;
}

/**
 * A JSON value as YAML flow (JSON is YAML 1.2), ASCII only: a string becomes a double-quoted
 * scalar, and nested proto JSON the view builds (requirements, RBAC rules, metadata) a flow mapping.
 */
export function envoyFlow(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A POSIX shell word: single-quoted, a quote inside written as '\''. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
