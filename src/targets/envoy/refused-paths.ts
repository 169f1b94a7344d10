import type { PathRule, RefusedPathForm } from '../../model/types.js';

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
  return { escapedSlashes: rule.refused.some((r) => r.form === 'escaped-slash') ? 'REJECT_REQUEST' : 'KEEP_UNCHANGED' };
}

/** The forms a route must refuse (route-view.ts puts one route each before all others), with the route's regex. */
export function refusedPathMatches(rule: PathRule): { form: RefusedPathForm; regex: string }[] {
  return rule.refused
    .filter(({ form }) => !REFUSED_BY_ENVOY.has(form))
    .map(({ form, pattern }) => ({ form, regex: `.*(?:${pattern}).*` }));
}
