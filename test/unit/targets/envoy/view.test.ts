import { describe, expect, it } from 'vitest';
import { compileMatch, parsePathTemplate } from '../../../../src/model/path.js';
import type { ImportedRoute, ImportedUpstream } from '../../../../src/model/fragment.js';
import type { Gateway, HttpMethod, ParamSchema } from '../../../../src/model/types.js';
import { envoyDuration, envoyFlow, envoySubstitution, withQuery } from '../../../../src/targets/envoy/escape.js';
import {
  allowList,
  buildMethodNotAllowed,
  groupRoutesByPath,
  pathRelation,
} from '../../../../src/targets/envoy/method-groups.js';
import { rewriteSubstitution } from '../../../../src/targets/envoy/route-view.js';
import { buildEnvoyView, type EnvoyView } from '../../../../src/targets/envoy/view.js';
import { DEFAULT_ROUTE_SETTINGS } from '../../../../src/project/settings.js';
import { route, settle, target, plainListen } from '../../../helpers/routes.js';

/** The route table without the routes refusing path forms (refused-paths.ts), which come first. */
const modelRoutes = (view: EnvoyView) => view.routes.filter((r) => !r.name.startsWith('refuse '));

function typed(
  method: HttpMethod,
  path: string,
  schemas: Record<string, ParamSchema> = {},
  over: Partial<ImportedRoute> = {},
): ImportedRoute {
  const r = route(method, path);
  const params = r.params.map((p) => ({ name: p.name, schema: schemas[p.name] ?? {} }));
  return {
    ...r,
    params,
    match: compileMatch(parsePathTemplate(path), params),
    settings: {
      ...DEFAULT_ROUTE_SETTINGS,
      connectTimeoutMs: 5000,
      requestTimeoutMs: 30000,
      retries: 1,
      maxBodyBytes: 1024,
      preserveHost: false,
    },
    ...over,
  };
}

function upstream(over: Partial<ImportedUpstream> = {}): ImportedUpstream {
  return {
    id: 's',
    service: 's',
    basePath: '',
    balancing: 'round-robin',
    healthCheck: null,
    connectionsPerTarget: 256,
    origin: 'spec',
    source: { file: 'x.yaml', pointer: '#/servers' },
    targets: [target('http://a.internal:8080')],
    ...over,
  };
}

function gateway(
  routes: ImportedRoute[],
  upstreams: ImportedUpstream[] = [upstream()],
  listenHost = '127.0.0.1',
): Gateway {
  return settle(routes, { listen: plainListen(listenHost, 8080), upstreams });
}

describe('escaping and formatting', () => {
  it.each([
    { given: 5000, want: '5s' },
    { given: 250, want: '0.250s' },
    { given: 1500, want: '1.500s' },
    { given: 300000, want: '300s' },
  ])('duration $given ms is $want', ({ given, want }) => expect(envoyDuration(given)).toBe(want));

  it.each([
    { given: 'plain', want: '"plain"' },
    { given: 'a "q" \\ b', want: '"a \\"q\\" \\\\ b"' },
    { given: 'line\nbreak', want: '"line\\nbreak"' },
    { given: 'café \u2028', want: '"caf\\u00e9 \\u2028"' },
    { given: '# not: a comment', want: '"# not: a comment"' },
  ])('string $given', ({ given, want }) => expect(envoyFlow(given)).toBe(want));

  it('writes nested values as one ASCII flow mapping', () =>
    expect(envoyFlow({ name: 'caf\u00e9', list: [1, null] })).toBe('{"name":"caf\\u00e9","list":[1,null]}'));

  it.each([
    { given: ['/v1/', 1, '/x'], want: '/v1/\\1/x' },
    { given: ['/a\\b/', 2], want: '/a\\\\b/\\2' },
  ])('substitution $given', ({ given, want }) => expect(envoySubstitution(given)).toBe(want));

  it('widens a path regex to the whole :path header', () =>
    expect(withQuery('^/a/([^/]+)$')).toBe('^/a/([^/]+)(?:\\?.*)?$'));
});

describe('rewrite substitution', () => {
  it.each([
    { path: '/o/{id}', upstreamPath: '/v1/o/{id}', want: '/v1/o/\\1' },
    { path: '/f/{name}.{ext}', upstreamPath: '/api/f/{name}.{ext}', want: '/api/f/\\1.\\2' },
    { path: '/a/{x}/b/{y}', upstreamPath: '/b/{y}/a/{x}', want: '/b/\\2/a/\\1' },
  ])('$path -> $upstreamPath', ({ path, upstreamPath, want }) => {
    expect(rewriteSubstitution({ segments: parsePathTemplate(path), upstreamPath })).toBe(want);
  });
});

