import type { Route, SecurityScheme, Service, Upstream } from './types.js';

/** What one importer produces for one service; merge turns fragments into a Gateway. */
export interface ServiceFragment {
  service: Service;
  upstreams: Upstream[];
  /** Final public paths (prefix applied), in spec order; merge sorts them. */
  routes: Route[];
  securitySchemes: SecurityScheme[];
}
