import type { Route } from '../../model/types.js';
import { nginxComment, nginxString } from './escape.js';
import type { HandlerView } from './handler-view.js';
import { PATH_VARIABLE } from './locations.js';

/** Named locations for routes dispatched from another route's location. */
export interface NamedView {
  name: string;
  comments: string[];
  handler: HandlerView;
}

/** An internal location: a route reached from another path's location, or the other methods of a path (fallbacks). */
export interface InternalView {
  prefix: string;
  comments: string[];
  /** For a fallback location: per method, the later template's regex and the route location to go to. */
  fallbacks: { when: string; regex: string; uri: string }[];
  allow: string;
  handler: HandlerView | null;
}

/** `handler(r, regex)`: the route's handler in a location whose URI the regex matches (by default, the route's own). */
export type HandlerOf = (r: Route, regex?: string) => HandlerView;

/**
 * The locations beside the path locations, made on first use: a route's named location (a jump
 * with `error_page 418 = @name`), its internal location (`rewrite … last`, so nginx checks its
 * body limit), and a path's fallback location for methods that routes of later templates serve.
 */
export class SideLocations {
  private readonly internals = new Map<string, InternalView>();
  private readonly named = new Map<string, NamedView>();
  private readonly routeIndex: Map<Route, number>;

  constructor(
    routes: readonly Route[],
    private readonly handler: HandlerOf,
  ) {
    this.routeIndex = new Map(routes.map((r, i) => [r, i]));
  }

  /** The URI of the route's own internal location, reached with `rewrite … last`. */
  routeUri(r: Route): string {
    const i = this.routeIndex.get(r)!;
    const prefix = `/__gw_route/${i}/`;
    if (!this.internals.has(prefix)) {
      this.internals.set(prefix, {
        prefix,
        comments: [nginxComment(`internal: ${r.method} ${r.path} (${sourceOf(r)})`)],
        fallbacks: [],
        allow: '',
        handler: this.handler(r, `^/__gw_route/${i}${r.match.regex.slice(1)}`),
      });
    }
    return `/__gw_route/${i}${PATH_VARIABLE}`;
  }

  /** The route's named location. */
  namedFor(r: Route): string {
    const name = `@gw_route_${this.routeIndex.get(r)!}`;
    if (!this.named.has(name))
      this.named.set(name, {
        name,
        comments: [nginxComment(`${r.method} ${r.path} -> ${r.id} (${sourceOf(r)})`)],
        handler: this.handler(r),
      });
    return name;
  }

  /** The fallback location of path template `order` (path `path`): its URI, rewritten to with `last`. */
  fallback(order: number, path: string, fallbacks: InternalView['fallbacks'], allow: string): string {
    const prefix = `/__gw_fallback/${order}/`;
    this.internals.set(prefix, {
      prefix,
      comments: [nginxComment(`internal: methods of other paths that also match ${path}`)],
      fallbacks,
      allow: nginxString(allow),
      handler: null,
    });
    return `/__gw_fallback/${order}${PATH_VARIABLE}`;
  }

  internalList(): InternalView[] {
    return [...this.internals.values()].sort((a, b) => (a.prefix < b.prefix ? -1 : 1));
  }

  namedList(): NamedView[] {
    return [...this.named.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }
}

/** A route's spec file and JSON pointer, for comments. */
export function sourceOf(r: Route): string {
  return nginxComment(`${r.source.file}${r.source.pointer}`);
}