describe('routes', () => {
  it('literal paths match with path:, templates with the model regex; HEAD rides on GET', () => {
    const { view } = buildEnvoyView(
      gateway([typed('GET', '/a'), typed('PUT', '/a/{id}', { id: { type: 'integer' } })]),
    );
    expect(modelRoutes(view)[0]).toMatchObject({
      path: '/a',
      regex: null,
      headers: [{ name: ':method', exact: null, regex: '^(?:GET|HEAD)$' }],
    });
    expect(modelRoutes(view)[1]).toMatchObject({
      path: null,
      regex: '^/a/(-?[0-9]+)$',
      headers: [{ name: ':method', exact: 'PUT', regex: null }],
    });
  });

  it('a GET route leaves HEAD to a HEAD route of the same path', () => {
    const { view } = buildEnvoyView(gateway([typed('GET', '/a'), typed('HEAD', '/a')]));
    expect(modelRoutes(view)[0]!.headers[0]).toEqual({
      name: ':method',
      exact: 'GET',
      regex: null,
      present: false,
      invert: false,
    });
  });

  it.each([
    {
      name: 'exact path, base path added',
      r: typed('GET', '/p', {}, { upstreamPath: '/v1/p' }),
      want: { prefixRewrite: '/v1/p', regexRewrite: null },
    },
    {
      name: 'template, base path added',
      r: typed('GET', '/p/{id}', {}, { upstreamPath: '/v1/p/{id}' }),
      want: { prefixRewrite: null, regexRewrite: { pattern: '^/p/([^/]+)$', substitution: '/v1/p/\\1' } },
    },
    { name: 'nothing to rewrite', r: typed('GET', '/p/{id}'), want: { prefixRewrite: null, regexRewrite: null } },
  ])('rewrite: $name', ({ r, want }) => {
    expect(modelRoutes(buildEnvoyView(gateway([r])).view)[0]!.proxy).toMatchObject(want);
  });

  it.each([
    { method: 'GET' as const, retries: 2, want: { retryOn: 'connect-failure,reset', numRetries: 2 } },
    { method: 'DELETE' as const, retries: 1, want: { retryOn: 'connect-failure,reset', numRetries: 1 } },
    { method: 'POST' as const, retries: 3, want: null },
    { method: 'PATCH' as const, retries: 3, want: null },
    { method: 'GET' as const, retries: 0, want: null },
  ])('retries: $method with retries $retries', ({ method, retries, want }) => {
    const r = typed(method, '/x');
    r.settings.retries = retries;
    expect(modelRoutes(buildEnvoyView(gateway([r])).view)[0]!.proxy!.retry).toEqual(want);
  });

  it('timeout, body limit and Host follow the route settings', () => {
    const r = typed('POST', '/x');
    r.settings = {
      ...DEFAULT_ROUTE_SETTINGS,
      connectTimeoutMs: 1000,
      requestTimeoutMs: 2500,
      retries: 0,
      maxBodyBytes: 4096,
      preserveHost: true,
    };
    expect(modelRoutes(buildEnvoyView(gateway([r])).view)[0]!.proxy).toMatchObject({
      cluster: 's',
      timeout: '2.500s',
      maxRequestBytes: 4096,
      autoHostRewrite: false,
    });
  });

  it("a mocked route answers directly with its first response, the model's body as it is", () => {
    const r = typed(
      'GET',
      '/m',
      {},
      {
        mock: [
          { status: 200, contentType: 'application/json', body: '{\n  "a": 1\n}\n', generated: false },
          { status: 404, contentType: null, body: '', generated: false },
        ],
      },
    );
    const { view } = buildEnvoyView(gateway([r]));
    expect(modelRoutes(view)[0]).toMatchObject({
      proxy: null,
      direct: {
        status: 200,
        body: '{\n  "a": 1\n}\n',
        headers: [
          { name: 'content-type', value: 'application/json' },
          { name: 'x-gw-mock', value: 'true' },
        ],
      },
    });
    expect(view.clusters).toEqual([]);
  });

  it('warns when a mock status would be rewritten by a local reply mapper', () => {
    const r = typed('GET', '/m', {}, { mock: [{ status: 405, contentType: null, body: '', generated: false }] });
    const { diagnostics } = buildEnvoyView(gateway([r]));
    expect(diagnostics.map((d) => d.code)).toEqual(['GW_TARGET_INEXACT']);
  });
});

