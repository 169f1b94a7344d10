import type { Gateway, Route, Upstream } from '../../model/types.js';
import type { PreflightView } from './cors-view.js';
import { nginxComment, nginxRegex, nginxString } from './escape.js';
import { type ForwardView, sameForwardSettings, type SharedForwards } from './forward-view.js';
import { buildHandlerView, type HandlerView } from './handler-view.js';
import { DISPATCH_ROOT, PATH_VARIABLE, buildLocationTree, type LocationNode, type PathTemplate } from './locations.js';
import { overlapCandidates } from '../../model/overlap-candidates.js';
import { type MethodMapView, MethodTests, methodsOf } from './method-tests.js';
import type { Policies } from './policies.js';
import { type InternalView, type NamedView, SideLocations, sourceOf } from './side-locations.js';

/** A location of the tree: a `^~` prefix or regex nest with children, a path template's location, or a dispatch. */
export interface NodeView {
  prefix: string | null;
  nest: string | null;
  /** An internal prefix location (a dispatch branch). */
  internal: boolean;
  children: NodeView[];
  location: LocationView | null;
  /** `rewrite <regex> <target> last;`: this level dispatches on a segment's value. */
  dispatch: { regex: string; target: string } | null;
}

/** The location of one path template: all methods of its routes (templates/nginx/_location.hbs). */
export interface LocationView {
  match: string;
  comments: string[];
  /** `if (<notMethods>)`: true for methods this location does not answer (a map lookup, no regex). */
  notMethods: string;
  /** What happens to other methods: a 405 (allow set), or the fallback location for routes of later templates. */
  allow: string;
  fallback: string | null;
  /** Other routes of the path: served in place when the location prints what they need, else from another location. */
  dispatch: DispatchView[];
  /** CORS preflights answered here, before the method check. */
  preflight: PreflightView | null;
  handler: HandlerView;
}

export interface DispatchView {
  /** An `if` condition on the method. */
  when: string;
  /** Served inside the `if` block (same location-level settings as the primary route)… */
  inline: ForwardView | null;
  /** …or by this named location (other timeouts; a jump, no second location search)… */
  named: string | null;
  /**
   * …or, when the body limit differs, through `rewrite … last` to the route's internal location:
   * nginx checks client_max_body_size against Content-Length only when it finds a location by
   * URI, not when it jumps to a named one.
   */
  uri: string | null;
}

/** Every location of the server block, and the maps their method checks use. */
export interface LocationsPlan {
  exact: LocationView[];
  tree: NodeView[];
  /** Dispatch branches (locations.ts): server-level internal prefix locations; empty when no level dispatches. */
  branches: NodeView[];
  internals: InternalView[];
  named: NamedView[];
  methodMaps: MethodMapView[];
  /** The CORS preflight maps of the locations that answer preflights. */
  preflights: PreflightView[];
}

/**
 * The model's routes as locations: one per path template (all its methods), literal paths as
 * exact locations, templates nested as locations.ts explains; routes of later templates that
 * match the same paths are reached through internal fallback locations, in model order.
 */
export function planLocations(gateway: Gateway, policies: Policies, shared: SharedForwards): LocationsPlan {
  return new LocationsPlanner(gateway, policies, shared).plan();
}

class LocationsPlanner {
  private readonly groups: Route[][] = [];
  private readonly templates: PathTemplate[];
  private readonly regexes: RegExp[];
  private readonly upstreams: Map<string, Upstream>;
  private readonly side: SideLocations;
  private readonly methods = new MethodTests();
  private readonly preflights: PreflightView[] = [];
  private dispatching = false;

  constructor(
    gateway: Gateway,
    private readonly policies: Policies,
    private readonly shared: SharedForwards,
  ) {
    const byPath = new Map<string, Route[]>();
    for (const r of gateway.routes) {
      let g = byPath.get(r.path);
      if (!g) {
        g = [];
        byPath.set(r.path, g);
        this.groups.push(g);
      }
      g.push(r);
    }
    this.templates = this.groups.map((g, order) => ({
      order,
      segments: g[0]!.segments,
      params: g[0]!.params,
      exact: g[0]!.match.kind === 'exact',
    }));
    this.regexes = this.groups.map((g) => new RegExp(g[0]!.match.regex));
    this.upstreams = new Map(gateway.upstreams.map((u) => [u.id, u]));
    this.side = new SideLocations(gateway.routes, (r, regex) => this.handler(r, regex));
  }

