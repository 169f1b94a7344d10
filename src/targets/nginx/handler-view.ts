import type { Route, Upstream } from '../../model/types.js';
import {
  buildForwardView,
  locationSettings,
  type ForwardSettingsView,
  type ForwardView,
  type SharedForwards,
} from './forward-view.js';
import { buildMockView, type MockView } from './mocks-view.js';
import type { RoutePolicyView } from './policies.js';
import { COMPOSE_UNSUPPORTED_LOCATION } from './problems-view.js';
import { nginxString } from './escape.js';

/**
 * What a location does with a route's request (templates/nginx/_handler.hbs): forward it, answer a mock, answer 501
 * for a composite, or 502.
 */
export interface HandlerView {
  forward: ForwardView | null;
  /** The forwarding directives this location prints (`_forward-settings.hbs`); null when it does not forward. */
  settings: ForwardSettingsView | null;
  mock: MockView | null;
  /** A composite route: the named location that answers 501 GW_HTTP_COMPOSE_UNSUPPORTED; null otherwise. */
  unsupported: { route: string; service: string; named: string } | null;
}

/**
 * The handler of route `r` in a location whose URI `regex` matches: its mock answer, or its forward
 * (through a shared forwarding location when it can use one), or neither when its upstream has no target.
 */
export function buildHandlerView(
  r: Route,
  u: Upstream | undefined,
  policy: RoutePolicyView,
  regex: string,
  shared: SharedForwards,
): HandlerView {
  const none = { forward: null, settings: null, mock: null, unsupported: null };
  if (r.compose) {
    const unsupported = {
      route: nginxString(r.id),
      service: nginxString(r.service),
      named: COMPOSE_UNSUPPORTED_LOCATION,
    };
    return { ...none, unsupported };
  }
  if (r.mock) return { ...none, mock: buildMockView(r, r.mock, policy) };
  if (!u || u.targets.length === 0) return none;
  const forward = shared.share(buildForwardView(r, u, policy, regex));
  return { ...none, forward, settings: locationSettings(forward) };
}