describe('405 blocks', () => {
  const g = (...routes: ImportedRoute[]) => groupRoutesByPath(settle(routes).routes);

  it.each([
    { name: 'literal inside a parameter', a: typed('GET', '/u/me'), b: typed('GET', '/u/{id}'), want: 'subset' },
    {
      name: 'literal outside a typed parameter',
      a: typed('GET', '/u/me'),
      b: typed('GET', '/u/{id}', { id: { type: 'integer' } }),
      want: 'disjoint',
    },
    {
      name: 'typed inside untyped',
      a: typed('GET', '/s/{sku}', { sku: { type: 'integer' } }),
      b: typed('POST', '/s/{sku}'),
      want: 'subset',
    },
    {
      name: 'untyped over typed',
      a: typed('POST', '/s/{sku}'),
      b: typed('GET', '/s/{sku}', { sku: { type: 'integer' } }),
      want: 'partial',
    },
    {
      name: 'enums that share nothing',
      a: typed('GET', '/k/{k}', { k: { enum: ['a', 'b'] } }),
      b: typed('GET', '/k/{c}', { c: { type: 'integer' } }),
      want: 'disjoint',
    },
    { name: 'different lengths', a: typed('GET', '/a/{x}'), b: typed('GET', '/a/{x}/b'), want: 'disjoint' },
  ])('relation: $name', ({ a, b, want }) => {
    const [ga, gb] = g(a, b);
    expect(pathRelation(ga!, gb!)).toBe(want);
  });

  it('a later path containing this one adds its methods', () => {
    const { blocks } = buildMethodNotAllowed(g(typed('GET', '/u/me'), typed('DELETE', '/u/{id}')));
    expect(blocks.map((b) => [b.group.regex, b.alsoMatching, b.allow.join(', ')])).toEqual([
      ['^/u/me$', [], 'DELETE, GET, HEAD'],
      ['^/u/([^/]+)$', [], 'DELETE'],
    ]);
  });

  it('a partial overlap gets its own block, tested on :path, before the plain one', () => {
    const { blocks } = buildMethodNotAllowed(
      g(
        typed('GET', '/s/{a}', { a: { pattern: '^[a-z]+$' } }),
        typed('POST', '/s/{b}', { b: { pattern: '^[0-9a-c]+$' } }),
      ),
    );
    expect(blocks.map((b) => [b.alsoMatching, b.allow.join(', ')])).toEqual([
      [['^/s/([0-9a-c]+)$'], 'GET, HEAD, POST'],
      [[], 'GET, HEAD'],
      [[], 'POST'],
    ]);
    const { view } = buildEnvoyView(
      gateway([
        typed('GET', '/s/{a}', { a: { pattern: '^[a-z]+$' } }),
        typed('POST', '/s/{b}', { b: { pattern: '^[0-9a-c]+$' } }),
      ]),
    );
    expect(modelRoutes(view)[2]).toMatchObject({
      regex: '^/s/([a-z]+)$',
      headers: [{ name: ':path', regex: '^/s/([0-9a-c]+)(?:\\?.*)?$' }],
      direct: { status: 405, headers: [{ name: 'allow', value: 'GET, HEAD, POST' }] },
    });
  });
});

describe('405 blocks: the later paths looked up by leading segments', () => {
  const g = (...routes: ImportedRoute[]) => groupRoutesByPath(settle(routes).routes);
  /** buildMethodNotAllowed's blocks as the full pairwise scan gives them (every later group of the same length). */
  function pairwise(groups: ReturnType<typeof groupRoutesByPath>) {
    return groups.flatMap((g, i) => {
      const base = new Set(g.methods);
      const partial: typeof groups = [];
      for (const later of groups.slice(i + 1)) {
        const rel = pathRelation(g, later);
        if (rel === 'subset' || rel === 'same') for (const m of later.methods) base.add(m);
        else if (rel === 'partial') partial.push(later);
      }
      return { regex: g.regex, base: [...base].sort(), partial: partial.map((p) => p.regex) };
    });
  }
  it('finds every later path the pairwise scan finds, in model order', () => {
    const routes = [
      typed('GET', '/'),
      typed('GET', '/{any}'),
      typed('GET', '/repos/{owner}/{repo}'),
      typed('PUT', '/repos/{owner}/{repo}'),
      typed('GET', '/repos/mine/{repo}'),
      typed('GET', '/repos/{owner}/x'),
      typed('DELETE', '/{kind}/{owner}/{repo}'),
      typed('GET', '/{kind}/{owner}/{repo}', { kind: { enum: ['repos', 'orgs'] } }),
      typed('POST', '/orgs/{org}/{repo}'),
      typed('GET', '/orgs/{org}/teams'),
      typed('GET', '/v1/{id}'),
      typed('GET', '/v1/charges'),
      typed('PATCH', '/v1/{id}', { id: { type: 'integer' } }),
      typed('GET', '/v1/charges/{id}'),
      typed('GET', '/v1/x{id}/a'),
      typed('GET', '/v1/xy/a'),
      typed('GET', '/a{b}/c/d'),
      typed('GET', '/ab/c/d'),
    ];
    const groups = g(...routes);
    const { blocks } = buildMethodNotAllowed(groups);
    const plain = blocks.filter((b) => b.alsoMatching.length === 0);
    const want = pairwise(groups);
    expect(plain.map((b) => b.group.regex)).toEqual(want.map((w) => w.regex));
    const widest = groups.map((grp) => blocks.find((b) => b.group === grp)!.alsoMatching);
    expect(widest).toEqual(want.map((w) => (w.partial.length <= 3 ? w.partial : [])));
    for (const [k, b] of plain.entries()) expect(b.allow, b.group.regex).toEqual(allowList(want[k]!.base));
  });
});

