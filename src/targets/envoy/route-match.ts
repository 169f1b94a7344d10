import { escapeRegex, routeRegexBody } from '../../model/path.js';
import type { Route } from '../../model/types.js';
import { withQuery } from './escape.js';

/** How an Envoy route matches a model route's path: `path:` for a literal path, else an anchored `safe_regex`. */
export interface EnvoyPathMatch {
  /** The exact path (`path:` match), or null. */
  exactPath: string | null;
  /** The anchored RE2 regex of the path, always set (405 blocks and `:path` header matchers use it). */
  regex: string;
}

/** Characters no client needs to escape; any other may come escaped (the model's path rule refuses these escaped). */
const PLAIN = /^[A-Za-z0-9\-._~]*$/;

/**
 * Envoy matches the path as the client sent it (normalize_path off, docs/targets/envoy.md
 * "Request paths"), where gw serve and nginx decode escapes first. So a literal character that
 * a client may also send escaped (`:` as %3A in `/v2/{name}:cancel`) is matched in both forms;
 * paths whose literal text is letters, digits and `-._~` only keep the model's regex.
 */
export function envoyPathMatch(r: Pick<Route, 'segments' | 'params' | 'match' | 'path'>): EnvoyPathMatch {
  let found = matches.get(r);
  if (!found) {
    found = pathMatchOf(r);
    matches.set(r, found);
  }
  return found;
}

/** One answer per route object: the route table, the 405 groups and the rewrites all ask (the model never changes). */
const matches = new WeakMap<object, EnvoyPathMatch>();

function pathMatchOf(r: Pick<Route, 'segments' | 'params' | 'match' | 'path'>): EnvoyPathMatch {
  const plain = r.segments.every((s) => s.parts.every((p) => !('literal' in p) || PLAIN.test(p.literal)));
  if (plain) return { exactPath: r.match.kind === 'exact' ? r.path : null, regex: r.match.regex };
  return { exactPath: null, regex: `^${routeRegexBody(r.segments, r.params, literalOrEscaped)}$` };
}

/**
 * The path regexes the route table prints for `routes`: each route's own, as `:path` header
 * matchers widened withQuery, and the model's. All are built only from RE2-safe parts (model/path.ts,
 * literalOrEscaped below), so the strict check trusts them without compiling each in RE2
 * (check.ts `trustedRegexes`; ~1.5 ms each, and a large spec with escaped literals has thousands).
 */
export function envoyPathRegexes(routes: readonly Route[]): Set<string> {
  const out = new Set<string>();
  for (const r of routes) {
    const { regex } = envoyPathMatch(r);
    out.add(r.match.regex).add(regex).add(withQuery(regex));
  }
  return out;
}

function literalOrEscaped(text: string): string {
  return [...text].map((c) => (PLAIN.test(c) ? escapeRegex(c) : `(?:${escapeRegex(c)}|${escapedForm(c)})`)).join('');
}

/** `%3[Aa]` for ":": the UTF-8 bytes of the character as escapes, either case of hex digit. */
function escapedForm(c: string): string {
  return [...Buffer.from(c, 'utf8')]
    .map((b) => {
      const [hi, lo] = b.toString(16).toUpperCase().padStart(2, '0');
      return `%${caseless(hi!)}${caseless(lo!)}`;
    })
    .join('');
}

function caseless(digit: string): string {
  return /[A-F]/.test(digit) ? `[${digit}${digit.toLowerCase()}]` : digit;
}
