import { describe, expect, it } from 'vitest';
import { runtimeSubset } from '../../../../src/model/runtime-subset.js';
import { unpackGateway } from '../../../../src/runtime/packed-gateway.js';
import { STANDALONE_DEFAULTS, UPSTREAM_ENV_PREFIX as RUNTIME_PREFIX } from '../../../../src/runtime/standalone-env.js';
import { buildNodeView, toJsLiteral, UPSTREAM_ENV_PREFIX, upstreamEnvVar } from '../../../../src/targets/node/view.js';
import { target } from '../../../helpers/routes.js';
import { gatewayOf, upstream } from './fixture.js';

describe('upstreamEnvVar: an upstream id -> the variable that overrides it', () => {
  const cases: { name: string; given: string; want: string }[] = [
    { name: 'a service default upstream', given: 'users', want: 'GW_UPSTREAM_USERS' },
    { name: 'dashes become underscores', given: 'billing-v2', want: 'GW_UPSTREAM_BILLING_V2' },
    { name: 'a path- or operation-level upstream: ~ becomes __', given: 'orders~1', want: 'GW_UPSTREAM_ORDERS__1' },
    { name: 'both', given: 'billing-v2~12', want: 'GW_UPSTREAM_BILLING_V2__12' },
    { name: 'digits stay', given: 's3', want: 'GW_UPSTREAM_S3' },
  ];
  for (const c of cases) it(c.name, () => expect(upstreamEnvVar(c.given)).toBe(c.want));
  it('is a valid POSIX environment variable name for every id the model can hold', () => {
    for (const id of ['a', 'a-b-c', 'a~1', 'x9-y~3']) expect(upstreamEnvVar(id)).toMatch(/^[A-Z_][A-Z0-9_]*$/);
  });
  it('has the prefix the runtime checks for unknown variables', () => expect(UPSTREAM_ENV_PREFIX).toBe(RUNTIME_PREFIX));
});

describe('buildNodeView', () => {
  it('lists upstreams by id with their variable, targets, base path and balancing', () => {
    const g = gatewayOf([
      upstream('users', '/api/v1', [target('http://u1:8080'), target('http://u2:8080')]),
      upstream('orders~1', '', [target('https://pay.example')]),
    ]);
    const { view, diagnostics } = buildNodeView(g);
    expect(diagnostics).toEqual([]);
    expect(view.upstreams).toEqual([
      {
        id: 'orders~1',
        service: 'orders',
        envVar: 'GW_UPSTREAM_ORDERS__1',
        envVarJs: '"GW_UPSTREAM_ORDERS__1"',
        idJs: '"orders~1"',
        targets: 'https://pay.example:443',
        basePath: '/',
        balancing: 'round-robin',
      },
      {
        id: 'users',
        service: 'users',
        envVar: 'GW_UPSTREAM_USERS',
        envVarJs: '"GW_UPSTREAM_USERS"',
        idJs: '"users"',
        targets: 'http://u1:8080,http://u2:8080',
        basePath: '/api/v1',
        balancing: 'round-robin',
      },
    ]);
  });
  it('warns when two upstreams would share a variable, and keeps the first one only', () => {
    const { view, diagnostics } = buildNodeView(gatewayOf([upstream('a--1', '', []), upstream('a~1', '', [])]));
    expect(view.upstreams.map((u) => u.id)).toEqual(['a--1']);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      code: 'GW_TARGET_INEXACT',
      kind: 'node.env-collision',
      severity: 'warning',
    });
    expect(diagnostics[0]!.message).toContain('GW_UPSTREAM_A__1');
  });
  const ports: { name: string; given: number; want: number }[] = [
    { name: 'listen.port when unprivileged', given: 9000, want: 9000 },
    { name: '8080 for a port below 1024 (the container runs as a non-root user)', given: 80, want: 8080 },
    { name: '8080 for port 0 (a port picked at start cannot be published)', given: 0, want: 8080 },
  ];
  for (const c of ports) {
    it(`container port: ${c.name}`, () =>
      expect(buildNodeView(gatewayOf([], { host: '0.0.0.0', port: c.given })).view.containerPort).toBe(c.want));
  }
  it('names the mocked services and shows the ready line the gateway prints', () => {
    const { view } = buildNodeView(
      gatewayOf([upstream('jobs', '', []), upstream('users', '', [])], undefined, ['jobs', 'users']),
    );
    expect(view.mocked).toBe('jobs, users');
    expect(JSON.parse(view.readyExample)).toEqual({
      event: 'ready',
      url: 'http://127.0.0.1:8080',
      admin: null,
      routes: 0,
      upstreams: 2,
      mocked: ['jobs', 'users'],
    });
  });
  it("documents the defaults the runtime uses: the client timeouts are the model's edge", () => {
    const g = gatewayOf([]);
    g.edge = { ...g.edge, headerTimeoutMs: 2_500, requestTimeoutMs: 90_000 };
    const { defaults } = buildNodeView(g).view;
    expect(defaults).toEqual({
      adminHost: STANDALONE_DEFAULTS.adminHost,
      logFormat: STANDALONE_DEFAULTS.logFormat,
      drainSeconds: STANDALONE_DEFAULTS.drainSeconds,
      clientHeaderTimeoutSeconds: 2.5,
      clientRequestTimeoutSeconds: 90,
    });
  });
  it("embeds the runtime's part of the model, and it evaluates back to the same value", () => {
    const g = gatewayOf([upstream('users', '/api/v1', [target('http://u1:8080')])]);
    const { view } = buildNodeView(g);
    expect(view.packedModel).toBe('');
    expect(new Function(`return ${view.model};`)()).toEqual(runtimeSubset(g));
  });
});

