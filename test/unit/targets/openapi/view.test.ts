import { describe, expect, it } from 'vitest';
import type { ImportedRoute, ImportedScheme } from '../../../../src/model/fragment.js';
import type { ApiComponent, Gateway, Service } from '../../../../src/model/types.js';
import { refineClasses, settleNames } from '../../../../src/targets/openapi/names.js';
import { buildOpenApiView, gatewayUrl } from '../../../../src/targets/openapi/view.js';
import { resolveListen } from '../../../../src/project/listen.js';
import { route, settle, plainListen } from '../../../helpers/routes.js';

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

function gateway(services: Service[], routes: ImportedRoute[] = [], securitySchemes: ImportedScheme[] = []): Gateway {
  return settle(routes, { name: 'gw', listen: plainListen('0.0.0.0', 8080), services, securitySchemes });
}

function withOperation(
  r: ImportedRoute,
  operationId: string,
  api: ImportedRoute['api'] = { responses: { '200': { description: 'ok' } } },
): ImportedRoute {
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
  it('dedupes equal components, namespaces different ones (and what refers to them), rewrites operation refs', () => {
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
    const bearer = (service: string, format?: string): ImportedScheme => ({
      id: `${service}.bearer`,
      service,
      name: 'bearer',
      type: 'http',
      scheme: 'bearer',
      ...(format ? { bearerFormat: format } : {}),
      credentials: null,
      source: src,
    });
    const key = (service: string): ImportedScheme => ({
      id: `${service}.key`,
      service,
      name: 'key',
      type: 'apiKey',
      in: 'header',
      paramName: 'X-Key',
      credentials: null,
      source: src,
    });
    const secured = (r: ImportedRoute, ...schemes: string[]): ImportedRoute => ({
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

  it('always 3.1.0: the schemas are printed as the model holds them (2020-12, whatever the spec version)', () => {
    const n = { type: ['string', 'null'], examples: ['x'] };
    const old = service('old', [schema('N', n)]);
    const neu = service('neu', [schema('M', { type: 'string' })], { openapi: '3.1.0' });
    const { view } = buildOpenApiView(gateway([neu, old]));
    expect(view.openapi).toBe('3.1.0');
    expect(view.components.schemas).toEqual({ M: { type: 'string' }, N: n });
    expect((view.components.schemas as Record<string, unknown>).N).toBe(n);
    expect(buildOpenApiView(gateway([old])).view.openapi).toBe('3.1.0');
  });

  it('routes of one path share a path item, methods in usual order; each operation is tagged with its service', () => {
    const routes = [withOperation(route('POST', '/x', 'a'), 'create'), withOperation(route('GET', '/x', 'a'), 'read')];
    const { view } = buildOpenApiView(gateway([service('a')], routes));
    expect(Object.keys(view.paths['/x']!)).toEqual(['get', 'post']);
    expect((view.paths['/x'] as { get: { tags: string[] } }).get.tags).toEqual(['a']);
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

describe('gatewayUrl', () => {
  const tls = resolveListen({ tls: { cert: 'c.pem', key: 'k.pem' } }).tls;
  const table = [
    { given: { host: '0.0.0.0', port: 8080, tls: null }, want: 'http://localhost:8080' },
    { given: { host: '::1', port: 9000, tls: null }, want: 'http://[::1]:9000' },
    { given: { host: 'api.example.com', port: 80, tls: null }, want: 'http://api.example.com' },
    { given: { host: 'api.example.com', port: 443, tls }, want: 'https://api.example.com' },
    { given: { host: '0.0.0.0', port: 8443, tls }, want: 'https://localhost:8443' },
    { given: { host: 'api.example.com', port: 80, tls }, want: 'https://api.example.com:80' },
  ];
  for (const { given, want } of table)
    it(`${given.host}:${given.port}${given.tls ? ' with tls' : ''} -> ${want}`, () =>
      expect(gatewayUrl(given)).toBe(want));
});
