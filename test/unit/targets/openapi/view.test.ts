import { describe, expect, it } from 'vitest';
import type { ApiComponent, Gateway, Route, SecurityScheme, Service } from '../../../../src/model/types.js';
import { refineClasses, settleNames } from '../../../../src/targets/openapi/names.js';
import { upgradeTo31 } from '../../../../src/targets/openapi/upgrade31.js';
import { buildOpenApiView, gatewayUrl } from '../../../../src/targets/openapi/view.js';
import { route } from '../../../helpers/routes.js';
import { DEFAULT_EDGE } from '../../../../src/project/edge.js';

const src = { file: 'x.yaml', pointer: '#' };
const schema = (name: string, value: object): ApiComponent => ({
  kind: 'schemas',
  name,
  value: value as never,
  source: src,
});

function service(name: string, components: ApiComponent[] = [], more: Partial<Service> = {}): Service {
  return {
    name,
    title: name.toUpperCase(),
    version: '1',
    openapi: '3.0.3',
    prefix: '',
    upstream: name,
    routes: [],
    mock: false,
    source: src,
    tags: [],
    components,
    apiGaps: [],
    ...more,
  };
}

function gateway(services: Service[], routes: Route[] = [], securitySchemes: SecurityScheme[] = []): Gateway {
  return {
    modelVersion: 1,
    name: 'gw',
    listen: { host: '0.0.0.0', port: 8080 },
    services,
    upstreams: [],
    routes,
    securitySchemes,
    rateLimitStore: { kind: 'memory' },
    edge: DEFAULT_EDGE,
  };
}

function withOperation(
  r: Route,
  operationId: string,
  api: Route['api'] = { responses: { '200': { description: 'ok' } } },
): Route {
  return { ...r, operationId, api };
}

describe('settleNames', () => {
  const table = [
    { name: 'one owner keeps its name', given: [{ owner: 'a', name: 'X', cls: 1 }], want: ['X'] },
    {
      name: 'same class in two services: one name',
      given: [
        { owner: 'a', name: 'X', cls: 1 },
        { owner: 'b', name: 'X', cls: 1 },
      ],
      want: ['X', 'X'],
    },
    {
      name: 'different classes: each namespaced',
      given: [
        { owner: 'b', name: 'X', cls: 1 },
        { owner: 'a', name: 'X', cls: 2 },
      ],
      want: ['b_X', 'a_X'],
    },
    {
      name: 'a namespaced name that is taken gets a number',
      given: [
        { owner: 'a', name: 'X', cls: 1 },
        { owner: 'b', name: 'X', cls: 2 },
        { owner: 'c', name: 'a_X', cls: 3 },
      ],
      want: ['a_X_2', 'b_X', 'a_X'],
    },
  ];
  for (const { name, given, want } of table) {
    it(name, () => {
      const settled = settleNames(given);
      expect(given.map((r) => settled.get(r))).toEqual(want);
    });
  }
});

describe('refineClasses', () => {
  it('equal text with refs to components that differ is not equal', () => {
    const items = [
      { service: 'a', kind: 'schemas' as const, name: 'A', value: { $ref: '#/components/schemas/B' } },
      { service: 'a', kind: 'schemas' as const, name: 'B', value: { type: 'string' } },
      { service: 'b', kind: 'schemas' as const, name: 'A', value: { $ref: '#/components/schemas/B' } },
      { service: 'b', kind: 'schemas' as const, name: 'B', value: { type: 'integer' } },
    ];
    const c = refineClasses(items);
    expect(c[0]).not.toBe(c[2]);
    expect(c[1]).not.toBe(c[3]);
  });
  it('key order does not matter', () => {
    const items = [
      { service: 'a', kind: 'schemas' as const, name: 'E', value: { type: 'object', required: ['m'] } },
      { service: 'b', kind: 'schemas' as const, name: 'E', value: { required: ['m'], type: 'object' } },
    ];
    const c = refineClasses(items);
    expect(c[0]).toBe(c[1]);
  });
});

