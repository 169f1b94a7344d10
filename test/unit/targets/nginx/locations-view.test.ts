import { describe, expect, it } from 'vitest';
import type { ImportedRoute, ImportedUpstream } from '../../../../src/model/fragment.js';
import type { Gateway } from '../../../../src/model/types.js';
import type { DispatchView } from '../../../../src/targets/nginx/locations-view.js';
import { buildNginxView } from '../../../../src/targets/nginx/view.js';
import { route, settle, target } from '../../../helpers/routes.js';

const upstream = (id: string, scheme: 'http' | 'https', host: string): ImportedUpstream => ({
  id,
  service: 's',
  basePath: '',
  balancing: 'round-robin',
  healthCheck: null,
  connectionsPerTarget: 256,
  targets: [target(`${scheme}://${host}:9000`)],
  origin: 'spec',
  source: { file: 's.yaml', pointer: '#/servers' },
});

/** GET /items on `a`, and another method of /items on upstream `b`, forwarded to /v2/items unless `samePath`. */
function gatewayOf(other: 'POST' | 'DELETE', b: ImportedUpstream, samePath = false): Gateway {
  const get: ImportedRoute = { ...route('GET', '/items'), upstream: 'a' };
  const second: ImportedRoute = {
    ...route(other, '/items'),
    upstream: b.id,
    upstreamPath: samePath ? '/items' : '/v2/items',
  };
  return settle([get, second], { upstreams: [upstream('a', 'https', '10.0.0.1'), b] });
}

/** How the location of /items serves its second method. */
function dispatchOf(g: Gateway): Omit<DispatchView, 'when' | 'inline'> & { inline: boolean } {
  const location = buildNginxView(g).view.exact[0]!;
  const [d] = location.dispatch;
  return { inline: d!.inline !== null, named: d!.named, uri: d!.uri };
}

/** A rate limit both routes can share (one zone): nginx checks it in the route's own location, which then proxies. */
const LIMIT = { requests: 10, windowMs: 1000, key: { kind: 'ip' as const }, counter: 'g' };
const limited = (r: Gateway['routes'][number]) => ({ ...r, settings: { ...r.settings, rateLimit: LIMIT } });

describe('locations: another method of a path, in the location or beside it', () => {
  it('issue 11: one that proxies by itself is not served where the primary jumps on to a shared location', () => {
    // GET jumps on to a shared location; POST has a rate limit, checked in its location: it proxies from there.
    const g = gatewayOf('POST', upstream('b', 'https', '10.0.0.1'));
    g.routes[1] = limited(g.routes[1]!);
    expect(buildNginxView(g).view.exact[0]!.handler.forward!.shared).not.toBeNull();
    expect(dispatchOf(g)).toEqual({ inline: false, named: '@gw_route_1', uri: null });
    const named = buildNginxView(g).view.named[0]!.handler;
    expect(named.settings!.proxy).toEqual({ connectTimeout: '1ms', readTimeout: '1ms', tries: 1 });
  });

  it('one that jumps on to a shared location itself is served in place (its settings are there)', () => {
    expect(dispatchOf(gatewayOf('DELETE', upstream('b', 'https', '10.0.0.1'), true))).toEqual({
      inline: true,
      named: null,
      uri: null,
    });
  });

  it('issue 13: one forwarded to a rewritten path on another upstream jumps on to its shared location in place', () => {
    const g = gatewayOf('POST', upstream('b', 'http', '10.0.0.2'));
    expect(dispatchOf(g)).toEqual({ inline: true, named: null, uri: null });
    const [get, post] = [
      buildNginxView(g).view.exact[0]!.handler.forward!,
      buildNginxView(g).view.exact[0]!.dispatch[0]!,
    ];
    expect(post.inline!.shared).not.toBe(get.shared);
  });

  it("issue 13: one that jumps on with other proxy settings is served in place (they are its shared location's)", () => {
    const g = gatewayOf('POST', upstream('b', 'https', '10.0.0.1'));
    g.routes[1] = { ...g.routes[1]!, settings: { ...g.routes[1]!.settings, requestTimeoutMs: 2 } };
    expect(dispatchOf(g)).toEqual({ inline: true, named: null, uri: null });
    expect(buildNginxView(g).view.forwards.map((f) => f.forward.settings.proxy!.readTimeout)).toEqual(['1ms', '2ms']);
  });

  it('where the primary proxies from its own location, another route with the same settings is served in place', () => {
    const g = gatewayOf('POST', upstream('b', 'https', '10.0.0.1'));
    g.routes = g.routes.map(limited);
    expect(buildNginxView(g).view.exact[0]!.handler.settings!.proxy).not.toBeNull();
    expect(dispatchOf(g)).toEqual({ inline: true, named: null, uri: null });
  });

  it('other proxy settings: a named location', () => {
    const g = gatewayOf('POST', upstream('b', 'https', '10.0.0.1'));
    g.routes = g.routes.map(limited);
    g.routes[1] = { ...g.routes[1]!, settings: { ...g.routes[1]!.settings, requestTimeoutMs: 2 } };
    expect(dispatchOf(g)).toEqual({ inline: false, named: '@gw_route_1', uri: null });
  });
});
