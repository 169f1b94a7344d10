import { describe, expect, it } from 'vitest';
import { componentName, createApiCollector } from '../../../src/importers/openapi/api-doc.js';
import type { RawDocuments } from '../../../src/importers/openapi/raw-documents.js';
import type { HttpMethod } from '../../../src/model/types.js';

/** Raw documents of a spec at /p/spec.yaml (project folder /p), plus other files by absolute path. */
function raw(root: object, files: Record<string, object> = {}): RawDocuments {
  return {
    root: '/p/spec.yaml',
    projectDir: '/p',
    docs: { '/p/spec.yaml': root, ...files },
    names: { '/p/spec.yaml': 'spec.yaml' },
  };
}

function collect(docs: RawDocuments, swagger2: boolean, ops: [string, HttpMethod][]) {
  const c = createApiCollector(docs, swagger2);
  const apis = ops.map(([path, method]) => c.operation(path, method));
  return { apis, ...c.finish() };
}

describe('componentName', () => {
  const table = [
    { given: 'Order', want: 'Order' },
    { given: 'Foo«Bar»', want: 'Foo_Bar' },
    { given: 'a b/c', want: 'a_b_c' },
    { given: '««', want: 'component' },
  ];
  for (const { given, want } of table) it(`${given} -> ${want}`, () => expect(componentName(given)).toBe(want));
});

describe('createApiCollector: OpenAPI 3', () => {
  it('multi-file $refs become components named after their target, unique within the kind', () => {
    const docs = raw(
      {
        openapi: '3.0.3',
        paths: {
          '/a': {
            get: {
              responses: {
                '200': {
                  description: 'ok',
                  content: { 'application/json': { schema: { $ref: './schemas.yaml#/Order' } } },
                },
                '400': {
                  description: 'bad',
                  content: { 'application/json': { schema: { $ref: 'other/Order.yaml' } } },
                },
              },
            },
          },
        },
        components: { schemas: { Order: { type: 'string' } } },
      },
      {
        '/p/schemas.yaml': {
          Order: { type: 'object', properties: { m: { $ref: '#/Money' } } },
          Money: { type: 'integer' },
        },
        '/p/other/Order.yaml': { type: 'number' },
      },
    );
    const { apis, components } = collect(docs, false, [['/a', 'GET']]);
    const content = (code: string) =>
      (apis[0]!.responses![code]!.content as Record<string, { schema: unknown }>)['application/json']!.schema;
    expect(content('200')).toEqual({ $ref: '#/components/schemas/Order_2' }); // "Order" is the root's own component
    expect(content('400')).toEqual({ $ref: '#/components/schemas/Order_3' });
    expect(components.map((c) => [c.kind, c.name, c.source.file, c.source.pointer])).toEqual([
      ['schemas', 'Money', 'schemas.yaml', '#/Money'],
      ['schemas', 'Order_2', 'schemas.yaml', '#/Order'],
      ['schemas', 'Order_3', 'other/Order.yaml', '#'],
    ]);
    expect(components[1]!.value).toEqual({ type: 'object', properties: { m: { $ref: '#/components/schemas/Money' } } });
  });

  it('path-item parameters merge in, the operation overriding by name and location; x-gw is dropped', () => {
    const docs = raw({
      openapi: '3.0.3',
      paths: {
        '/a/{id}': {
          parameters: [{ $ref: '#/components/parameters/id' }, { name: 'v', in: 'query', schema: { type: 'string' } }],
          get: {
            description: 'd',
            'x-gw': { retries: 1 },
            'x-own': true,
            parameters: [{ name: 'v', in: 'query', schema: { type: 'integer' } }],
            responses: { '200': { description: 'ok' } },
          },
        },
      },
      components: { parameters: { id: { name: 'id', in: 'path', required: true, schema: { type: 'string' } } } },
    });
    const { apis, components } = collect(docs, false, [['/a/{id}', 'GET']]);
    expect(apis[0]).toEqual({
      description: 'd',
      parameters: [{ $ref: '#/components/parameters/id' }, { name: 'v', in: 'query', schema: { type: 'integer' } }],
      responses: { '200': { description: 'ok' } },
      'x-own': true,
    });
    expect(components.map((c) => c.name)).toEqual(['id']);
  });

  it('a path item in another file: its $refs resolve from that file', () => {
    const docs = raw(
      { openapi: '3.0.3', paths: { '/b': { $ref: 'paths/b.yaml' } } },
      {
        '/p/paths/b.yaml': { get: { responses: { '200': { $ref: '../responses.yaml#/Ok' } } } },
        '/p/responses.yaml': { Ok: { description: 'fine' } },
      },
    );
    const { apis, components } = collect(docs, false, [['/b', 'GET']]);
    expect(apis[0]!.responses).toEqual({ '200': { $ref: '#/components/responses/Ok' } });
    expect(components).toEqual([
      {
        kind: 'responses',
        name: 'Ok',
        value: { description: 'fine' },
        source: { file: 'responses.yaml', pointer: '#/Ok' },
      },
    ]);
  });

  it('a $ref below a component is inlined; one that cycles back becomes a component once', () => {
    const x = { type: 'object', properties: { y: { $ref: '#/components/schemas/A/properties/x' } } };
    const docs = raw({
      openapi: '3.0.3',
      paths: {
        '/a': {
          get: {
            responses: {
              '200': {
                description: 'ok',
                content: { 'a/b': { schema: { $ref: '#/components/schemas/A/properties/x' } } },
              },
            },
          },
        },
      },
      components: { schemas: { A: { properties: { x } } } },
    });
    const { apis, components } = collect(docs, false, [['/a', 'GET']]);
    const schema = (apis[0]!.responses!['200']!.content as Record<string, { schema: unknown }>)['a/b']!.schema;
    expect(schema).toEqual({ type: 'object', properties: { y: { $ref: '#/components/schemas/x' } } });
    expect(components.map((c) => [c.name, c.value])).toEqual([
      ['x', { type: 'object', properties: { y: { $ref: '#/components/schemas/x' } } }],
    ]);
  });

  it('a $ref gw cannot follow stays as written, and is a gap', () => {
    const docs = raw({
      openapi: '3.1.0',
      paths: {
        '/c': {
          get: { responses: { '200': { description: 'ok', content: { 'a/b': { schema: { $ref: '#node' } } } } } },
        },
      },
    });
    const { gaps } = collect(docs, false, [['/c', 'GET']]);
    expect(gaps.map((g) => `${g.kind}: ${g.message}`)).toEqual([
      'openapi.unfollowable-ref: $ref "#node" leads to nothing gw can follow (an anchor, an $id, or a ' +
        'file read differently); the public spec keeps it as written',
    ]);
  });
});

