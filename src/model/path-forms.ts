import type { RefusedPath, RefusedPathForm } from './types.js';

/**
 * The request path forms every plane refuses with 400 before routing (the model's
 * `edge.paths.refused`). Each is a form that gw serve, nginx and Envoy would otherwise read
 * differently, so that a request could meet another route (and its auth and limits) on another
 * plane (issue 12 item 5, docs/routing.md "Request paths"):
 * - Envoy's normalize_path resolves `..` before merge_slashes, nginx and gw serve after; Envoy
 *   drops a `..` above the root, nginx refuses it: `dot-segment` (also written %2E, see below);
 * - Envoy's normalize_path takes `\` (and %5C) as a separator, nginx on Linux as data: `backslash`;
 * - nginx decodes %2F into a separator, Envoy keeps it or decodes it by its own setting: `escaped-slash`;
 * - nginx and gw serve decode every escape before matching, Envoy matches the escapes as sent,
 *   so `/gists/%70ublic` is a literal segment to one and a parameter to the other:
 *   `escaped-unreserved` (letters, digits, `-._~` never need escaping, RFC 3986 section 2.3);
 * - nginx refuses a malformed escape or %00, Envoy (without normalize_path) routes it: `bad-escape`;
 * - Envoy refuses a `#` in the path, nginx and Node take it as data: `fragment`.
 * What is left is decoded and `//` merged the same way everywhere.
 *
 * Each pattern (the model's `pattern`, so every plane prints the same text) finds the form anywhere in the path (the
 * part before `?`), as sent by the client or, in Envoy, after merge_slashes (which neither creates nor removes any
 * form). The same text is a valid regex in ECMAScript (gw serve), PCRE (nginx) and RE2 (Envoy).
 */
const PATTERNS: Readonly<Record<RefusedPathForm, string>> = {
  'dot-segment': '/\\.\\.?(?:/|$)',
  backslash: '\\\\',
  'escaped-slash': '%(?:2[Ff]|5[Cc])',
  'escaped-unreserved': '%(?:3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa]|2[DEde]|5[Ff]|7[Ee])',
  'bad-escape': '%(?:00|[0-9A-Fa-f]?(?:[^0-9A-Fa-f]|$))',
  fragment: '#',
};

/**
 * Strings every refused form holds (`%` for the escapes, `\\`, `#`, `/.` for dot segments): a
 * data plane may skip the patterns for a path that has none of them (nginx does: most requests).
 * test/unit/model/path-forms.test.ts checks no pattern matches without one.
 */
export const PATH_MARKERS: readonly string[] = ['%', '\\', '#', '/.'];

/** The model's `edge.paths.refused`: every form, with its pattern. */
export function refusedPaths(): RefusedPath[] {
  return (Object.keys(PATTERNS) as RefusedPathForm[]).map((form) => ({ form, pattern: PATTERNS[form] }));
}
