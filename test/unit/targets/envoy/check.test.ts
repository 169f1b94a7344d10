import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGateway } from '../../../../src/cli/load-gateway.js';
import { parseProject } from '../../../../src/project/load.js';
import { checkEnvoyConfig, formatPath } from '../../../../src/targets/envoy/check.js';
import { countGroups, loadRe2, re2Error } from '../../../../src/targets/envoy/regex-checks.js';
import { envoyPathMatch, envoyPathRegexes } from '../../../../src/targets/envoy/route-match.js';
import { route, settled } from '../../../helpers/routes.js';

const CASES = new URL('../../../golden/cases/', import.meta.url).pathname;

const HCM_TYPE =
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
const ENDPOINTS = '[{lb_endpoints: [{endpoint: {address: {socket_address: {address: "10.0.0.1", port_value: 80}}}}]}]';
/** Where the errors point: the connection manager, its first route, its router filter. */
const HCM = 'static_resources.listeners[0].filter_chains[0].filters[0].typed_config';
const ROUTE = `${HCM}.route_config.virtual_hosts[0].routes[0]`;
const ROUTER_FILTER = `${HCM}.http_filters[0].typed_config`;

/** A small valid bootstrap; each table row breaks one thing in it. */
function config(
  over: { cluster?: string; routeCluster?: string; routeExtra?: string; filterType?: string; regex?: string } = {},
): string {
  return `
static_resources:
  listeners:
  - name: "l"
    address: {socket_address: {address: "127.0.0.1", port_value: 8080}}
    filter_chains:
    - filters:
      - name: "hcm"
        typed_config:
          "@type": "${HCM_TYPE}"
          statPrefix: "gw"
          http_filters:
          - name: "router"
            typed_config: {"@type": "${over.filterType ?? ROUTER_TYPE}"}
          route_config:
            virtual_hosts:
            - name: "v"
              domains: ["*"]
              routes:
              - match: {safe_regex: {regex: ${JSON.stringify(over.regex ?? '^/a/([0-9]+)$')}}}
                route: {cluster: "${over.routeCluster ?? 'c'}", timeout: 1.5s${over.routeExtra ?? ''}}
  clusters:
  - name: "c"
    connect_timeout: 5s${over.cluster ?? ''}
    load_assignment: {cluster_name: "c", endpoints: ${ENDPOINTS}}
`;
}

async function errors(text: string): Promise<string[]> {
  return (await checkEnvoyConfig(text, 'envoy/envoy.yaml', { envoyBinary: false })).map(
    (d) => `${d.severity} ${d.message} @${d.locations[0]?.line ?? '?'}`,
  );
}

