import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_EDGE } from '../../../../src/project/edge.js';
import { checkEnvoyValue, formatPath } from '../../../../src/targets/envoy/check.js';
import { buildEnvoyEdgeView } from '../../../../src/targets/envoy/edge-view.js';
import { envoyTarget } from '../../../../src/targets/envoy/index.js';
import { gatewayOf } from './policies-fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: a parsed config, walked by hand in assertions
type Config = any;
const hcm = (c: Config) => c.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;

describe("buildEnvoyEdgeView: the model's edge as HttpConnectionManager fields", () => {
  it('drops headers with "_" by default, and the timeouts are the edge\'s', () => {
    expect(buildEnvoyEdgeView(DEFAULT_EDGE)).toEqual({
      underscores: 'DROP_HEADER',
      headersTimeout: '10s',
      requestTimeout: '60s',
      maxHeadersKb: 16,
      trustedHops: null,
    });
  });
  it("allow is ALLOW; the request timeout is never shorter than the headers'", () => {
    expect(
      buildEnvoyEdgeView({
        ...DEFAULT_EDGE,
        underscoresInHeaders: 'allow',
        headerTimeoutMs: 20_000,
        requestTimeoutMs: 5_000,
        maxHeaderBytes: 20_000,
      }),
    ).toEqual({
      underscores: 'ALLOW',
      headersTimeout: '20s',
      requestTimeout: '20s',
      maxHeadersKb: 20,
      trustedHops: null,
    });
  });
  it("renders both into envoy.yaml, which passes the check against Envoy's protos; a wrong value fails", async () => {
    for (const underscoresInHeaders of ['drop', 'allow'] as const) {
      const g = { ...gatewayOf([]), edge: { ...DEFAULT_EDGE, underscoresInHeaders, headerTimeoutMs: 1_500 } };
      const config = parse((await envoyTarget.render(g, {})).files[0]!.contents) as Config;
      expect(hcm(config).common_http_protocol_options).toEqual({
        headers_with_underscores_action: underscoresInHeaders === 'drop' ? 'DROP_HEADER' : 'ALLOW',
      });
      expect(hcm(config).request_headers_timeout).toBe('1.500s');
      expect(checkEnvoyValue(config).filter((p) => p.severity === 'error')).toEqual([]);
      hcm(config).common_http_protocol_options.headers_with_underscores_action = 'DROP';
      expect(
        checkEnvoyValue(config)
          .filter((p) => p.severity === 'error')
          .map((p) => formatPath(p.path))
          .join(' '),
      ).toMatch(/headers_with_underscores_action/);
    }
  });
});
