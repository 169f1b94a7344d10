import { escapeRegex } from '../../model/path.js';
import type { PathRule, RefusedPathForm } from '../../model/types.js';
import { nginxRegex } from './escape.js';
import { ERROR_URI_PREFIX } from './problems-view.js';

/**
 * The model's path rule (`edge.paths`) in nginx. nginx decodes the path into $uri, merges
 * slashes and resolves dot segments itself, so the refused forms are looked for in the path as
 * the client sent it: the part of $request_uri before `?` ($gw_raw_path). A form found makes
 * $gw_path_refused its name and the server answers 400 before any location (gw's problem, via
 * error_page). The internal redirect of that error_page runs the server-level check again;
 * error URIs are exempt, so it runs once.
 */
export interface NginxPathsView {
  /** One map line per refused form: the form's regex (quoted for nginx) and its name. */
  forms: { form: RefusedPathForm; regex: string }[];
  /** `~^/__gw_error/`: internal error URIs, exempt from the check. */
  exempt: string;
  /** A path (before `?`) holding one of the model's markers: only then are the forms looked for. */
  marked: string;
}

export function buildNginxPathsView(rule: PathRule): NginxPathsView {
  return {
    forms: rule.refused.map(({ form, pattern }) => ({ form, regex: nginxRegex(`~${pattern}`) })),
    exempt: nginxRegex(`~^${ERROR_URI_PREFIX}`),
    marked: nginxRegex(`~^[^?]*(?:${rule.markers.map(escapeRegex).join('|')})`),
  };
}
