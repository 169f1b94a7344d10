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

/** What a location does with a route's request (templates/nginx/_handler.hbs): forward it, answer a mock, or 502. */
export interface HandlerView {
  forward: ForwardView | null;
  /** The forwarding directives this location prints (`_forward-settings.hbs`); null when it does not forward. */
  settings: ForwardSettingsView | null;
  mock: MockView | null;
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
  if (r.mock) return { forward: null, settings: null, mock: buildMockView(r, r.mock, policy) };
  if (!u || u.targets.length === 0) return { forward: null, settings: null, mock: null };
  const forward = shared.share(buildForwardView(r, u, policy, regex));
  return { forward, settings: locationSettings(forward), mock: null };
}