  plan(): LocationsPlan {
    // The location tree first: whether any level dispatches decides how handlers of stripping routes match.
    const tree = buildLocationTree(this.templates);
    this.dispatching = tree.branches.length > 0;
    const exact = this.templates.filter((t) => t.exact).map((t) => this.location(t.order));
    const nodes = tree.nodes.map((n) => this.node(n));
    // Dispatch branches, and the root of their namespace: a client's own /__gw_d/... request is answered 404.
    const branch = (prefix: string, children: NodeView[]): NodeView => ({
      ...NO_NODE,
      prefix: nginxRegex(prefix),
      internal: true,
      children,
    });
    const branches = this.dispatching
      ? [
          ...tree.branches.map((b) =>
            branch(
              b.prefix,
              b.children.map((n) => this.node(n)),
            ),
          ),
          branch(DISPATCH_ROOT, []),
        ]
      : [];
    return {
      exact,
      tree: nodes,
      branches,
      internals: this.side.internalList(),
      named: this.side.namedList(),
      methodMaps: this.methods.list(),
      preflights: this.preflights,
    };
  }

  private node(n: LocationNode): NodeView {
    if (n.kind === 'template') return { ...NO_NODE, location: this.location(n.order, n.at) };
    if (n.kind === 'dispatch') return { ...NO_NODE, dispatch: { regex: nginxRegex(n.regex), target: n.target } };
    return {
      ...NO_NODE,
      prefix: n.kind === 'prefix' ? n.prefix : null,
      nest: n.kind === 'nest' ? nginxRegex(n.regex) : null,
      children: n.children.map((c) => this.node(c)),
    };
  }

  /** The location of path template `order`; `at` precedes the path in the URI there (a dispatch branch's, as regex). */
  private location(order: number, at = ''): LocationView {
    const group = this.groups[order]!;
    const literalPath = this.templates[order]!.exact ? group[0]!.path : undefined;
    const match =
      literalPath !== undefined
        ? `= ${nginxRegex(literalPath)}`
        : `~ ${nginxRegex(`^${at}${group[0]!.match.regex.slice(1)}`)}`;
    return { match, ...this.locationBody(order) };
  }

  /**
   * All of a path template's location but its match, the same wherever the template is repeated
   * (locations.ts): made once and shared, unless it answers preflights, which name their own map
   * in each location.
   */
  private locationBody(order: number): Omit<LocationView, 'match'> {
    const made = this.bodies.get(order);
    if (made) return made;
    const group = this.groups[order]!;
    const own = methodsOf(group);
    const primary = group[0]!;
    const handler = this.handler(primary);
    const dispatch = group.filter((r) => r !== primary).map((r) => this.dispatch(r, handler));
    const { allow, fallback } = this.otherMethods(order, own);
    const preflight = this.policies.preflight(group, (r) => r.effective.methods);
    if (preflight) this.preflights.push(preflight);
    const body = {
      comments: group.map((r) => nginxComment(`${r.method} ${r.path} -> ${r.id} (${sourceOf(r)})`)),
      notMethods: this.methods.test(own, 0),
      allow: nginxString(allow),
      fallback,
      dispatch,
      preflight,
      handler,
    };
    if (!preflight) this.bodies.set(order, body);
    return body;
  }

  private readonly bodies = new Map<number, Omit<LocationView, 'match'>>();

  /** How another route of the path is served from the primary's location. */
  private dispatch(r: Route, primary: HandlerView): DispatchView {
    const h = this.handler(r);
    const when = this.methods.test(r.effective.methods, 1);
    const pf = primary.forward;
    if (h.forward && pf && this.fitsInline(h, primary)) return { when, inline: h.forward, named: null, uri: null };
    if (h.forward && pf && h.forward.settings.maxBody === pf.settings.maxBody)
      return { when, inline: null, named: this.side.namedFor(r), uri: null };
    return { when, inline: null, named: null, uri: this.side.routeUri(r) };
  }

