import type { PathRule, ProblemType, RefusedPathForm } from '../../model/types.js';
import { escapeRegex } from '../../model/path.js';
import { nginxRegex } from './escape.js';
import { problemView } from './problems-view.js';

/**
 * The model's path rule (`edge.paths`) in nginx. nginx decodes the path into $uri, merges
 * slashes and resolves dot segments itself, so the refused forms are looked for in the path as
 * the client sent it: the part of $request_uri before `?` ($gw_raw_path). The server-level check
 * costs one regex for most requests: only a path holding one of the model's markers sets
 * $gw_path_refused from the map of the forms, and the server answers it 400 before any location,
 * with gw's problem as the `return` text (an error_page redirect would run the check again).
 */
export interface NginxPathsView {
  /** One map line per refused form: the form's regex (quoted for nginx) and its name. */
  forms: { form: RefusedPathForm; regex: string }[];
  /**
   * A path (before `?`) holding one of the model's markers: only then are the forms looked for.
   * Possessive, so a path without markers is read once (no backtracking over it).
   */
  marked: string;
  /** gw's 400 problem (GW_HTTP_BAD_REQUEST). */
  body: string;
}

export function buildNginxPathsView(rule: PathRule, problems: readonly ProblemType[]): NginxPathsView {
  const bad = problems.find((p) => p.code === 'GW_HTTP_BAD_REQUEST')!;
  return {
    forms: rule.refused.map(({ form, pattern }) => ({ form, regex: nginxRegex(`~${pattern}`) })),
    marked: nginxRegex(markedRegex(rule.markers)),
    body: problemView(bad, 'the request path is not a valid absolute path', []).body,
  };
}

/**
 * `^(?:[^?<lasts>]++|(?<!<prefix>)<l>)*+[<lasts>]`: runs of characters that end no marker, or the
 * last character of markers longer than one character where no marker's prefix stands before it;
 * then the last character of a marker, all before any `?`. Path separators and other characters
 * stay in one run (only a marker's last character breaks it: `.` of `/.` is rare in paths), so
 * an unmarked path is one run and one failed test.
 */
export function markedRegex(markers: readonly string[]): string {
  const lasts = [...new Set(markers.map((m) => m.at(-1)!))];
  const cls = (chars: string[]) => chars.map((c) => (/[\]\\^-]/.test(c) ? `\\${c}` : c)).join('');
  const loop = [`[^?${cls(lasts)}]++`];
  for (const l of lasts) {
    const ending = markers.filter((m) => m.at(-1) === l);
    // A one-character marker ends the loop; the last character of longer ones only after its prefix.
    if (ending.some((m) => m.length === 1)) continue;
    loop.push(`${ending.map((m) => `(?<!${escapeRegex(m.slice(0, -1))})`).join('')}${escapeRegex(l)}`);
  }
  return `^(?:${loop.join('|')})*+[${cls(lasts)}]`;
}