describe('createApiCollector: Swagger 2.0', () => {
  const doc = {
    swagger: '2.0',
    consumes: ['application/json'],
    produces: ['application/json'],
    parameters: {
      pet: { name: 'pet', in: 'body', schema: { $ref: '#/definitions/Pet' } },
      limit: { name: 'limit', in: 'query', type: 'integer' },
    },
    responses: { NotFound: { description: 'nope', schema: { $ref: '#/definitions/Error' } } },
    definitions: {
      Pet: { type: 'object', properties: { tag: { $ref: '#/definitions/Tag' } } },
      Tag: { type: 'string' },
      Error: { type: 'object' },
    },
    paths: {
      '/pets': {
        post: {
          parameters: [{ $ref: '#/parameters/pet' }, { $ref: '#/parameters/limit' }],
          responses: { '404': { $ref: '#/responses/NotFound' } },
        },
      },
    },
  };
  it('definitions, parameters and responses become components; a body parameter $ref is inlined as requestBody', () => {
    const { apis, components } = collect(raw(doc), true, [['/pets', 'POST']]);
    expect(apis[0]).toEqual({
      parameters: [{ $ref: '#/components/parameters/limit' }],
      requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } },
      responses: { '404': { $ref: '#/components/responses/NotFound' } },
    });
    expect(Object.fromEntries(components.map((c) => [`${c.kind}/${c.name}`, c.value]))).toEqual({
      'parameters/limit': { name: 'limit', in: 'query', schema: { type: 'integer' } },
      'responses/NotFound': {
        description: 'nope',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
      'schemas/Error': { type: 'object' },
      'schemas/Pet': { type: 'object', properties: { tag: { $ref: '#/components/schemas/Tag' } } },
      'schemas/Tag': { type: 'string' },
    });
  });
});

