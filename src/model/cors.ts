import type { Route } from './types.js';

/**
 * The methods a CORS preflight allows on each path template when `cors.methods` is not set: those
 * of the path's routes that have CORS (HEAD with GET), sorted. Merge settles it into each route's
 * `effective.corsMethods` (src/merge/decide-gateway.ts); used by the nginx target until it reads
 * the model's fields, then this moves into src/merge/.
 */
export function corsPathMethods(routes: readonly Pick<Route, 'settings' | 'path' | 'method'>[]): Map<string, string[]> {
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) {
    if (!r.settings.cors) continue;
    let set = byPath.get(r.path);
    if (!set) {
      set = new Set();
      byPath.set(r.path, set);
    }
    set.add(r.method);
    if (r.method === 'GET') set.add('HEAD');
  }
  return new Map([...byPath].map(([path, set]) => [path, [...set].sort()]));
}
