import { describe, expect, it } from 'vitest';
import type { ImportedRoute, ImportedUpstream } from '../../../../src/model/fragment.js';
import type { Gateway } from '../../../../src/model/types.js';
import type { DispatchView } from '../../../../src/targets/nginx/locations-view.js';
import { buildNginxView } from '../../../../src/targets/nginx/view.js';
import { rateLimit, route, settle, specUpstream, target } from '../../../helpers/routes.js';

const upstream = (id: string, scheme: 'http' | 'https', host: string): ImportedUpstream =>
  specUpstream(id, [target(`${scheme}://${host}:9000`)]);

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

/**
 * `g` with routes before its own that take all but `left` of the statuses of shared forwarding
 * locations (34: each a timeout of its own), so its routes proxy from their own locations.
 */
function withoutSharedStatuses(g: Gateway, left: number): Gateway {
  const others = Array.from({ length: 34 - left }, (_, i) => ({
    ...route('GET', `/a${i}`),
    upstream: 'a',
    settings: { ...route('GET', '/').settings, requestTimeoutMs: 100 + i },
  }));
  return settle([...others, ...g.routes], { upstreams: g.upstreams.map((u) => ({ ...u, basePath: '' })) });
}

/** How the location of /items serves its second method. */
function dispatchOf(g: Gateway): Omit<DispatchView, 'when' | 'inline'> & { inline: boolean } {
  const location = buildNginxView(g).view.exact.at(-1)!;
  const [d] = location.dispatch;
  return { inline: d!.inline !== null, named: d!.named, uri: d!.uri };
}

/** A rate limit both routes can share (one zone): nginx checks it in the route's own location, which then proxies. */
const LIMIT = rateLimit();
const limited = (r: Gateway['routes'][number]) => ({ ...r, settings: { ...r.settings, rateLimit: LIMIT } });

describe('locations: another method of a path, in the location or beside it', () => {
  it('issue 11: one that proxies by itself is not served where the primary jumps on to a shared location', () => {
    // GET jumps on to a shared location; POST proxies from its own location (no status left to share).
    const g = withoutSharedStatuses(gatewayOf('POST', upstream('b', 'https', '10.0.0.1')), 1);
    expect(buildNginxView(g).view.exact.at(-1)!.handler.forward!.shared).not.toBeNull();
    expect(dispatchOf(g)).toEqual({ inline: false, named: '@gw_route_34', uri: null });
    const named = buildNginxView(g).view.named[0]!.handler;
    expect(named.settings!.proxy).toEqual({ connectTimeout: '1ms', readTimeout: '1ms', tries: 1 });
  });

  it('issue 13: one that jumps on after its checks (try_files) is served from a named location, not an `if`', () => {
    const g = gatewayOf('POST', upstream('b', 'https', '10.0.0.1'));
    g.routes[1] = limited(g.routes[1]!);
    expect(dispatchOf(g)).toEqual({ inline: false, named: '@gw_route_1', uri: null });
    const named = buildNginxView(g).view.named[0]!.handler;
    expect({ ...named.settings!, checks: null }).toEqual({
      maxBody: '1',
      proxy: null,
      checks: null,
      tryFiles: '@gw_forward_2',
    });
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

  it('issue 13: one that jumps on with other proxy settings is served in place (its shared location has them)', () => {
    const g = gatewayOf('POST', upstream('b', 'https', '10.0.0.1'));
    g.routes[1] = { ...g.routes[1]!, settings: { ...g.routes[1]!.settings, requestTimeoutMs: 2 } };
    expect(dispatchOf(g)).toEqual({ inline: true, named: null, uri: null });
    expect(buildNginxView(g).view.forwards.map((f) => f.forward.settings.proxy!.readTimeout)).toEqual(['1ms', '2ms']);
  });

  it('where the primary proxies from its own location, another route with the same settings is served in place', () => {
    const g = withoutSharedStatuses(gatewayOf('POST', upstream('b', 'https', '10.0.0.1')), 0);
    expect(buildNginxView(g).view.exact.at(-1)!.handler.settings!.proxy).not.toBeNull();
    expect(dispatchOf(g)).toEqual({ inline: true, named: null, uri: null });
  });

  it('other proxy settings: a named location', () => {
    const g = withoutSharedStatuses(gatewayOf('POST', upstream('b', 'https', '10.0.0.1')), 0);
    const post = g.routes.length - 1;
    g.routes[post] = { ...g.routes[post]!, settings: { ...g.routes[post]!.settings, requestTimeoutMs: 2 } };
    expect(dispatchOf(g)).toEqual({ inline: false, named: '@gw_route_35', uri: null });
  });
});

describe('locations: a path template repeated in dispatch branches', () => {
  /** /r/{id}/<six literals> make the level dispatch; /r/{id}/{sub} matches each literal: each branch repeats it. */
  function repeated(cors: boolean): Gateway {
    const literals = ['a', 'b', 'c', 'd', 'e', 'f'].map((l) => ({ ...route('GET', `/r/{id}/${l}`), upstream: 'a' }));
    const any: ImportedRoute = { ...route('GET', '/r/{id}/{sub}'), upstream: 'a' };
    if (cors) {
      const policy = { origins: ['*'], methods: null, headers: null, exposeHeaders: [], credentials: false };
      any.settings = { ...any.settings, cors: { ...policy, maxAgeSeconds: 60 } };
    }
    return settle([...literals, any], { upstreams: [upstream('a', 'http', '10.0.0.1')] });
  }
  const locationsOfAny = (g: Gateway) =>
    buildNginxView(g)
      .view.branches.flatMap((b) => b.children)
      .flatMap((n) => (n.location?.comments[0]?.includes('/r/{id}/{sub}') ? [n.location] : []));

  it('has one location per branch, sharing all but the match (made once)', () => {
    const found = locationsOfAny(repeated(false));
    expect(found.length).toBe(7);
    expect(new Set(found.map((l) => l.match)).size).toBe(7);
    for (const l of found) expect(l.handler).toBe(found[0]!.handler);
    expect(found.every((l) => l.preflight === null)).toBe(true);
  });

  it('with CORS, each of them answers preflights from a map of its own, as every location does', () => {
    const found = locationsOfAny(repeated(true));
    expect(found.length).toBe(7);
    expect(new Set(found.map((l) => l.preflight!.variable)).size).toBe(7);
  });
});