describe('buildNodeView: a model above the threshold is packed', () => {
  const g = gatewayOf([upstream('users', '/api/v1', [target('http://u1:8080')])]);
  const bytes = Buffer.byteLength(JSON.stringify(runtimeSubset(g)));
  it('packs above packAbove: base64 text that unpacks to the same value, no literal', () => {
    const { view } = buildNodeView(g, { packAbove: bytes - 1 });
    expect(view.model).toBe('');
    expect(view.modelBytes).toBe(bytes);
    expect(view.packedModel).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(unpackGateway(view.packedModel)).toEqual(runtimeSubset(g));
  });
  it('keeps a model of exactly packAbove bytes a literal', () => {
    expect(buildNodeView(g, { packAbove: bytes }).view.packedModel).toBe('');
  });
  it('packs the same model to the same text', () => {
    expect(buildNodeView(g, { packAbove: 0 }).view.packedModel).toBe(
      buildNodeView(g, { packAbove: 0 }).view.packedModel,
    );
  });
  it('keeps a "__proto__" key an own property', () => {
    const odd = gatewayOf([]);
    odd.name = 'odd';
    (odd.edge as unknown as Record<string, unknown>).extra = JSON.parse('{"__proto__":{"x":1}}');
    const back = unpackGateway(buildNodeView(odd, { packAbove: 0 }).view.packedModel);
    const extra = (back.edge as unknown as Record<string, object>).extra!;
    expect(Object.keys(extra)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(extra)).toBe(Object.prototype);
  });
});

describe('toJsLiteral', () => {
  const cases: { name: string; given: unknown; want: string }[] = [
    {
      name: 'scalars as JSON',
      given: { a: 1, b: 'x', c: true, d: null },
      want: '{\n  "a": 1,\n  "b": "x",\n  "c": true,\n  "d": null\n}',
    },
    { name: 'empty containers on one line', given: { a: [], b: {} }, want: '{\n  "a": [],\n  "b": {}\n}' },
    { name: 'nested arrays indented', given: [[1], 'x'], want: '[\n  [\n    1\n  ],\n  "x"\n]' },
    { name: 'undefined fields dropped, as JSON does', given: { a: undefined, b: 1 }, want: '{\n  "b": 1\n}' },
    {
      name: 'a __proto__ key stays an own property',
      given: JSON.parse('{"__proto__":{"x":1}}'),
      want: '{\n  ["__proto__"]: {\n    "x": 1\n  }\n}',
    },
  ];
  for (const c of cases) it(c.name, () => expect(toJsLiteral(c.given)).toBe(c.want));
  it('round-trips strings a spec may hold: quotes, backslashes, $ and braces, backticks, U+2028, </script>', () => {
    const value = { s: `a"b\\c$\{d}\`e\u2028f</script>`, k: JSON.parse('{"__proto__":"p","constructor":"c"}') };
    const back = new Function(`return ${toJsLiteral(value)};`)();
    expect(back).toEqual(value);
    expect(Object.keys(back.k)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(back.k)).toBe(Object.prototype);
  });
});
