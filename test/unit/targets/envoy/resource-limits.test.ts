import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_EDGE } from '../../../../src/project/edge.js';
import { checkEnvoyValue, formatPath } from '../../../../src/targets/envoy/check.js';
import { envoyTarget } from '../../../../src/targets/envoy/index.js';
import { route } from '../../../helpers/routes.js';
import { gatewayOf } from './policies-fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: a parsed config, walked by hand in assertions
type Config = any;
const hcm = (c: Config) => c.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;

/** envoy.yaml for two routes, one taking bodies of 10 MiB, one of 1 KiB, with edge.maxConnections 500. */
async function rendered(maxHeapBytes?: number): Promise<Config> {
  const big = route('POST', '/upload');
  const small = route('POST', '/note');
  const g = gatewayOf([
    { ...big, settings: { ...big.settings, maxBodyBytes: 10 * 1024 * 1024 } },
    { ...small, settings: { ...small.settings, maxBodyBytes: 1024 } },
  ]);
  const result = await envoyTarget.render(
    { ...g, edge: { ...DEFAULT_EDGE, maxConnections: 500 } },
    { envoy: { maxHeapBytes } },
  );
  return parse(result.files[0]!.contents) as Config;
}

describe("resource limits: Envoy's edge guidance", () => {
  it('overload manager: heap actions at 95% and 98% of maxHeapSize (default 2 GiB), the connection limit', async () => {
    for (const [heap, want] of [
      [undefined, 2 ** 31],
      [512 * 1024 ** 2, 512 * 1024 ** 2],
    ] as const) {
      const om = (await rendered(heap)).overload_manager;
      expect(
        om.resource_monitors.map(
          (m: Config) => m.typed_config.max_heap_size_bytes ?? m.typed_config.max_active_downstream_connections,
        ),
      ).toEqual([want, 500]);
      expect(om.actions.map((a: Config) => [a.name, a.triggers[0].threshold.value])).toEqual([
        ['envoy.overload_actions.shrink_heap', 0.95],
        ['envoy.overload_actions.stop_accepting_requests', 0.98],
      ]);
    }
  });

  it("32 KiB connection buffers, while each route's buffer filter still takes its whole maxBodySize", async () => {
    const config = await rendered();
    expect(config.static_resources.listeners[0].per_connection_buffer_limit_bytes).toBe(32 * 1024);
    expect(config.static_resources.clusters.map((c: Config) => c.per_connection_buffer_limit_bytes)).toEqual([
      32 * 1024,
    ]);
    const routes = hcm(config).route_config.virtual_hosts[0].routes.filter((r: Config) => r.route);
    const limits = routes.map(
      (r: Config) => r.typed_per_filter_config['envoy.filters.http.buffer'].buffer.max_request_bytes,
    );
    expect(limits).toEqual([10 * 1024 * 1024, 1024]);
  });

  it('HTTP/1.1 only (no h2c), edge HTTP/2 limits, no client internal; all pass the proto check', async () => {
    const config = await rendered();
    expect(hcm(config).codec_type).toBe('HTTP1');
    expect(hcm(config).http2_protocol_options).toEqual({
      max_concurrent_streams: 100,
      initial_stream_window_size: 65536,
      initial_connection_window_size: 1048576,
    });
    expect(hcm(config).internal_address_config).toEqual({
      cidr_ranges: [{ address_prefix: '192.0.2.255', prefix_len: 32 }],
    });
    expect(checkEnvoyValue(config).filter((p) => p.severity === 'error')).toEqual([]);
    hcm(config).http2_protocol_options.initial_stream_window_size = 1024;
    config.overload_manager.resource_monitors = [];
    const errors = checkEnvoyValue(config).filter((p) => p.severity === 'error');
    expect(errors.map((p) => formatPath(p.path)).join(' ')).toMatch(
      /initial_stream_window_size.*resource_monitors|resource_monitors.*initial_stream_window_size/,
    );
  });

  it('logs the path before rewrites (header_to_metadata, the first filter), the client, the user agent', async () => {
    const h = hcm(await rendered());
    expect(h.http_filters[0].typed_config.request_rules).toEqual([
      { header: ':path', on_header_present: { metadata_namespace: 'gw', key: 'path', type: 'STRING' } },
    ]);
    const log = h.access_log[0].typed_config.log_format.json_format;
    expect(log).toMatchObject({
      path: '%DYNAMIC_METADATA(gw:path)%',
      upstreamPath: '%REQ(:PATH)%',
      client: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
      userAgent: '%REQ(USER-AGENT)%',
      statusDetails: '%RESPONSE_CODE_DETAILS%',
      upstreamMs: '%RESPONSE_DURATION%',
    });
  });
});

describe("circuit breakers: the model's connectionsPerTarget, and UO as its own problem", () => {
  it('a cluster of 2 targets at 10 connections each: 20 connections, requests, waiting; a retry budget', async () => {
    const g = gatewayOf([route('GET', '/a')]);
    const u = { ...g.upstreams[0]!, connectionsPerTarget: 10 };
    const two = { ...g, upstreams: [{ ...u, targets: [...u.targets, { ...u.targets[0]!, host: 'b.internal' }] }] };
    const config = parse((await envoyTarget.render(two, {})).files[0]!.contents) as Config;
    expect(config.static_resources.clusters[0].circuit_breakers.thresholds).toEqual([
      {
        priority: 'DEFAULT',
        max_connections: 20,
        max_pending_requests: 20,
        max_requests: 20,
        retry_budget: { budget_percent: { value: 20 }, min_retry_concurrency: 3 },
        track_remaining: true,
      },
    ]);
    expect(checkEnvoyValue(config).filter((p) => p.severity === 'error')).toEqual([]);
    config.static_resources.clusters[0].circuit_breakers.thresholds[0].priority = 'LOW';
    expect(checkEnvoyValue(config).filter((p) => p.severity === 'error').length).toBeGreaterThan(0);
  });

  it('overflow (UO) is 503 GW_HTTP_UPSTREAM_BUSY; no healthy target (UH) is GW_HTTP_NO_HEALTHY_UPSTREAM', async () => {
    const mappers = hcm(await rendered()).local_reply_config.mappers as Config[];
    const byFlag = (flag: string) => mappers.find((m) => m.filter.response_flag_filter?.flags.includes(flag));
    expect(byFlag('UO').filter.response_flag_filter.flags).toEqual(['UO']);
    expect([byFlag('UO').status_code, byFlag('UO').body_format_override.json_format.code]).toEqual([
      503,
      'GW_HTTP_UPSTREAM_BUSY',
    ]);
    expect(byFlag('UH').body_format_override.json_format.code).toBe('GW_HTTP_NO_HEALTHY_UPSTREAM');
  });
});
