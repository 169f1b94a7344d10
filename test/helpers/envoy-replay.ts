import { parse } from 'yaml';

/**
 * A replay of Envoy's routing over a generated envoy.yaml, for tests: the HTTP connection
 * manager's path handling in Envoy's order (conn_manager_utility.cc maybeNormalizePath: fragment,
 * escaped slashes, normalize_path, merge_slashes), then the first route of the virtual host whose
 * path and headers match (route_matching.rst), then its rewrite. What Envoy 1.32 documents and
 * its path_utility tests show; see /docs/targets/envoy.md "Request paths".
 */
export interface EnvoyPathSettings {
  normalizePath: boolean;
  mergeSlashes: boolean;
  escapedSlashes: string;
}

interface HeaderMatcher {
  name: string;
  string_match?: { exact?: string; safe_regex?: { regex: string } };
  present_match?: boolean;
}

interface EnvoyRoute {
  name: string;
  match: { path?: string; prefix?: string; safe_regex?: { regex: string }; headers?: HeaderMatcher[] };
  route?: { prefix_rewrite?: string; regex_rewrite?: { pattern: { regex: string }; substitution: string } };
  direct_response?: { status: number };
}

export interface EnvoyTable {
  settings: EnvoyPathSettings;
  routes: EnvoyRoute[];
}

export type ReplayOutcome =
  | { kind: 'route'; name: string; upstreamPath: string }
  | { kind: 'answer'; name: string; status: number }
  | { kind: 'refused'; status: number }
  | { kind: 'none' };

/** The HCM's path settings and the one virtual host's routes, from envoy.yaml's text. */
export function parseEnvoyTable(text: string): EnvoyTable {
  const doc = parse(text);
  const hcm = doc.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
  return {
    settings: {
      normalizePath: hcm.normalize_path === true,
      mergeSlashes: hcm.merge_slashes === true,
      escapedSlashes: hcm.path_with_escaped_slashes_action ?? 'KEEP_UNCHANGED',
    },
    routes: hcm.route_config.virtual_hosts[0].routes,
  };
}

/** What Envoy does with `method path`: the route and upstream path, its own answer, or a refusal. */
export function replayEnvoy(table: EnvoyTable, method: string, target: string): ReplayOutcome {
  const path = envoyPath(table.settings, target);
  if (typeof path === 'number') return { kind: 'refused', status: path };
  const q = path.indexOf('?');
  const bare = q === -1 ? path : path.slice(0, q);
  const headers = new Map([
    [':method', method],
    [':path', path],
  ]);
  for (const r of table.routes) {
    if (!pathMatches(r.match, bare)) continue;
    if (!(r.match.headers ?? []).every((h) => headerMatches(h, headers.get(h.name)))) continue;
    if (r.direct_response) return { kind: 'answer', name: r.name, status: r.direct_response.status };
    return { kind: 'route', name: r.name, upstreamPath: rewrite(r, bare) + (q === -1 ? '' : path.slice(q)) };
  }
  return { kind: 'none' };
}

/** The `:path` after the HCM's normalisation, or the status it refuses the request with. */
export function envoyPath(settings: EnvoyPathSettings, target: string): string | number {
  if (!target.startsWith('/')) return 404;
  if (target.includes('#')) return 400;
  const q = target.indexOf('?');
  let path = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q);
  if (settings.escapedSlashes !== 'KEEP_UNCHANGED' && /%(2f|5c)/i.test(path)) {
    if (settings.escapedSlashes === 'REJECT_REQUEST') return 400;
    if (settings.escapedSlashes === 'UNESCAPE_AND_REDIRECT') return 307;
    path = path.replace(/%2f/gi, '/').replace(/%5c/gi, '\\');
  }
  if (settings.normalizePath) {
    const canonical = canonicalPath(path);
    if (canonical === undefined) return 400;
    path = canonical;
  }
  if (settings.mergeSlashes) path = path.replace(/\/{2,}/g, '/');
  return path + query;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** Characters googleurl's path canonicaliser escapes (kPathCharLookup ESCAPE entries): all but these printable ones. */
const ESCAPED = /[^!#-;=?-_a-z~]/g;

/** googleurl's CanonicalizePath as Envoy uses it: unreserved escapes decoded, `\` a separator, dot segments removed. */
function canonicalPath(path: string): string | undefined {
  if (/%00/.test(path)) return undefined;
  const decoded = path.replace(/%([0-9A-Fa-f]{2})/g, (_all, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(c) ? c : `%${hex.toUpperCase()}`;
  });
  const escaped = decoded.replace(/\\/g, '/').replace(ESCAPED, (c) => encodeURIComponent(c));
  return removeDotSegments(escaped);
}

/** RFC 3986 section 5.2.4; `..` above the root is dropped, as googleurl does. */
function removeDotSegments(path: string): string {
  const out: string[] = [];
  const parts = path.split('/').slice(1);
  parts.forEach((s, i) => {
    const last = i === parts.length - 1;
    if (s === '.' || s === '..') {
      if (s === '..' && out.length > 0) out.pop();
      if (last) out.push('');
      return;
    }
    out.push(s);
  });
  return `/${out.join('/')}`;
}

function pathMatches(m: EnvoyRoute['match'], path: string): boolean {
  if (m.path !== undefined) return path === m.path;
  if (m.prefix !== undefined) return path.startsWith(m.prefix);
  if (m.safe_regex !== undefined) return fullMatch(m.safe_regex.regex, path);
  return false;
}

function headerMatches(h: HeaderMatcher, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (h.present_match) return true;
  if (h.string_match?.exact !== undefined) return value === h.string_match.exact;
  if (h.string_match?.safe_regex !== undefined) return fullMatch(h.string_match.safe_regex.regex, value);
  return false;
}

const compiled = new Map<string, RegExp>();

/** RE2's full match, in JavaScript: the patterns gw writes mean the same in both (src/model/path.ts). */
function fullMatch(regex: string, text: string): boolean {
  return jsRegex(`^(?:${regex})$`).test(text);
}

function jsRegex(source: string, flags = ''): RegExp {
  const key = `${flags}/${source}`;
  let re = compiled.get(key);
  if (!re) {
    re = new RegExp(source, flags);
    compiled.set(key, re);
  }
  return re;
}

/** prefix_rewrite swaps the matched path (gw only writes it on `path` matches); regex_rewrite replaces every match. */
function rewrite(r: EnvoyRoute, path: string): string {
  const prefix = r.route?.prefix_rewrite;
  if (prefix !== undefined) {
    const matched = r.match.path ?? r.match.prefix ?? '';
    return prefix + path.slice(matched.length);
  }
  const rx = r.route?.regex_rewrite;
  if (!rx) return path;
  const substitution = rx.substitution.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1');
  return path.replace(jsRegex(rx.pattern.regex, 'g'), substitution);
}
