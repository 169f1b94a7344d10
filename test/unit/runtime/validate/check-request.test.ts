import type { IncomingMessage } from 'node:http';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { isGwError } from '../../../../src/diagnostics/gw-error.js';
import type { ApiComponent, Gateway, JsonObject, Route, RouteApi } from '../../../../src/model/types.js';
import { compileValidators, type RouteValidator } from '../../../../src/runtime/validate/compile-validator.js';
import {
  bodySchemaFor,
  checkJsonBody,
  checkParameters,
  missingBody,
  type FieldError,
} from '../../../../src/runtime/validate/validate-request.js';
import { route, settle } from '../../../helpers/routes.js';

function gateway(
  openapi: string,
  api: RouteApi,
  components: ApiComponent[] = [],
  path = '/items/{id}',
): { gateway: Gateway; route: Route } {
  const r = { ...route('POST', path, 's'), api };
  r.params = r.params.map((p) => ({ ...p, schema: {} }));
  r.settings = { ...r.settings, validate: true };
  const g = settle([r], {
    services: [
      {
        name: 's',
        title: 'S',
        version: '1',
        openapi,
        prefix: '',
        upstream: 's',
        routes: [r.id],
        mock: false,
        source: { file: 's.yaml', pointer: '#' },
        components,
      },
    ],
  });
  return { gateway: g, route: g.routes[0]! };
}

const schema = (name: string, value: JsonObject): ApiComponent => ({
  kind: 'schemas',
  name,
  value,
  source: { file: 's.yaml', pointer: `#/components/schemas/${name}` },
});

function validator(openapi: string, api: RouteApi, components: ApiComponent[] = []): RouteValidator {
  const { gateway: g, route: r } = gateway(openapi, api, components);
  return compileValidators(g).get(r.id)!;
}

function req(headers: Record<string, string> = {}): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

const params: RouteApi = {
  parameters: [
    { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
    { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } },
    { name: 'tag', in: 'query', schema: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } } },
    { name: 'ids', in: 'query', style: 'form', explode: false, schema: { type: 'array', items: { type: 'integer' } } },
    { name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 2 } },
    { $ref: '#/components/parameters/Tenant' },
    { name: 'filter', in: 'query', style: 'deepObject', required: true, schema: { type: 'object' } },
  ],
};
const paramComponents: ApiComponent[] = [
  {
    kind: 'parameters',
    name: 'Tenant',
    value: { name: 'X-Tenant', in: 'header', schema: { $ref: '#/components/schemas/Slug' } },
    source: { file: 's.yaml', pointer: '#' },
  },
  schema('Slug', { type: 'string', pattern: '^[a-z]+$' }),
];

describe('checkParameters', () => {
  const v = validator('3.0.3', params, paramComponents);
  const cases: {
    name: string;
    path?: string[];
    query: string;
    headers?: Record<string, string>;
    want: FieldError | null;
  }[] = [
    {
      name: 'all good (values coerced from text; unknown parameters pass)',
      path: ['7'],
      query: 'q=mu&limit=5&tag=a&tag=b&ids=1,2&other=x',
      headers: { 'x-tenant': 'acme' },
      want: null,
    },
    {
      name: 'path parameter below its minimum',
      path: ['0'],
      query: 'q=mu',
      want: { in: 'path', name: 'id', message: 'must be >= 1' },
    },
    {
      name: 'query over its maximum',
      query: 'q=mu&limit=500',
      want: { in: 'query', name: 'limit', message: 'must be <= 100' },
    },
    {
      name: 'query not a number',
      query: 'q=mu&limit=ten',
      want: { in: 'query', name: 'limit', message: 'must be integer' },
    },
    {
      name: 'required query parameter missing',
      query: 'limit=5',
      want: { in: 'query', name: 'q', message: 'is required' },
    },
    {
      name: 'an array item outside its enum',
      query: 'q=mu&tag=a&tag=z',
      want: { in: 'query', name: 'tag', message: 'item 1 must be one of ["a","b"]' },
    },
    {
      name: 'a comma-separated array (explode: false)',
      query: 'q=mu&ids=1,x',
      want: { in: 'query', name: 'ids', message: 'item 1 must be integer' },
    },
    {
      name: 'a header parameter by $ref, its schema by $ref',
      query: 'q=mu',
      headers: { 'x-tenant': 'ACME' },
      want: { in: 'header', name: 'X-Tenant', message: 'must match pattern "^[a-z]+$"' },
    },
  ];
  for (const c of cases)
    it(c.name, () => expect(checkParameters(v, req(c.headers), c.query, c.path ?? ['1'])).toEqual(c.want));
});