describe('buildOpenApiView', () => {
  it('dedupes identical components, namespaces different ones (and what refers to them), rewrites refs in operations', () => {
    const a = service('a', [
      schema('Error', { type: 'object' }),
      schema('Page', { $ref: '#/components/schemas/Item' }),
      schema('Item', { type: 'string' }),
    ]);
    const b = service('b', [
      schema('Error', { type: 'object' }),
      schema('Page', { $ref: '#/components/schemas/Item' }),
      schema('Item', { type: 'integer' }),
    ]);
    const ok = (ref: string) => ({
      responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: ref } } } } },
    });
    const routes = [
      withOperation(route('GET', '/a', 'a'), 'list', ok('#/components/schemas/Page')),
      withOperation(route('GET', '/b', 'b'), 'list', ok('#/components/schemas/Page')),
    ];
    const { view } = buildOpenApiView(gateway([a, b], routes));
    expect(Object.keys(view.components.schemas as object)).toEqual(['Error', 'a_Item', 'a_Page', 'b_Item', 'b_Page']);
    expect((view.components.schemas as Record<string, unknown>).b_Page).toEqual({
      $ref: '#/components/schemas/b_Item',
    });
    const get = (p: string) => (view.paths[p] as { get: { operationId: string; responses: unknown } }).get;
    expect(get('/b').responses).toEqual(ok('#/components/schemas/b_Page').responses);
    expect([get('/a').operationId, get('/b').operationId]).toEqual(['a_list', 'b_list']);
  });

  it('security schemes: identical ones merge, a clash is renamed and requirements follow', () => {
    const bearer = (service: string, format?: string): SecurityScheme => ({
      id: `${service}.bearer`,
      service,
      name: 'bearer',
      type: 'http',
      scheme: 'bearer',
      ...(format ? { bearerFormat: format } : {}),
      credentials: null,
      source: src,
    });
    const key = (service: string): SecurityScheme => ({
      id: `${service}.key`,
      service,
      name: 'key',
      type: 'apiKey',
      in: 'header',
      paramName: 'X-Key',
      credentials: null,
      source: src,
    });
    const secured = (r: Route, ...schemes: string[]): Route => ({
      ...r,
      security: [{ schemes: schemes.map((scheme) => ({ scheme, scopes: [] })) }],
    });
    const routes = [
      secured(route('GET', '/a', 'a'), 'a.bearer', 'a.key'),
      secured(route('GET', '/b', 'b'), 'b.bearer', 'b.key'),
    ];
    const { view } = buildOpenApiView(
      gateway([service('a'), service('b')], routes, [bearer('a', 'JWT'), key('a'), bearer('b'), key('b')]),
    );
    expect(view.components.securitySchemes).toEqual({
      a_bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      b_bearer: { type: 'http', scheme: 'bearer' },
      key: { type: 'apiKey', name: 'X-Key', in: 'header' },
    });
    expect((view.paths['/b'] as { get: { security: unknown } }).get.security).toEqual([{ b_bearer: [], key: [] }]);
  });

  it('3.1 when any input is 3.1: 3.0 schemas are upgraded, 3.1 ones left alone', () => {
    const old = service('old', [schema('N', { type: 'string', nullable: true })]);
    const neu = service('neu', [schema('M', { type: 'string', nullable: true })], { openapi: '3.1.0' });
    const { view } = buildOpenApiView(gateway([neu, old]));
    expect(view.openapi).toBe('3.1.0');
    expect(view.components.schemas).toEqual({ M: { type: 'string', nullable: true }, N: { type: ['string', 'null'] } });
  });

  it('routes of one path share a path item, methods in the usual order; every operation is tagged with its service', () => {
    const routes = [withOperation(route('POST', '/x', 'a'), 'create'), withOperation(route('GET', '/x', 'a'), 'read')];
    const { view } = buildOpenApiView(gateway([service('a')], routes));
    expect(Object.keys(view.paths['/x']!)).toEqual(['get', 'post']);
    expect((view.paths['/x'] as { get: { tags: string[] } }).get.tags).toEqual(['a']);
    expect(view.openapi).toBe('3.0.3');
  });

  it('a tag two specs describe differently keeps the first description, with a warning', () => {
    const tag = (description: string) => ({ name: 'shared', description, source: src });
    const { view, diagnostics } = buildOpenApiView(
      gateway([service('a', [], { tags: [tag('one')] }), service('b', [], { tags: [tag('two')] })]),
    );
    expect(view.tags).toContainEqual({ name: 'shared', description: 'one' });
    expect(diagnostics.map((d) => `${d.code}[${d.kind}]`)).toEqual(['GW_TARGET_INEXACT[openapi.tag-description]']);
  });
});

describe('upgradeTo31', () => {
  const table = [
    { name: 'nullable type', given: { type: 'string', nullable: true }, want: { type: ['string', 'null'] } },
    {
      name: 'nullable enum gets null',
      given: { type: 'string', enum: ['a'], nullable: true },
      want: { type: ['string', 'null'], enum: ['a', null] },
    },
    {
      name: 'nullable without type',
      given: { description: 'd', allOf: [{ $ref: '#/x' }], nullable: true },
      want: { description: 'd', anyOf: [{ allOf: [{ $ref: '#/x' }] }, { type: 'null' }] },
    },
    { name: 'nullable false goes', given: { type: 'integer', nullable: false }, want: { type: 'integer' } },
    {
      name: 'boolean exclusiveMinimum',
      given: { type: 'number', minimum: 0, exclusiveMinimum: true },
      want: { type: 'number', exclusiveMinimum: 0 },
    },
    { name: 'examples are data', given: { example: { nullable: true } }, want: { example: { nullable: true } } },
  ];
  for (const { name, given, want } of table) it(name, () => expect(upgradeTo31(given)).toEqual(want));
});

describe('gatewayUrl', () => {
  const table = [
    { given: { host: '0.0.0.0', port: 8080 }, want: 'http://localhost:8080' },
    { given: { host: '::1', port: 9000 }, want: 'http://[::1]:9000' },
    { given: { host: 'api.example.com', port: 80 }, want: 'http://api.example.com' },
  ];
  for (const { given, want } of table)
    it(`${given.host}:${given.port} -> ${want}`, () => expect(gatewayUrl(given)).toBe(want));
});