describe('createApiCollector: every schema the model carries is JSON Schema 2020-12', () => {
  const n = (extra: object = {}) => ({ type: 'integer', minimum: 0, exclusiveMinimum: true, ...extra });
  const want = { type: 'integer', exclusiveMinimum: 0 };

  it('OpenAPI 3.0: parameters, bodies, responses, headers, callbacks and components', () => {
    const docs = raw({
      openapi: '3.0.3',
      paths: {
        '/a': {
          post: {
            parameters: [{ name: 'q', in: 'query', schema: n() }, { $ref: '#/components/parameters/P' }],
            requestBody: { content: { 'application/json': { schema: n() } } },
            responses: {
              '200': {
                description: 'ok',
                headers: { 'X-N': { schema: n() } },
                content: { 'application/json': { schema: { $ref: '#/components/schemas/S', nullable: true } } },
              },
            },
            callbacks: {
              cb: { '{$request.query.q}': { post: { requestBody: { content: { 'text/plain': { schema: n() } } } } } },
            },
          },
        },
      },
      components: {
        parameters: { P: { name: 'p', in: 'header', schema: n() } },
        schemas: { S: { type: 'object', properties: { s: { type: 'string', nullable: true, example: 'x' } } } },
      },
    });
    const { apis, components } = collect(docs, false, [['/a', 'POST']]);
    const api = apis[0]!;
    expect(api.parameters![0]!.schema).toEqual(want);
    expect(api.requestBody).toEqual({ content: { 'application/json': { schema: want } } });
    expect(api.responses!['200']).toEqual({
      description: 'ok',
      headers: { 'X-N': { schema: want } },
      content: {
        'application/json': { schema: { anyOf: [{ $ref: '#/components/schemas/S' }, { type: 'null' }] } },
      },
    });
    expect(JSON.stringify(api.callbacks)).toContain(JSON.stringify({ schema: want }));
    expect(Object.fromEntries(components.map((c) => [`${c.kind}/${c.name}`, c.value]))).toEqual({
      'parameters/P': { name: 'p', in: 'header', schema: want },
      'schemas/S': { type: 'object', properties: { s: { type: ['string', 'null'], examples: ['x'] } } },
    });
  });

  it('Swagger 2.0: parameters, formData, headers, x-nullable and parameter components', () => {
    const docs = raw({
      swagger: '2.0',
      parameters: { limit: { name: 'limit', in: 'query', ...n() } },
      definitions: { Pet: { type: 'object', properties: { tag: { type: 'string', 'x-nullable': true } } } },
      paths: {
        '/pets': {
          get: {
            parameters: [{ name: 'q', in: 'query', ...n() }, { $ref: '#/parameters/limit' }],
            responses: {
              '200': { description: 'ok', headers: { 'X-N': n() }, schema: { $ref: '#/definitions/Pet' } },
            },
          },
          post: {
            consumes: ['application/x-www-form-urlencoded'],
            parameters: [{ name: 'count', in: 'formData', ...n() }],
            responses: { '204': { description: 'made' } },
          },
        },
      },
    });
    const { apis, components } = collect(docs, true, [
      ['/pets', 'GET'],
      ['/pets', 'POST'],
    ]);
    expect(apis[0]!.parameters![0]).toEqual({ name: 'q', in: 'query', schema: want });
    expect((apis[0]!.responses!['200']!.headers as Record<string, unknown>)['X-N']).toEqual({ schema: want });
    const form = (apis[1]!.requestBody!.content as Record<string, { schema: { properties: object } }>)[
      'application/x-www-form-urlencoded'
    ]!;
    expect(form.schema.properties).toEqual({ count: want });
    expect(Object.fromEntries(components.map((c) => [`${c.kind}/${c.name}`, c.value]))).toEqual({
      'parameters/limit': { name: 'limit', in: 'query', schema: want },
      'schemas/Pet': { type: 'object', properties: { tag: { type: ['string', 'null'] } } },
    });
  });
});