/** The schema bodySchemaFor found (a test that expects one). */
function checked(found: ValidateFunction | 'unsupported' | undefined): ValidateFunction {
  if (typeof found !== 'function') throw new Error(`no schema: ${String(found)}`);
  return found;
}

describe('bodySchemaFor: the media types an operation declares', () => {
  const any = { schema: { type: 'object' } };
  const v = validator('3.0.3', {
    requestBody: { content: { 'application/json': any, 'text/*': {}, 'image/png': {} } },
  });
  const wild = validator('3.0.3', {
    requestBody: { content: { 'application/*': any, 'multipart/form-data; boundary=x': {} } },
  });
  const all = validator('3.0.3', { requestBody: { content: { '*/*': any } } });
  const cases: {
    name: string;
    v: RouteValidator;
    type: string | undefined;
    want: 'schema' | 'unsupported' | undefined;
  }[] = [
    { name: 'the exact type, parameters and case aside', v, type: 'application/JSON; charset=utf-8', want: 'schema' },
    { name: 'a type under a declared range', v, type: 'text/csv', want: undefined },
    { name: 'a declared type without a schema', v, type: 'image/png', want: undefined },
    { name: 'an undeclared type', v, type: 'application/xml', want: 'unsupported' },
    { name: 'no Content-Type counts as application/octet-stream', v, type: undefined, want: 'unsupported' },
    { name: 'an empty Content-Type', v, type: '', want: 'unsupported' },
    { name: 'application/* checks JSON bodies', v: wild, type: 'application/problem+json', want: 'schema' },
    {
      name: 'application/* takes other application types unchecked',
      v: wild,
      type: 'application/octet-stream',
      want: undefined,
    },
    { name: 'a declared type with parameters', v: wild, type: 'multipart/form-data; boundary=y', want: undefined },
    { name: 'outside every range', v: wild, type: 'text/plain', want: 'unsupported' },
    { name: '*/* takes anything, no Content-Type included', v: all, type: undefined, want: undefined },
    { name: '*/* checks JSON bodies', v: all, type: 'application/json', want: 'schema' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const found = bodySchemaFor(c.v, c.type);
      expect(typeof found === 'function' ? 'schema' : found).toBe(c.want);
    });
  }
  it('an operation without a requestBody, or with no media types, takes any body', () => {
    expect(bodySchemaFor(validator('3.0.3', {}), 'text/plain')).toBeUndefined();
    expect(bodySchemaFor(validator('3.0.3', { requestBody: { content: {} } }), 'text/plain')).toBeUndefined();
  });
});

const newUser: RouteApi = {
  requestBody: {
    required: true,
    content: {
      'application/json': { schema: { $ref: '#/components/schemas/NewUser' } },
      'text/plain': { schema: { type: 'string' } },
    },
  },
};
const userComponents = [
  schema('NewUser', {
    type: 'object',
    required: ['email', 'password'],
    additionalProperties: false,
    properties: {
      email: { type: 'string', format: 'email' },
      password: { type: 'string', minLength: 8 },
      nick: { type: ['string', 'null'] },
      address: { $ref: '#/components/schemas/Address' },
    },
  }),
  schema('Address', {
    type: 'object',
    required: ['city'],
    properties: { city: { type: 'string' }, 'zip/code': { type: 'string', pattern: '^[0-9]{5}$' } },
  }),
];

