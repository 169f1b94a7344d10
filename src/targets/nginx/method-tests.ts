import type { Route } from '../../model/types.js';

/** `map $request_method $<variable> { GET 1; HEAD 1; default 0; }` */
export interface MethodMapView {
  variable: string;
  methods: string[];
}

/** The `if` conditions on the request method that locations use, and the maps they need. */
export class MethodTests {
  private readonly maps = new Map<string, MethodMapView>();

  /** A condition true (`want` 1) or false (0) for these methods: a comparison for one, a map lookup for several. */
  test(methods: readonly string[], want: 0 | 1): string {
    const sorted = [...new Set(methods)].sort();
    if (sorted.length === 1 && want === 1) return `$request_method = ${sorted[0]}`;
    const variable = `$gw_methods_${sorted.join('_').toLowerCase()}`;
    if (!this.maps.has(variable)) this.maps.set(variable, { variable, methods: sorted });
    return `${variable} = ${want}`;
  }

  /** The maps, in a stable order. */
  list(): MethodMapView[] {
    return [...this.maps.values()].sort((a, b) => (a.variable < b.variable ? -1 : 1));
  }
}

/** Methods a path's routes answer (their `effective.methods`), sorted. */
export function methodsOf(routes: readonly Route[]): string[] {
  return [...new Set(routes.flatMap((r) => r.effective.methods))].sort();
}
