import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Edge } from '../../../../src/model/types.js';
import { DEFAULT_EDGE } from '../../../../src/project/edge.js';
import { checkEnvoyValue, formatPath } from '../../../../src/targets/envoy/check.js';
import { envoyTarget } from '../../../../src/targets/envoy/index.js';
import { gatewayOf } from './policies-fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: a parsed config, walked by hand in assertions
type Config = any;
const hcm = (c: Config) => c.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;

async function render(edge: Partial<Edge>) {
  const g = { ...gatewayOf([]), edge: { ...DEFAULT_EDGE, ...edge } };
  const { files, diagnostics } = await envoyTarget.render(g, {});
  return { config: parse(files[0]!.contents) as Config, diagnostics };
}

const errorsOf = (config: Config) =>
  checkEnvoyValue(config)
    .filter((p) => p.severity === 'error')
    .map((p) => `${formatPath(p.path)}: ${p.message}`);

describe('Envoy: edge.trustedProxies (issue 12, item 6)', () => {
  it('none: use_remote_address, no trusted hops, no warning', async () => {
    const { config, diagnostics } = await render({});
    expect(hcm(config).use_remote_address).toBe(true);
    expect(hcm(config).xff_num_trusted_hops).toBeUndefined();
    expect(diagnostics.filter((d) => d.kind === 'envoy.trusted-proxies')).toEqual([]);
  });
  it('hops: xff_num_trusted_hops, which passes the check against the protos; a wrong value does not', async () => {
    const { config, diagnostics } = await render({ trustedProxies: { addresses: ['10.0.0.0/8'], hops: 2 } });
    expect(hcm(config).xff_num_trusted_hops).toBe(2);
    expect(hcm(config).use_remote_address).toBe(true);
    expect(diagnostics.filter((d) => d.code === 'GW_TARGET_INEXACT')).toEqual([]);
    expect(errorsOf(config)).toEqual([]);
    hcm(config).xff_num_trusted_hops = -1;
    expect(errorsOf(config).join('\n')).toMatch(/xff_num_trusted_hops/);
  });
  it('addresses without hops: Envoy cannot match addresses, so it trusts no hop and says so', async () => {
    const { config, diagnostics } = await render({ trustedProxies: { addresses: ['10.0.0.0/8'], hops: null } });
    expect(hcm(config).xff_num_trusted_hops).toBeUndefined();
    const warning = diagnostics.find((d) => d.kind === 'envoy.trusted-proxies');
    expect(warning).toMatchObject({
      code: 'GW_TARGET_INEXACT',
      severity: 'warning',
      locations: [{ file: 'gw.yaml', pointer: '#/edge/trustedProxies' }],
    });
    expect(warning?.message).toMatch(/xff_trusted_cidrs/);
  });
});

describe('Envoy: edge.serverNames (issue 12, item 7)', () => {
  it('any host: one virtual host for "*"', async () => {
    const { config } = await render({});
    const routeConfig = hcm(config).route_config;
    expect(routeConfig.virtual_hosts.map((v: Config) => v.domains)).toEqual([['*']]);
    expect(routeConfig.ignore_port_in_host_matching).toBeUndefined();
  });
  it("names: gw's virtual host takes them, a catch-all answers 421 as problem+json; both pass the check", async () => {
    const { config } = await render({ serverNames: ['*.example.com', 'api.example.org'] });
    const routeConfig = hcm(config).route_config;
    expect(routeConfig.ignore_port_in_host_matching).toBe(true);
    const [gw, unknown] = routeConfig.virtual_hosts;
    expect(gw.domains).toEqual(['*.example.com', '*.example.com.', 'api.example.org', 'api.example.org.']);
    expect(unknown).toMatchObject({
      name: 'gw_unknown_host',
      domains: ['*'],
      routes: [{ match: { prefix: '/' }, direct_response: { status: 421 } }],
    });
    const mapper = hcm(config).local_reply_config.mappers.find(
      (m: Config) => m.filter?.status_code_filter?.comparison?.value?.default_value === 421,
    );
    expect(mapper.body_format_override.json_format).toMatchObject({
      status: 421,
      code: 'GW_HTTP_UNKNOWN_HOST',
      detail: 'this gateway does not answer for this host',
    });
    expect(errorsOf(config)).toEqual([]);
    unknown.routes[0].direct_response.status = 99;
    expect(errorsOf(config).join('\n')).toMatch(/direct_response/);
  });
});