describe('checkJsonBody (a 3.0 service: its schemas are 2020-12 in the model)', () => {
  const v = validator('3.0.3', newUser, userComponents);
  const json = checked(bodySchemaFor(v, 'application/json; charset=utf-8'));
  const cases: { name: string; body: string; want: FieldError | null }[] = [
    {
      name: 'valid, a null type honoured',
      body: '{"email":"ada@example.com","password":"correct-horse","nick":null}',
      want: null,
    },
    {
      name: 'too short',
      body: '{"email":"ada@example.com","password":"short"}',
      want: { in: 'body', pointer: '/password', message: 'must NOT have fewer than 8 characters' },
    },
    {
      name: 'a missing property is named',
      body: '{"email":"ada@example.com"}',
      want: { in: 'body', pointer: '/password', message: 'is required' },
    },
    {
      name: 'an extra property is named',
      body: '{"email":"ada@example.com","password":"correct-horse","admin":true}',
      want: { in: 'body', pointer: '/admin', message: 'is not allowed' },
    },
    {
      name: 'a format',
      body: '{"email":"nope","password":"correct-horse"}',
      want: { in: 'body', pointer: '/email', message: 'must match format "email"' },
    },
    {
      name: 'deep, through a $ref, pointer escaped',
      body: '{"email":"a@b.co","password":"correct-horse","address":{"city":"Oslo","zip/code":"x"}}',
      want: { in: 'body', pointer: '/address/zip~1code', message: 'must match pattern "^[0-9]{5}$"' },
    },
    { name: 'not an object', body: '[1]', want: { in: 'body', pointer: '', message: 'must be object' } },
    {
      name: 'not JSON',
      body: '{"email":',
      want: { in: 'body', pointer: '', message: expect.stringMatching(/^is not valid JSON/) as unknown as string },
    },
  ];
  for (const c of cases) it(c.name, () => expect(checkJsonBody(json, Buffer.from(c.body))).toEqual(c.want));

  it('accepts only the declared media types, checks only JSON bodies; a required body must be there', () => {
    expect(bodySchemaFor(v, 'Application/JSON')).toBe(json);
    expect(bodySchemaFor(v, 'text/plain; charset=utf-8')).toBeUndefined();
    expect(bodySchemaFor(v, undefined)).toBe('unsupported');
    expect(bodySchemaFor(v, 'application/merge-patch+json')).toBe('unsupported');
    expect(bodySchemaFor(v, 'text/html')).toBe('unsupported');
    expect(missingBody(v, false)).toEqual({ in: 'body', pointer: '', message: 'is required' });
    expect(missingBody(v, true)).toBeNull();
  });
});

