import { describe, expect, it } from 'vitest';
import type { ImportedRoute } from '../../../../src/model/fragment.js';
import type { Gateway } from '../../../../src/model/types.js';
import { nginxTarget } from '../../../../src/targets/nginx/index.js';
import type { LocationView, NodeView } from '../../../../src/targets/nginx/locations-view.js';
import { buildNginxView } from '../../../../src/targets/nginx/view.js';
import { rateLimit, route, settle, specUpstream, target } from '../../../helpers/routes.js';

/**
 * Issue 13 item 3: routes forwarded to an https upstream through a base path (GitHub's /v3) share
 * one forwarding location, and the upstream TLS settings stand once, at server level: nginx 1.22
 * makes an SSL context (with the CA bundle loaded) for every location that proxies to https.
 */
const upstream = (id: string, urls: string[]) =>
  specUpstream(
    id,
    urls.map((u) => target(u)),
  );

const forwarded = (path: string, upstreamPath: string, up = 'a'): ImportedRoute => ({
  ...route('GET', path),
  upstream: up,
  upstreamPath,
});

/** /items, /items/{id} and /users/{id} on upstream `a` (https, base path /v3), /plain on `a` unchanged. */
function gateway(urls = ['https://10.0.0.1:9443']): Gateway {
  return settle(
    [
      forwarded('/items', '/v3/items'),
      forwarded('/items/{id}', '/v3/items/{id}'),
      forwarded('/users/{id}', '/v3/users/{id}'),
      forwarded('/plain', '/plain'),
    ],
    { upstreams: [upstream('a', urls)] },
  );
}

async function gwConf(g: Gateway): Promise<string> {
  const { files } = await nginxTarget.render(g, {});
  return files.find((f) => f.path === 'nginx/conf.d/gw.conf')!.contents;
}

function locationsOf(nodes: NodeView[]): LocationView[] {
  return nodes.flatMap((n) => [...(n.location ? [n.location] : []), ...locationsOf(n.children)]);
}

const count = (text: string, what: string) => text.split(what).length - 1;

describe('nginx: forwarding to a rewritten path', () => {
  it('routes whose upstream path is rewritten (a base path) share one forwarding location', () => {
    const { view } = buildNginxView(gateway());
    const statuses = [...view.exact, ...locationsOf(view.tree)].map((l) => l.handler.forward!.shared);
    expect(statuses).toHaveLength(4);
    expect(statuses.every((s) => s !== null)).toBe(true);
    // One location forwards the rewritten paths, one the paths forwarded as they are.
    expect(view.forwards).toHaveLength(2);
  });

  it("the route's location rewrites to the upstream path, then jumps on; the shared one proxies it", async () => {
    const conf = await gwConf(gateway());
    expect(conf).toMatch(/rewrite "\^\/items\$" "\/v3\/items";\s+return 46\d;/);
    expect(count(conf, 'proxy_pass')).toBe(2);
    expect(count(conf, 'rewrite "^" $gw_path break;')).toBe(1);
  });

  it('upstream TLS verification and the TLS name stand once, at server level', async () => {
    const conf = await gwConf(gateway());
    for (const line of ['proxy_ssl_verify on;', 'proxy_ssl_server_name on;', 'proxy_ssl_name $gw_tls_name;'])
      expect(count(conf, line), line).toBe(1);
    expect(count(conf, 'set $gw_tls_name "10.0.0.1";')).toBe(4);
  });

  it("a split upstream's routes take the TLS name of the chosen target, and still share", async () => {
    const { view } = buildNginxView(gateway(['https://10.0.0.1:9443', 'https://10.0.0.2:9443']));
    expect(view.forwards).toHaveLength(2);
    const conf = await gwConf(gateway(['https://10.0.0.1:9443', 'https://10.0.0.2:9443']));
    expect(count(conf, 'set $gw_tls_name $gw_host_a;')).toBe(4);
  });

  it('a rate-limited route forwards from the shared location too, by try_files after the checks', async () => {
    const g = gateway();
    const limit = rateLimit({ requests: 5 });
    g.routes = g.routes.map((r) => ({ ...r, settings: { ...r.settings, rateLimit: limit } }));
    const conf = await gwConf(g);
    expect(count(conf, 'proxy_pass')).toBe(2);
    // limit_req runs in the access phase, then try_files jumps (return would have skipped the check).
    expect(conf).toMatch(/limit_req zone=\w+ burst=4 nodelay;\s+try_files \/__gw_never @gw_forward_\d;/);
    expect(conf).toMatch(/rewrite "\^\/items\$" "\/v3\/items" break;\s+\}/);
    expect(count(conf, 'return 46')).toBe(0);
    // Checked once, in the route's location: the shared locations check nothing.
    expect(count(conf, 'limit_req zone=')).toBe(4);
  });

  it('routes with checks use up no status: any number of shared locations reached by try_files', async () => {
    const limit = rateLimit({ requests: 5 });
    const routes = Array.from({ length: 40 }, (_, i) => {
      const r = forwarded(`/r${i}`, `/v3/r${i}`);
      return { ...r, settings: { ...r.settings, requestTimeoutMs: 100 + i, rateLimit: limit } };
    });
    const g = settle(routes, { upstreams: [upstream('a', ['https://10.0.0.1:9443'])] });
    expect(buildNginxView(g).view.forwards.map((f) => f.status)).toEqual(routes.map(() => null));
    const conf = await gwConf(g);
    expect(count(conf, 'proxy_pass')).toBe(40);
    expect(count(conf, 'try_files /__gw_never @gw_forward_')).toBe(40);
    expect(count(conf, '= @gw_forward')).toBe(0);
  });
});
