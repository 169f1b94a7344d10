import type { PathRule } from '../model/types.js';

/**
 * The request path as the router sees it and as it is forwarded, by the rule nginx and Envoy
 * follow too (the model's `edge.paths`, set by src/model/path-forms.ts):
 * - a path in one of the refused forms (a `.` or `..` segment, `\`, %2F or %5C, an escape of a
 *   letter, digit or `-._~`, a malformed escape or %00, `#`) is refused (400);
 * - every other escape is decoded (`/a%20b` is `/a b`);
 * - empty segments are merged (`//a///b` = `/a/b`, nginx's and Envoy's merge_slashes), a trailing slash kept;
 * - each segment is escaped again the way nginx escapes a URI it forwards (`escapes` below): space,
 *   `"#%<>?\^`{|}`, control characters and bytes from 0x7F up become `%XX`; everything else is sent as is.
 * Returns the segments in that forwarded form, or undefined for a path to refuse.
 */
export function normalizePath(path: string, rule: PathRule): string[] | undefined {
  if (path.charCodeAt(0) !== 47) return undefined;
  if (refusedForms(rule).test(path)) return undefined;
  let text = path;
  if (path.indexOf('%') !== -1) {
    const decoded = percentDecode(path);
    if (decoded === undefined) return undefined;
    text = decoded;
  }
  const out: string[] = [];
  const parts = text.split('/');
  const last = parts.length - 1;
  for (let i = 1; i <= last; i++) {
    const s = parts[i]!;
    if (s === '' || s === '.') {
      if (i === last) out.push('');
      continue;
    }
    if (s === '..') {
      if (out.length === 0 || (out.length === 1 && out[0] === '')) return undefined;
      out.pop();
      if (i === last) out.push('');
      continue;
    }
    out.push(needsEscape(s) ? escapeSegment(s) : s);
  }
  // The root is no segments at all, as the model's "/" is.
  return out.length === 1 && out[0] === '' ? [] : out;
}

const compiled = new WeakMap<PathRule, RegExp>();

/** One regex finding any of the rule's refused forms (never matches when none is refused). */
function refusedForms(rule: PathRule): RegExp {
  let re = compiled.get(rule);
  if (!re) {
    const any = rule.refused.map((r) => `(?:${r.pattern})`).join('|');
    re = new RegExp(any === '' ? '(?!)' : any);
    compiled.set(rule, re);
  }
  return re;
}

/** `%XX` to the byte it names (as a latin1 character); undefined for a malformed escape or NUL. */
function percentDecode(text: string): string | undefined {
  let out = '';
  let from = 0;
  for (let i = text.indexOf('%'); i !== -1; i = text.indexOf('%', from)) {
    const code = parseInt(text.slice(i + 1, i + 3), 16);
    if (!/^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3)) || code === 0) return undefined;
    out += text.slice(from, i) + String.fromCharCode(code);
    from = i + 3;
  }
  return out + text.slice(from);
}

/**
 * What nginx (1.21.1 and later, Debian's 1.22 checked by test/e2e/nginx-paths.test.ts) escapes in a
 * URI it forwards: controls, space, `"`, `#`, `%`, `<`, `>`, `?`, `\`, `^`, `` ` ``, `{`, `|`, `}`, DEL and up.
 */
const ESCAPED_ASCII = new Set([...' "#%<>?\\^`{|}'].map((c) => c.charCodeAt(0)));

function escapes(code: number): boolean {
  return code < 0x20 || code >= 0x7f || ESCAPED_ASCII.has(code);
}

function needsEscape(segment: string): boolean {
  for (let i = 0; i < segment.length; i++) if (escapes(segment.charCodeAt(i))) return true;
  return false;
}

function escapeSegment(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    out += escapes(c) ? `%${c.toString(16).toUpperCase().padStart(2, '0')}` : segment[i];
  }
  return out;
}