describe('clusters', () => {
  it.each([
    {
      name: 'IP targets are STATIC',
      targets: [target('http://10.0.0.1:80')],
      want: { type: 'STATIC', dnsLookupFamily: null },
    },
    {
      name: 'hostnames are STRICT_DNS',
      targets: [target('http://a:80')],
      want: { type: 'STRICT_DNS', dnsLookupFamily: 'V4_PREFERRED' },
    },
  ])('$name', ({ targets, want }) => {
    expect(buildEnvoyView(gateway([typed('GET', '/x')], [upstream({ targets })])).view.clusters[0]).toMatchObject(want);
  });

  it.each([
    { balancing: 'round-robin' as const, want: { lbPolicy: 'ROUND_ROBIN', weights: [null, null] } },
    { balancing: 'weighted' as const, want: { lbPolicy: 'ROUND_ROBIN', weights: [3, 1] } },
    { balancing: 'least-connections' as const, want: { lbPolicy: 'LEAST_REQUEST', weights: [3, 1] } },
  ])('balancing $balancing', ({ balancing, want }) => {
    const targets = [target('http://10.0.0.1:8080', 3), target('http://10.0.0.2:8080')];
    const c = buildEnvoyView(gateway([typed('GET', '/x')], [upstream({ balancing, targets })])).view.clusters[0]!;
    expect({ lbPolicy: c.lbPolicy, weights: c.endpoints.map((e) => e.weight) }).toEqual(want);
    expect(c.outlier).toEqual({ maxEjectionPercent: 50 });
  });

  it('connect timeout is the longest of the upstream routes (as gw serve); one target is never ejected', () => {
    const a = typed('GET', '/a');
    const b = typed('POST', '/a');
    a.settings.connectTimeoutMs = 1000;
    b.settings.connectTimeoutMs = 3000;
    expect(buildEnvoyView(gateway([a, b])).view.clusters[0]).toMatchObject({ connectTimeout: '3s', outlier: null });
  });

  it('https: one host is cluster-wide TLS with SNI; mixed targets use per-endpoint matches', () => {
    const one = upstream({
      targets: [target('https://api.example.com:443')],
    });
    const c1 = buildEnvoyView(gateway([typed('GET', '/x')], [one])).view.clusters[0]!;
    expect(c1).toMatchObject({
      tls: { sni: 'api.example.com', san: 'api.example.com', sanType: 'DNS' },
      tlsMatches: [],
    });
    expect(c1.endpoints[0]!.hostname).toBe('api.example.com');
    const mixed = upstream({
      targets: [target('https://10.0.0.9:8443'), target('http://10.0.0.8:80')],
    });
    const c2 = buildEnvoyView(gateway([typed('GET', '/x')], [mixed])).view.clusters[0]!;
    expect(c2.tls).toBeNull();
    expect(c2.tlsMatches).toEqual([{ name: 'tls 10.0.0.9', sni: null, san: '10.0.0.9', sanType: 'IP_ADDRESS' }]);
    expect(c2.endpoints.map((e) => [e.hostname, e.tlsMatch])).toEqual([
      ['10.0.0.9:8443', '10.0.0.9'],
      ['10.0.0.8', null],
    ]);
  });

  it('health checks in Envoy durations', () => {
    const u = upstream({
      healthCheck: { path: '/hz', intervalMs: 5000, timeoutMs: 500, healthyThreshold: 2, unhealthyThreshold: 3 },
    });
    expect(buildEnvoyView(gateway([typed('GET', '/x')], [u])).view.clusters[0]!.healthCheck).toEqual({
      path: '/hz',
      interval: '5s',
      timeout: '0.500s',
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    });
  });
});

describe('listener', () => {
  it.each([
    { host: '0.0.0.0', want: '0.0.0.0', warnings: 0 },
    { host: 'localhost', want: '127.0.0.1', warnings: 0 },
    { host: 'gw.internal', want: '0.0.0.0', warnings: 1 },
  ])('listen.host $host', ({ host, want, warnings }) => {
    const { view, diagnostics } = buildEnvoyView(gateway([typed('GET', '/x')], [upstream()], host));
    expect(view.listen.address).toBe(want);
    expect(diagnostics).toHaveLength(warnings);
  });
});