describe('checkJsonBody (OpenAPI 3.1: JSON Schema 2020-12)', () => {
  const v = validator(
    '3.1.0',
    { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/P' } } } } },
    [
      schema('P', {
        type: 'object',
        properties: {
          price: { type: 'number', exclusiveMinimum: 0 },
          sale: { type: ['number', 'null'] },
          tags: { type: 'array', prefixItems: [{ const: 'first' }] },
        },
      }),
    ],
  );
  const json = checked(bodySchemaFor(v, 'application/json'));
  const cases: { name: string; body: string; want: FieldError | null }[] = [
    { name: 'valid with a null', body: '{"price":1,"sale":null,"tags":["first","x"]}', want: null },
    {
      name: 'numeric exclusiveMinimum',
      body: '{"price":0}',
      want: { in: 'body', pointer: '/price', message: 'must be > 0' },
    },
    {
      name: '2020-12 prefixItems',
      body: '{"tags":["second"]}',
      want: { in: 'body', pointer: '/tags/0', message: 'must be equal to constant' },
    },
  ];
  for (const c of cases) it(c.name, () => expect(checkJsonBody(json, Buffer.from(c.body))).toEqual(c.want));
  it('an optional body may be left out', () => expect(missingBody(v, false)).toBeNull());
});

describe('readOnly properties are not required in a request (the one request-side rule)', () => {
  const body = (schema: JsonObject): RouteApi => ({
    requestBody: { content: { 'application/json': { schema } } },
  });
  const item = schema('Item', {
    type: 'object',
    required: ['id', 'owner', 'name'],
    properties: {
      id: { type: 'integer', readOnly: true },
      owner: { $ref: '#/components/schemas/Owner' },
      name: { type: 'string' },
      secret: { type: 'string', writeOnly: true },
    },
  });
  const owner = schema('Owner', { type: 'object', readOnly: true, required: ['login'] });
  const check = (api: RouteApi, given: unknown) =>
    checkJsonBody(
      checked(bodySchemaFor(validator('3.1.0', api, [item, owner]), 'application/json')),
      Buffer.from(JSON.stringify(given)),
    );
  const cases: { name: string; api: RouteApi; given: unknown; want: FieldError | null }[] = [
    {
      name: 'readOnly by itself and through a $ref: both may be left out',
      api: body({ $ref: '#/components/schemas/Item' }),
      given: { name: 'x' },
      want: null,
    },
    {
      name: 'the other required properties still are required',
      api: body({ $ref: '#/components/schemas/Item' }),
      given: { id: 1 },
      want: { in: 'body', pointer: '/name', message: 'is required' },
    },
    {
      name: 'a readOnly property sent anyway is checked against its schema',
      api: body({ $ref: '#/components/schemas/Item' }),
      given: { id: 'one', name: 'x' },
      want: { in: 'body', pointer: '/id', message: 'must be integer' },
    },
    {
      name: 'a nullable readOnly property (anyOf with null, readOnly outside) may be left out',
      api: body({
        type: 'object',
        required: ['at'],
        properties: { at: { readOnly: true, anyOf: [{ $ref: '#/components/schemas/Owner' }, { type: 'null' }] } },
      }),
      given: {},
      want: null,
    },
    {
      name: 'deep in an array, the missing property is named',
      api: body({ type: 'array', items: { $ref: '#/components/schemas/Item' } }),
      given: [{ name: 'a' }, {}],
      want: { in: 'body', pointer: '/1/name', message: 'is required' },
    },
  ];
  for (const c of cases) it(c.name, () => expect(check(c.api, c.given)).toEqual(c.want));
});

describe('parameters from the model as they are', () => {
  it('a nullable array (anyOf with null) is still split and checked as an array', () => {
    const v = validator(
      '3.0.3',
      {
        parameters: [
          {
            name: 'ids',
            in: 'query',
            style: 'form',
            explode: false,
            schema: { anyOf: [{ $ref: '#/components/schemas/Ids' }, { type: 'null' }] },
          },
        ],
      },
      [schema('Ids', { type: 'array', items: { type: 'integer' } })],
    );
    expect(checkParameters(v, req(), 'ids=1,2', ['1'])).toBeNull();
    expect(checkParameters(v, req(), 'ids=1,x', ['1'])).toEqual({
      in: 'query',
      name: 'ids',
      message: 'item 1 must be integer',
    });
  });

  it('media types and service names with URI characters still find their schemas', () => {
    const { gateway: g, route: r } = gateway('3.1.0', {
      requestBody: {
        content: { 'application/vnd.acme+json; version="2"': { schema: { type: 'object', required: ['a'] } } },
      },
    });
    g.services[0]!.name = 'my shop/%';
    r.service = 'my shop/%';
    const v = compileValidators(g).get(r.id)!;
    const json = checked(bodySchemaFor(v, 'application/vnd.acme+json'));
    expect(checkJsonBody(json, Buffer.from('{}'))).toEqual({ in: 'body', pointer: '/a', message: 'is required' });
  });
});

describe('compileValidators', () => {
  it('reports a schema that does not compile (GW_VALIDATE_SCHEMA), naming the route and the part', () => {
    const { gateway: g } = gateway('3.0.3', {
      parameters: [{ name: 'q', in: 'query', schema: { type: 'string', pattern: '([a-z' } }],
      requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Nope' } } } },
    });
    let err: unknown;
    try {
      compileValidators(g);
    } catch (e) {
      err = e;
    }
    expect(isGwError(err)).toBe(true);
    const d = (err as { diagnostics: { code: string; message: string }[] }).diagnostics;
    expect(d.map((x) => x.code)).toEqual(['GW_VALIDATE_SCHEMA']);
    expect(d[0]!.message).toMatch(/^route s\.post:\/items\/\{id\}: query parameters: Invalid regular expression/);
  });
  it('compiles nothing for routes without validate', () => {
    const { gateway: g, route: r } = gateway('3.0.3', newUser, userComponents);
    r.settings = { ...r.settings, validate: false };
    expect(compileValidators(g).size).toBe(0);
  });
});

describe('the documented example (golden case 11-policies) compiles in the runtime', () => {
  it('gives checks to the three validated routes', async () => {
    const { readFile } = await import('node:fs/promises');
    const model = JSON.parse(
      await readFile(new URL('../../../golden/cases/11-policies/expected/model.json', import.meta.url), 'utf8'),
    ) as Gateway;
    const validators = compileValidators(model);
    expect([...validators.keys()].sort()).toEqual(['shop.getProduct', 'shop.placeOrder', 'shop.searchProducts']);
    const order = checked(bodySchemaFor(validators.get('shop.placeOrder')!, 'application/json'));
    expect(checkJsonBody(order, Buffer.from('{"lines":[{"sku":"blue-mug","quantity":0}],"note":null}'))).toEqual({
      in: 'body',
      pointer: '/lines/0/quantity',
      message: 'must be >= 1',
    });
    expect(checkJsonBody(order, Buffer.from('{"lines":[{"sku":"blue-mug","quantity":2}],"note":null}'))).toBeNull();
    expect(checkParameters(validators.get('shop.searchProducts')!, req(), 'tags=a,b&limit=51', [])).toEqual({
      in: 'query',
      name: 'limit',
      message: 'must be <= 50',
    });
  });
});
