import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveListen } from '../../../../src/project/listen.js';
import { checkEnvoyValue, formatPath } from '../../../../src/targets/envoy/check.js';
import { envoyTarget } from '../../../../src/targets/envoy/index.js';
import { buildEnvoyListenerView } from '../../../../src/targets/envoy/listener-view.js';
import { route } from '../../../helpers/routes.js';
import { gatewayOf } from './policies-fixtures.js';

/** listen.tls, h2c and websocket in the Envoy target (issue 14): the views, and the strict check of the output. */

// biome-ignore lint/suspicious/noExplicitAny: a parsed config, walked by hand in assertions
type Config = any;

const TLS = resolveListen({
  host: '0.0.0.0',
  port: 8443,
  redirectHttp: 8080,
  tls: {
    certificates: [
      { cert: 'certs/api.pem', key: 'certs/api.key' },
      { cert: 'certs/admin.pem', key: 'certs/admin.key', serverNames: ['admin.example.com', '*.admin.example.com'] },
    ],
  },
});

describe('buildEnvoyListenerView', () => {
  it('cleartext: one chain, HTTP/1.1 only; h2c: codec AUTO', () => {
    expect(buildEnvoyListenerView(resolveListen({}), '0.0.0.0')).toEqual({
      http2: false,
      tlsInspector: false,
      chains: [{ serverNames: [], tls: null }],
      redirect: null,
    });
    expect(buildEnvoyListenerView(resolveListen({ h2c: true }), '0.0.0.0').http2).toBe(true);
  });
  it('TLS: a default chain with the first certificate, one per named certificate, the inspector, the redirect', () => {
    const view = buildEnvoyListenerView(TLS, '0.0.0.0');
    expect(view.chains.map((c) => [c.serverNames, c.tls?.cert])).toEqual([
      [[], 'certs/api.pem'],
      [['admin.example.com', '*.admin.example.com'], 'certs/admin.pem'],
    ]);
    expect(view.chains[0]!.tls).toMatchObject({ minVersion: 'TLSv1_2', alpn: ['h2', 'http/1.1'] });
    expect([view.http2, view.tlsInspector, view.redirect]).toEqual([
      true,
      true,
      { address: '0.0.0.0', port: 8080, httpsPort: 8443 },
    ]);
  });
});

describe('envoy.yaml with TLS and WebSocket routes', () => {
  async function rendered(): Promise<Config> {
    const live = route('GET', '/live/{room}');
    const ws = {
      ...live,
      settings: { ...live.settings, websocket: { idleTimeoutMs: 30_000, maxLifetimeMs: 3_600_000 } },
    };
    const g = { ...gatewayOf([ws, route('GET', '/status')]), listen: TLS };
    return parse((await envoyTarget.render(g, {})).files[0]!.contents) as Config;
  }
  it("passes the strict check against Envoy's protos; a wrong TLS version fails it", async () => {
    const config = await rendered();
    expect(checkEnvoyValue(config).filter((p) => p.severity === 'error')).toEqual([]);
    const chain = config.static_resources.listeners[0].filter_chains[1];
    expect(chain.filter_chain_match.server_names).toEqual(['admin.example.com', '*.admin.example.com']);
    const params = chain.transport_socket.typed_config.common_tls_context.tls_params;
    params.tls_minimum_protocol_version = 'TLSv1.2';
    const errors = checkEnvoyValue(config).filter((p) => p.severity === 'error');
    expect(errors.map((p) => formatPath(p.path)).join(' ')).toMatch(/tls_minimum_protocol_version/);
  });
  it('tunnels the websocket route (upgrade_configs, timeouts) and refuses other handshakes (400)', async () => {
    const routes = (await rendered()).static_resources.listeners[0].filter_chains[0].filters[0].typed_config
      .route_config.virtual_hosts[0].routes as Config[];
    const names = routes.map((r) => r.name);
    expect(names.indexOf('s.get:/live/{room} handshake')).toBeLessThan(names.indexOf('refuse handshake'));
    const tunnel = routes.find((r) => r.name === 's.get:/live/{room} handshake').route;
    expect([tunnel.upgrade_configs, tunnel.idle_timeout, tunnel.timeout, tunnel.max_stream_duration]).toEqual([
      [{ upgrade_type: 'websocket' }],
      '30s',
      '0s',
      { max_stream_duration: '3600s' },
    ]);
    const refuse = routes.find((r) => r.name === 'refuse handshake');
    expect([refuse.direct_response.status, JSON.parse(refuse.direct_response.body.inline_string).code]).toEqual([
      400,
      'GW_HTTP_NOT_WEBSOCKET',
    ]);
    expect(routes.find((r) => r.name === 's.get:/status').route.upgrade_configs).toBeUndefined();
  });
});