  /**
   * Whether route handler `h` can be served inside an `if` of the location whose handler is
   * `primary`: the location's directives (which cannot stand in `if`) must be the ones it needs.
   * A route that jumps on to a shared location needs the same body limit and checks (its proxy
   * settings are the shared location's); one that proxies from here needs all its settings printed
   * here, so not where the primary jumps on. One that jumps on after its checks needs `try_files`,
   * which cannot stand in `if`.
   */
  private fitsInline(h: HandlerView, primary: HandlerView): boolean {
    if (h.forward!.sharedAfterChecks !== null) return false;
    if (h.forward!.shared !== null) return sameForwardSettings(h.settings!, { ...primary.settings!, proxy: null });
    return sameForwardSettings(h.settings!, primary.settings!);
  }

  /**
   * Methods the path's routes do not serve: routes of later templates that match the same paths
   * serve them (through an internal fallback location), else 405 with the `Allow` of them all.
   */
  private otherMethods(order: number, own: readonly string[]): { allow: string; fallback: string | null } {
    const allowSet = new Set(own);
    const fallbacks: InternalView['fallbacks'] = [];
    for (const g of this.laterGroups(order)) {
      for (const r of g) {
        const ms = r.effective.methods.filter((m) => !allowSet.has(m));
        for (const m of r.effective.methods) allowSet.add(m);
        if (ms.length)
          fallbacks.push({
            when: this.methods.test(ms, 1),
            regex: nginxRegex(`^/__gw_fallback/${order}(${g[0]!.match.regex.slice(1, -1)})$`),
            uri: `${this.side.routeUri(r).replace(PATH_VARIABLE, '')}$1`,
          });
      }
    }
    const allow = [...allowSet].sort().join(', ');
    if (fallbacks.length === 0) return { allow, fallback: null };
    return { allow, fallback: this.side.fallback(order, this.groups[order]![0]!.path, fallbacks, allow) };
  }

  /** The path templates after `order` that can match a path it matches (for a literal path: that do match it). */
  private laterGroups(order: number): Route[][] {
    const literalPath = this.templates[order]!.exact ? this.groups[order]![0]!.path : undefined;
    if (this.overlapping === undefined) this.overlapping = this.overlaps();
    const later = this.overlapping[order] ?? [];
    return later
      .filter((j) => literalPath === undefined || this.regexes[j]!.test(literalPath))
      .map((j) => this.groups[j]!);
  }

  private overlapping: number[][] | undefined;

  /**
   * For each template, the later ones no literal segment keeps apart (mayOverlap), in order:
   * found per segment count in one pass (overlapCandidates), not by testing every later template.
   */
  private overlaps(): number[][] {
    const out: number[][] = this.templates.map(() => []);
    const byLength = new Map<number, number[]>();
    for (const t of this.templates) {
      const g = byLength.get(t.segments.length);
      if (g) g.push(t.order);
      else byLength.set(t.segments.length, [t.order]);
    }
    for (const orders of byLength.values()) {
      for (const [i, j] of overlapCandidates(orders.map((o) => this.templates[o]!.segments))) {
        out[orders[i]!]!.push(orders[j]!);
      }
    }
    return out;
  }

  /** The route's handler; in its own location (no `regex`), made once (a template's location may be repeated). */
  private handler(r: Route, regex?: string): HandlerView {
    if (regex !== undefined) return this.handlerAt(r, regex);
    let h = this.handlers.get(r);
    if (!h) {
      h = this.handlerAt(r, this.locationRegex(r));
      this.handlers.set(r, h);
    }
    return h;
  }

  private readonly handlers = new Map<Route, HandlerView>();

  private handlerAt(r: Route, regex: string): HandlerView {
    return buildHandlerView(r, this.upstreams.get(r.upstream), this.policies.routes.get(r)!, regex, this.shared);
  }

  /** The regex of the URI a route's location sees: in a dispatch branch, with the branch prefix in front. */
  private locationRegex(r: Route): string {
    return this.dispatching ? `^(?:${DISPATCH_ROOT}[0-9]+/[^/]*)?${r.match.regex.slice(1)}` : r.match.regex;
  }
}

const NO_NODE: NodeView = { prefix: null, nest: null, internal: false, children: [], location: null, dispatch: null };
