import type { ComposeDraft, Route, SecurityScheme, Service, Upstream } from './types.js';

/**
 * A route as an importer makes it: everything but what merge settles from the whole gateway; a
 * composite's steps as written (merge finds the operations they call).
 */
export type ImportedRoute = Omit<Route, 'effective' | 'compose'> & { composeDraft?: ComposeDraft };

/** An upstream as an importer makes it: merge settles what follows from the routes that use it. */
export type ImportedUpstream = Omit<Upstream, 'connectTimeoutMs'>;

/** A security scheme as an importer reads it: merge settles where its credential travels. */
export type ImportedScheme = Omit<SecurityScheme, 'carrier' | 'bearer'>;

/** What one importer produces for one service; merge turns fragments into a Gateway. */
export interface ServiceFragment {
  service: Service;
  upstreams: ImportedUpstream[];
  /** Final public paths (prefix applied), in spec order; merge sorts them. */
  routes: ImportedRoute[];
  securitySchemes: ImportedScheme[];
}
