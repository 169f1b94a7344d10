import { describe, expect, it } from 'vitest';
import type { ComposeStep, RuntimeRoute } from '../../../../src/model/types.js';
import {
  compileStep,
  stepRequest,
  stepRequestId,
  type CallerFacts,
} from '../../../../src/runtime/compose/step-request.js';
import type { RefValues } from '../../../../src/runtime/compose/read-ref.js';

const plan: ComposeStep = {
  name: 'product',
  route: 'catalog.getProduct',
  inputs: [
    { name: 'productId', in: 'path', from: { kind: 'item', pointer: [] } },
    { name: 'tag', in: 'query', from: { kind: 'value', value: ['a b', 'c'] } },
    { name: 'x-tenant', in: 'header', from: { kind: 'value', value: 42 } },
    { name: 'body', in: 'body', from: { kind: 'value', value: { q: 1 } } },
  ],
  after: [],
  forEach: null,
  required: true,
  timeoutMs: 1000,
  forward: { headers: ['x-api-key'], query: ['api_key'], cookies: ['sid'] },
  source: { file: 'bff.yaml', pointer: '#' },
};
const route = { method: 'POST', path: '/catalog/products/{productId}' } as RuntimeRoute;
const caller: CallerFacts = {
  requestId: 'req-1',
  host: 'api.test',
  client: '203.0.113.9',
  consumer: 'ada',
  rawHeaders: ['X-Api-Key', 'k1', 'Cookie', 'sid=s1; theme=dark', 'Authorization', 'Bearer t'],
  query: new URLSearchParams('api_key=q1&other=2'),
  secret: 'S',
};
const values = (item: unknown): RefValues => ({
  path: () => undefined,
  query: () => undefined,
  header: () => undefined,
  body: () => undefined,
  step: () => undefined,
  item,
});

describe('stepRequest: what a step sends to the gateway itself', () => {
  it('fills the path (encoded), query, headers, body, forwarded credentials, request id and X-Gw-Step', () => {
    const got = stepRequest(compileStep(plan, route), values('dune/pb'), caller, '.product.0');
    expect(got).toEqual({
      method: 'POST',
      path: '/catalog/products/dune%2Fpb?tag=a%20b&tag=c&api_key=q1',
      headers: [
        'host',
        'api.test',
        'x-request-id',
        'req-1.product.0',
        'x-tenant',
        '42',
        'X-Api-Key',
        'k1',
        'cookie',
        'sid=s1',
        'x-gw-step',
        'S 203.0.113.9 ada',
        'content-type',
        'application/json',
        'content-length',
        '7',
      ],
      body: Buffer.from('{"q":1}'),
    });
  });
  it('a path parameter without a value: no request', () => {
    expect(stepRequest(compileStep(plan, route), values(undefined), caller, '.product')).toEqual({
      missing: 'productId',
    });
  });
  it('request ids stay valid: the parent is shortened to fit 128 characters', () => {
    expect(stepRequestId('a'.repeat(128), '.step')).toBe(`${'a'.repeat(123)}.step`);
  });
});