describe('the strict check against the Envoy API protos', () => {
  it('accepts a valid bootstrap (snake_case and camelCase field names alike)', async () => {
    expect(await errors(config())).toEqual([]);
  });

  it.each([
    {
      name: 'an unknown field',
      over: { cluster: '\n    conect_timeout: 1s' },
      want:
        'static_resources.clusters[0].conect_timeout: unknown field "conect_timeout" in ' +
        'envoy.config.cluster.v3.Cluster (did you mean "connect_timeout"?) @25',
    },
    {
      name: 'a wrong scalar type',
      over: { cluster: '\n    per_connection_buffer_limit_bytes: "lots"' },
      want:
        'static_resources.clusters[0].per_connection_buffer_limit_bytes: expects an integer (uint32), ' +
        'not the string "lots" @25',
    },
    {
      name: 'a wrong enum value',
      over: { cluster: '\n    lb_policy: ROUND_ROBINN' },
      want:
        'static_resources.clusters[0].lb_policy: "ROUND_ROBINN" is not a value of ' +
        'envoy.config.cluster.v3.Cluster.LbPolicy (did you mean "ROUND_ROBIN"?) @25',
    },
    {
      name: 'a list where one value belongs',
      over: { cluster: '\n    dns_refresh_rate: [1s]' },
      want: 'static_resources.clusters[0].dns_refresh_rate: expects a single value, not a list @25',
    },
    {
      name: 'a number out of range',
      over: { routeExtra: ', retry_policy: {num_retries: -1}' },
      want: `${ROUTE}.route.retry_policy.num_retries: -1 is out of range for uint32 @21`,
    },
    {
      name: 'a bad duration',
      over: { routeExtra: ', idle_timeout: 5' },
      want: `${ROUTE}.route.idle_timeout: expects a duration such as "5s" or "0.250s", not number 5 @21`,
    },
    {
      name: 'a bad @type',
      over: { filterType: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Routr' },
      want:
        `${ROUTER_FILTER}.@type: "@type" ` +
        '"type.googleapis.com/envoy.extensions.filters.http.router.v3.Routr" names no message type ' +
        'of the Envoy API @14',
    },
    {
      name: 'a field the @type message does not have',
      over: {
        filterType: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router", "dynamic_statz": "true',
      },
      want:
        `${ROUTER_FILTER}.dynamic_statz: unknown field "dynamic_statz" in ` +
        'envoy.extensions.filters.http.router.v3.Router (did you mean "dynamic_stats"?) @14',
    },
    {
      name: 'a route to an undefined cluster',
      over: { routeCluster: 'nope' },
      want: `${ROUTE}.route.cluster: route to cluster "nope", which static_resources.clusters does not define @21`,
    },
    {
      name: 'two members of a oneof',
      over: { routeExtra: ', cluster_header: "x-c"' },
      want:
        `${ROUTE}.route: only one of "cluster", "cluster_header" may be set (oneof cluster_specifier of ` +
        'envoy.config.route.v3.RouteAction) @21',
    },
    {
      name: 'a duration rule',
      over: { cluster: '\n    dns_refresh_rate: 0.0001s' },
      want: 'static_resources.clusters[0].dns_refresh_rate: must be greater than 0.001s @25',
    },
    {
      name: 'a protoc-gen-validate rule',
      over: { cluster: '\n    per_connection_buffer_limit_bytes: 1\n    dns_lookup_family: 99' },
      want: 'static_resources.clusters[0].dns_lookup_family: 99 is not a defined value of DnsLookupFamily @26',
    },
    {
      name: 'a regex RE2 refuses',
      over: { regex: '^/a/(?!x)$' },
      want: `${ROUTE}.match.safe_regex.regex: RE2 rejects the regex "^/a/(?!x)$": invalid perl operator: (?! @20`,
    },
    {
      name: 'a rewrite using a group the pattern lacks',
      over: { routeExtra: ', regex_rewrite: {pattern: {regex: "^/a/([0-9]+)$"}, substitution: "/b/\\\\2"}' },
      want: `${ROUTE}.route.regex_rewrite.substitution: substitution uses \\2 but the pattern has 1 capture group @21`,
    },
  ])('rejects $name', async ({ over, want }) => {
    expect(await errors(config(over))).toEqual([`error ${want}`]);
  });

  it('rejects a missing required field', async () => {
    const text = config().replace('  - name: "c"\n', '  - alt_stat_name: "c"\n');
    expect(await errors(text)).toEqual([
      `error ${ROUTE}.route.cluster: route to cluster "c", which static_resources.clusters does not define @21`,
      'error static_resources.clusters[0].name: is missing, and its default must not be empty @23',
    ]);
  });

  it('rejects YAML that is not well-formed, with its line', async () => {
    expect(await errors('a: [1\nb: 2\n')).toHaveLength(1);
  });

  const cases = readdirSync(CASES)
    .filter((d) => existsSync(join(CASES, d, 'expected', 'envoy', 'envoy.yaml')))
    .sort();
  it.each(cases)('accepts the golden output of %s', async (name) => {
    expect(await errors(readFileSync(join(CASES, name, 'expected', 'envoy', 'envoy.yaml'), 'utf8'))).toEqual([]);
  });
});

/** A stand-in `envoy` first on PATH: it refuses a config that mentions "refuse-me", as Envoy prints refusals. */
async function withFakeEnvoy<T>(run: () => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-fake-envoy-'));
  writeFileSync(
    join(dir, 'envoy'),
    '#!/bin/sh\n[ "$1 $2 $3" = "--mode validate -c" ] || exit 3\n' +
      'if grep -q refuse-me "$4"; then echo "[info] loading" >&2; echo "error initializing configuration: no" >&2; ' +
      'exit 1; fi\n',
    { mode: 0o755 },
  );
  const path = process.env.PATH;
  process.env.PATH = `${dir}${delimiter}${path ?? ''}`;
  try {
    return await run();
  } finally {
    process.env.PATH = path;
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('envoy --mode validate, when an envoy binary is on PATH', () => {
  it('passes what Envoy accepts and reports a refusal with its last line', async () => {
    const [accepted, refused] = await withFakeEnvoy(() =>
      Promise.all([
        checkEnvoyConfig(config(), 'envoy/envoy.yaml'),
        checkEnvoyConfig(`${config()}# refuse-me\n`, 'envoy/envoy.yaml'),
      ]),
    );
    expect(accepted).toEqual([]);
    expect(refused.map((d) => [d.code, d.message, d.cause])).toEqual([
      [
        'GW_ENVOY_CONFIG_INVALID',
        'envoy --mode validate rejects envoy/envoy.yaml: error initializing configuration: no',
        '[info] loading\nerror initializing configuration: no',
      ],
    ]);
  });
});

describe('helpers', () => {
  it('re2-wasm loads on this Node', () => expect(loadRe2()).not.toBeNull());
  it.each([
    { given: '^/a/([0-9]+)$', want: undefined },
    { given: '^(?P<x>a)$', want: undefined },
    { given: 'a(?<=b)', want: 'invalid perl operator: (?<' },
    { given: '(a)\\1', want: 'invalid escape sequence: \\1' },
  ])('RE2 on $given', ({ given, want }) => expect(re2Error(given)).toBe(want));
  it("gives RE2's memory back: a big gateway's distinct regexes all compile in one process", () => {
    // re2-wasm has a fixed 16 MiB heap: kept, ~1,500 of these filled it ("Cannot enlarge memory arrays").
    const alternatives = Array.from({ length: 12 }, (_, i) => `part${i}/([0-9]+)`).join('|');
    const errors = new Set<string>();
    for (let i = 0; i < 6000; i++) {
      const error = re2Error(`^/service${i}/(?:${alternatives})(?:/|$)`);
      if (error) errors.add(error.slice(0, 60));
    }
    expect([...errors]).toEqual([]);
  }, 60_000);
  it.each([
    { given: '^/a/([^/]+)/(x|y)$', want: 2 },
    { given: '^(?:a)[(]\\(b\\)$', want: 0 },
    { given: '(?P<n>a)', want: 1 },
  ])('countGroups $given', ({ given, want }) => expect(countGroups(given)).toBe(want));
  it.each([
    { given: ['static_resources', 'clusters', 2, 'name'], want: 'static_resources.clusters[2].name' },
    {
      given: ['typed_per_filter_config', 'envoy.filters.http.buffer'],
      want: 'typed_per_filter_config["envoy.filters.http.buffer"]',
    },
  ])('formatPath $want', ({ given, want }) => expect(formatPath(given)).toBe(want));
});

describe('the regexes the check trusts without RE2', () => {
  it('every path regex of every golden case compiles in RE2 (what trustedRegexes relies on)', async () => {
    let checked = 0;
    for (const name of readdirSync(CASES).filter((d) => existsSync(join(CASES, d, 'gw.yaml')))) {
      const file = join(CASES, name, 'gw.yaml');
      const { gateway } = await buildGateway(parseProject(readFileSync(file, 'utf8'), file, 'gw.yaml'));
      for (const regex of envoyPathRegexes(gateway.routes)) {
        expect(re2Error(regex), `${name} ${regex}`).toBeUndefined();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
  it('so do the path regexes of literals a client may escape (matched in both forms)', () => {
    const routes = ['/v2/{name}:cancel', "/drives('{id}')/items", '/a b/ü/{x}.json', '/q=1&r/*+?[x]'].map((p) =>
      settled(route('GET', p)),
    );
    const regexes = envoyPathRegexes(routes);
    for (const r of routes) expect(envoyPathMatch(r).regex).not.toBe(r.match.regex);
    expect(regexes.size).toBe(12);
    for (const regex of regexes) expect(re2Error(regex), regex).toBeUndefined();
  });
});
