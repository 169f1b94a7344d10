import { PATH_FORM_PATTERNS } from '../../model/path-forms.js';
import type { PathRule, RefusedPathForm } from '../../model/types.js';
import { badPathDirect } from './direct-view.js';
import type { Problems } from './local-replies.js';
import type { RouteView } from './route-view.js';

/**
 * The model's path rule (`edge.paths`) in Envoy: the connection manager refuses %2F and %5C
 * itself (path_with_escaped_slashes_action) and a `#` always; every other refused form gets a
 * route before all others that answers 400 with gw's problem. normalize_path stays off, so these
 * routes see the path as the client sent it (slashes merged), not Envoy's own resolution of it.
 */
export interface EnvoyPathView {
  escapedSlashes: 'REJECT_REQUEST' | 'KEEP_UNCHANGED';
}

/** Forms the connection manager refuses before any route (docs/targets/envoy.md "Request paths"). */
const REFUSED_BY_ENVOY: ReadonlySet<RefusedPathForm> = new Set(['escaped-slash', 'fragment']);

export function buildEnvoyPathView(rule: PathRule): EnvoyPathView {
  return { escapedSlashes: rule.refused.includes('escaped-slash') ? 'REJECT_REQUEST' : 'KEEP_UNCHANGED' };
}

export function refusedPathRoutes(problems: Problems, rule: PathRule): RouteView[] {
  return rule.refused
    .filter((form) => !REFUSED_BY_ENVOY.has(form))
    .map((form) => ({
      comments: [`A path with ${form} is refused in every plane (the model's edge.paths).`],
      name: `refuse ${form}`,
      path: null,
      regex: `.*(?:${PATH_FORM_PATTERNS[form]}).*`,
      headers: [],
      proxy: null,
      direct: badPathDirect(problems),
      policies: null,
    }));
}
