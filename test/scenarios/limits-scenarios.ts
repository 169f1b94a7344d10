import type { Scenario } from './scenarios.js';
import { AUTH } from './shop-credentials.js';

/**
 * Rate limits, CORS, request validation and size limits on the shop project, for every data
 * plane. scenarios/project.ts switches them on per operation in gw.yaml
 * (`services[].operations.<operationId>`), on routes no other list depends on:
 * - catalog.listFeaturedProducts (GET /catalog/products/featured): 2 requests per hour per X-Client-Id;
 * - catalog.listCategories (GET /catalog/categories): CORS for https://shop.example and
 *   https://admin.shop.example (written `HTTPS://Admin.Shop.Example/` in gw.yaml), with credentials;
 * - catalog.listProducts (GET /catalog/products, OpenAPI 3.1): validate;
 * - users.createUser (POST /users, Swagger 2.0): validate, maxBodySize 1kb.
 * The order matters within the rate-limit group: each scenario is one request, run on every plane in turn.
 */

/**
 * What nginx answers otherwise (docs/targets/nginx.md; `gw build` warns GW_TARGET_INEXACT):
 * limit_req knows no remaining count or window end, so allowed answers carry RateLimit-Limit only;
 * nginx cannot validate against schemas, so invalid requests reach the upstream.
 */
const NGINX_NO_REMAINING = [
  {
    plane: 'nginx',
    why: 'limit_req (a leaky bucket) has no remaining count or window end: allowed answers carry RateLimit-Limit only',
    got: /^response header ratelimit-(remaining|reset) is missing/,
  },
];
const NGINX_NO_VALIDATION = [
  {
    plane: 'nginx',
    why: 'nginx cannot validate requests against schemas: the request is forwarded',
    got: new RegExp(
      String.raw`^(status 200, want 400|body \{"name":"(catalog|users)".*want it to match|` +
        String.raw`content-type application\/json, want application\/problem\+json)`,
    ),
  },
];

const ORIGIN = 'https://shop.example';
const NEW_USER = '{"email":"grace@example.com","password":"correct-horse-battery","displayName":"Grace H."}';

/** Bodies the routing scenarios send to routes whose bodies are validated (a request without one would be refused). */
export const VALID_BODIES: Record<string, string> = { 'users.createUser': NEW_USER };

const featured = (client: string) => ({
  method: 'GET',
  path: '/catalog/products/featured',
  headers: { 'x-client-id': client },
});
const json = { ...AUTH.usersKey, 'content-type': 'application/json' };

