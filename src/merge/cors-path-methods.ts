import type { Route } from '../model/types.js';

/**
 * The methods a CORS preflight allows on each path template when `cors.methods` is not set: those
 * the path's routes that have CORS answer (`methodsOf`: HEAD with GET), sorted. Merge settles it
 * into each route's `effective.corsMethods` (decide-gateway.ts), which every data plane prints.
 */
export function corsPathMethods<R extends Pick<Route, 'settings' | 'path'>>(
  routes: readonly R[],
  methodsOf: (r: R) => readonly string[],
): Map<string, string[]> {
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) {
    if (!r.settings.cors) continue;
    let set = byPath.get(r.path);
    if (!set) {
      set = new Set();
      byPath.set(r.path, set);
    }
    for (const m of methodsOf(r)) set.add(m);
  }
  return new Map([...byPath].map(([path, set]) => [path, [...set].sort()]));
}