export const limitsScenarios: Scenario[] = [
  {
    name: 'rate limit: an allowed request carries RateLimit-Limit/-Remaining/-Reset',
    request: featured('scenario-a'),
    expect: {
      status: 200,
      upstream: 'catalog',
      headers: {
        'ratelimit-limit': '2',
        'ratelimit-remaining': '1',
        'ratelimit-reset': /^[1-9]\d*$/,
        'retry-after': null,
      },
    },
    differs: NGINX_NO_REMAINING,
  },
  {
    name: 'rate limit: the last request of the window',
    request: featured('scenario-a'),
    expect: { status: 200, upstream: 'catalog', headers: { 'ratelimit-limit': '2', 'ratelimit-remaining': '0' } },
    differs: NGINX_NO_REMAINING,
  },
  {
    name: 'rate limit: over the limit, 429 with Retry-After and the RateLimit headers',
    request: featured('scenario-a'),
    expect: {
      status: 429,
      problem: 'GW_HTTP_TOO_MANY_REQUESTS',
      headers: {
        'retry-after': /^[1-9]\d*$/,
        'ratelimit-limit': '2',
        'ratelimit-remaining': '0',
        'ratelimit-reset': /^[1-9]\d*$/,
      },
    },
  },
  {
    name: 'rate limit: another key has a window of its own',
    request: featured('scenario-b'),
    expect: { status: 200, upstream: 'catalog', headers: { 'ratelimit-remaining': '1' } },
    differs: NGINX_NO_REMAINING,
  },

  {
    name: 'CORS: a preflight from an allowed origin is answered at the gateway',
    request: {
      method: 'OPTIONS',
      path: '/catalog/categories',
      headers: { origin: ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-trace' },
    },
    expect: {
      status: 204,
      headers: {
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-methods': 'GET, HEAD',
        'access-control-allow-headers': 'x-trace',
        'access-control-allow-credentials': 'true',
        'access-control-max-age': '300',
        vary: /\bOrigin\b/,
      },
    },
  },
  {
    name: "CORS: origins match without case and trailing slashes, the configured ones and the request's",
    request: {
      method: 'OPTIONS',
      path: '/catalog/categories',
      headers: { origin: 'https://ADMIN.shop.example/', 'access-control-request-method': 'GET' },
    },
    expect: {
      status: 204,
      headers: {
        'access-control-allow-origin': 'https://ADMIN.shop.example/',
        'access-control-allow-credentials': 'true',
      },
    },
  },
  {
    name: 'CORS: a preflight from another origin is refused with 403 and no CORS headers',
    request: {
      method: 'OPTIONS',
      path: '/catalog/categories',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    },
    expect: {
      status: 403,
      problem: 'GW_HTTP_CORS_REJECTED',
      headers: { 'access-control-allow-origin': null, 'access-control-allow-methods': null },
    },
  },
  {
    name: "CORS: a simple request from an allowed origin gets the CORS headers on the upstream's answer",
    request: { method: 'GET', path: '/catalog/categories', headers: { origin: ORIGIN } },
    expect: {
      status: 200,
      upstream: 'catalog',
      headers: {
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'x-upstream',
        vary: /\bOrigin\b/,
        'x-upstream': 'catalog',
      },
    },
  },
  {
    name: 'CORS: a simple request from another origin is forwarded without CORS headers',
    request: { method: 'GET', path: '/catalog/categories', headers: { origin: 'https://evil.example' } },
    expect: {
      status: 200,
      upstream: 'catalog',
      headers: { 'access-control-allow-origin': null, 'access-control-allow-credentials': null },
    },
  },
  {
    name: 'CORS: a preflight on a path without cors is routed like any OPTIONS request',
    request: {
      method: 'OPTIONS',
      path: '/catalog/products',
      headers: { origin: ORIGIN, 'access-control-request-method': 'GET' },
    },
    expect: { status: 405, problem: 'GW_HTTP_METHOD_NOT_ALLOWED', headers: { 'access-control-allow-origin': null } },
  },

  {
    name: 'validation: a query parameter out of range is refused, naming it',
    request: { method: 'GET', path: '/catalog/products?q=mug&limit=0' },
    expect: {
      status: 400,
      problem: 'GW_HTTP_VALIDATION',
      body: /"errors":\[\{"in":"query","name":"limit","message":"must be >= 1"\}\]/,
    },
    differs: NGINX_NO_VALIDATION,
  },
  {
    name: 'validation: a query parameter outside its $ref enum (OpenAPI 3.1)',
    request: { method: 'GET', path: '/catalog/products?category=garden' },
    expect: {
      status: 400,
      problem: 'GW_HTTP_VALIDATION',
      body: /"in":"query","name":"category","message":"must be one of /,
    },
    differs: NGINX_NO_VALIDATION,
  },
  {
    name: 'validation: valid parameters pass',
    request: { method: 'GET', path: '/catalog/products?limit=5&category=books' },
    expect: { status: 200, upstream: 'catalog', upstreamUrl: '/products?limit=5&category=books' },
  },
  {
    name: 'validation: a JSON body field is refused with a pointer to it (Swagger 2.0 schema)',
    request: {
      method: 'POST',
      path: '/users',
      headers: json,
      body: '{"email":"grace@example.com","password":"short"}',
    },
    expect: {
      status: 400,
      problem: 'GW_HTTP_VALIDATION',
      body: new RegExp(
        String.raw`"detail":"body \/password must NOT have fewer than 8 characters".*` +
          String.raw`"errors":\[\{"in":"body","pointer":"\/password"`,
      ),
    },
    differs: NGINX_NO_VALIDATION,
  },
  {
    name: 'validation: a missing required property is named',
    request: { method: 'POST', path: '/users', headers: json, body: '{"email":"grace@example.com"}' },
    expect: {
      status: 400,
      problem: 'GW_HTTP_VALIDATION',
      body: /"errors":\[\{"in":"body","pointer":"\/password","message":"is required"\}\]/,
    },
    differs: NGINX_NO_VALIDATION,
  },
  {
    name: 'validation: a body that is not JSON',
    request: { method: 'POST', path: '/users', headers: json, body: '{"email":' },
    expect: { status: 400, problem: 'GW_HTTP_VALIDATION', body: /"pointer":"","message":"is not valid JSON/ },
    differs: NGINX_NO_VALIDATION,
  },
  {
    name:
      'validation: a JSON body sent as text/plain is refused with 415 (the operation consumes ' +
      'application/json only)',
    request: {
      method: 'POST',
      path: '/users',
      headers: { ...AUTH.usersKey, 'content-type': 'text/plain' },
      body: '{"email":"grace@example.com"}',
    },
    expect: {
      status: 415,
      problem: 'GW_HTTP_UNSUPPORTED_MEDIA_TYPE',
      body: /"detail":"this operation takes application\/json, not a \\"text\/plain\\" body"/,
    },
    differs: [
      {
        plane: 'nginx',
        why: 'nginx cannot validate requests against schemas: the request is forwarded',
        got: new RegExp(
          String.raw`^(status 200, want 415|body \{"name":"users".*want it to match|` +
            String.raw`content-type application\/json, want application\/problem\+json)`,
        ),
      },
    ],
  },
  {
    name: 'validation: a required body that is missing',
    request: { method: 'POST', path: '/users', headers: AUTH.usersKey },
    expect: {
      status: 400,
      problem: 'GW_HTTP_VALIDATION',
      body: /"errors":\[\{"in":"body","pointer":"","message":"is required"\}\]/,
    },
    differs: NGINX_NO_VALIDATION,
  },
  {
    name: 'validation: a valid body is forwarded as sent',
    request: { method: 'POST', path: '/users', headers: json, body: NEW_USER },
    expect: {
      status: 200,
      upstream: 'users',
      upstreamMethod: 'POST',
      upstreamHeaders: { 'content-length': String(Buffer.byteLength(NEW_USER)), 'content-type': 'application/json' },
    },
  },
  {
    name: "size limit: a body over the route's maxBodySize is refused before it is read, validated route too",
    request: {
      method: 'POST',
      path: '/users',
      headers: json,
      body: JSON.stringify({ email: 'grace@example.com', password: 'x'.repeat(2048) }),
    },
    expect: { status: 413, problem: 'GW_HTTP_PAYLOAD_TOO_LARGE' },
  },
];
