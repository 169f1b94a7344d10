import type { Scenario } from './scenarios.js';
import {
  AUTH,
  basicAuth,
  confusedToken,
  SHOP,
  signToken,
  tamperedToken,
  TOKENS,
  unsignedToken,
} from './shop-credentials.js';

/**
 * Authentication and authorization on the shop project (scenarios/project.ts), for every data
 * plane: each kind of credential accepted and refused, OR and AND requirements, a public
 * operation, 401 against 403, the JWT attacks (expired, tampered, alg none, algorithm confusion,
 * wrong audience or issuer, unknown key), the consumer header upstream and credentials removed.
 * The credentials come from scenarios/shop-credentials.ts, made fresh for each run.
 */

/** nginx checks htpasswd hashes in njs (gw-auth.js), which has no bcrypt; `gw build` warns (GW_TARGET_INEXACT). */
const NGINX_NO_BCRYPT = [
  {
    plane: 'nginx',
    why: 'nginx verifies {SHA} and $apr1$ htpasswd hashes, not bcrypt: the bcrypt user is refused',
    got: /^(status 401, want 200|upstream header x-consumer is missing)/,
  },
];

const unauthorized = (challenge: string): Scenario['expect'] => ({
  status: 401,
  problem: 'GW_HTTP_UNAUTHORIZED',
  headers: { 'www-authenticate': challenge, 'content-type': /^application\/problem\+json/ },
});

const API_KEY_CHALLENGE = 'ApiKey realm="shop", in="header", name="X-Api-Key"';
const BASIC_CHALLENGE = 'Basic realm="shop", charset="UTF-8"';
const QUERY_KEY_CHALLENGE = 'ApiKey realm="shop", in="query", name="api_key"';
const BEARER = 'Bearer realm="shop"';
const BEARER_INVALID = 'Bearer realm="shop", error="invalid_token"';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sha = basicAuth(SHOP.basic.sha.user, SHOP.basic.sha.password);

const tokens = {
  es256: await signToken({ alg: 'ES256', scope: 'orders:read', sub: 'es-client' }),
  scpArray: await signToken({ scp: ['orders:read', 'orders:write'], sub: 'scp-client' }),
  expired: await signToken({ scope: 'orders:read', expiresIn: -600 }),
  expiredWithinSkew: await signToken({ scope: 'orders:read', expiresIn: -5, sub: 'late-client' }),
  notYet: await signToken({ scope: 'orders:read', notBefore: 600 }),
  wrongAudience: await signToken({ scope: 'orders:read', aud: 'another-api' }),
  wrongIssuer: await signToken({ scope: 'orders:read', iss: 'https://evil.example' }),
  stranger: await signToken({ scope: 'orders:read', stranger: true }),
  confused: await confusedToken({ scope: 'orders:read orders:write' }),
};

const scenarios: Scenario[] = [
  // apiKey in a header (users.apiKey, GET /users/me)
  {
    name: 'auth: an API key in its header passes; its consumer goes upstream and the key does not',
    request: { method: 'GET', path: '/users/me', headers: AUTH.usersKey },
    expect: {
      status: 200,
      upstream: 'users',
      upstreamHeaders: { 'x-consumer': SHOP.users.consumer, 'x-api-key': null },
    },
  },
  {
    name: 'auth: a key without a consumer name passes, and no consumer header is sent',
    request: { method: 'GET', path: '/users/me', headers: { 'x-api-key': SHOP.usersAnonymousKey } },
    expect: { status: 200, upstream: 'users', upstreamHeaders: { 'x-consumer': null, 'x-api-key': null } },
  },
  {
    name: 'auth: no API key is 401 with an ApiKey challenge',
    request: { method: 'GET', path: '/users/me' },
    expect: unauthorized(API_KEY_CHALLENGE),
  },
  {
    name: 'auth: a wrong API key is 401',
    request: { method: 'GET', path: '/users/me', headers: { 'x-api-key': `${SHOP.users.key}x` } },
    expect: unauthorized(API_KEY_CHALLENGE),
  },
  {
    name: 'auth: a key of another scheme (catalog) is 401',
    request: { method: 'GET', path: '/users/me', headers: { 'x-api-key': SHOP.catalog.key } },
    expect: unauthorized(API_KEY_CHALLENGE),
  },
  {
    name: 'auth: a consumer header the client sends is replaced by the authenticated one',
    request: { method: 'GET', path: '/users/me', headers: { ...AUTH.usersKey, 'x-consumer': 'root' } },
    expect: { status: 200, upstreamHeaders: { 'x-consumer': SHOP.users.consumer } },
  },
  {
    // edge.underscoresInHeaders: drop (the default): a CGI or WSGI upstream would read X_Consumer as HTTP_X_CONSUMER.
    name: 'auth: headers with "_" in their names are dropped, so X_Consumer cannot pose as the consumer',
    request: { method: 'GET', path: '/users/me', headers: { ...AUTH.usersKey, x_consumer: 'root', x_other: '1' } },
    expect: {
      status: 200,
      upstream: 'users',
      upstreamHeaders: { 'x-consumer': SHOP.users.consumer, x_consumer: null, x_other: null },
    },
  },
  // apiKey in the query (catalog.apiKey, PUT /catalog/products/{productId})
  {
    name: 'auth: an API key in the query passes; the parameter is removed upstream and the rest of the query kept',
    request: { method: 'PUT', path: `/catalog/products/blue-mug-7?color=red&${AUTH.catalogQuery}&x=%20y`, body: '{}' },
    expect: {
      status: 200,
      upstream: 'catalog',
      upstreamUrl: '/products/blue-mug-7?color=red&x=%20y',
      upstreamHeaders: { 'x-consumer': SHOP.catalog.consumer },
    },
  },
  {
    name: 'auth: a wrong query key is 401',
    request: { method: 'PUT', path: '/catalog/products/blue-mug-7?api_key=nope', body: '{}' },
    expect: unauthorized(QUERY_KEY_CHALLENGE),
  },
  {
    name: 'auth: a query key sent in a header instead is 401',
    request: {
      method: 'PUT',
      path: '/catalog/products/blue-mug-7',
      body: '{}',
      headers: { api_key: SHOP.catalog.key },
    },
    expect: unauthorized(QUERY_KEY_CHALLENGE),
  },
  // http basic (PATCH /users/{userId}: apiKey OR basicAuth)
  {
    name: 'auth: basic credentials with a {SHA} hash pass; the user is the consumer and Authorization is removed',
    request: { method: 'PATCH', path: '/users/42', body: '{}', headers: { authorization: sha } },
    expect: { status: 200, upstreamHeaders: { 'x-consumer': SHOP.basic.sha.user, authorization: null } },
  },
  {
    name: 'auth: basic credentials with an $apr1$ hash pass',
    request: {
      method: 'PATCH',
      path: '/users/42',
      body: '{}',
      headers: { authorization: basicAuth(SHOP.basic.apr1.user, SHOP.basic.apr1.password) },
    },
    expect: { status: 200, upstreamHeaders: { 'x-consumer': SHOP.basic.apr1.user } },
  },
  {
    name: 'auth: basic credentials with a bcrypt ($2y$) hash pass',
    request: {
      method: 'PATCH',
      path: '/users/42',
      body: '{}',
      headers: { authorization: basicAuth(SHOP.basic.bcrypt.user, SHOP.basic.bcrypt.password) },
    },
    expect: { status: 200, upstreamHeaders: { 'x-consumer': SHOP.basic.bcrypt.user } },
    differs: NGINX_NO_BCRYPT,
  },
  {
    name: 'auth: a wrong basic password is 401 naming both accepted schemes',
    request: {
      method: 'PATCH',
      path: '/users/42',
      body: '{}',
      headers: { authorization: basicAuth(SHOP.basic.bcrypt.user, 'wrong') },
    },
    expect: unauthorized(`${API_KEY_CHALLENGE}, ${BASIC_CHALLENGE}`),
  },
  {
    name: 'auth: an unknown basic user is 401',
    request: {
      method: 'PATCH',
      path: '/users/42',
      body: '{}',
      headers: { authorization: basicAuth('nobody', SHOP.basic.sha.password) },
    },
    expect: unauthorized(`${API_KEY_CHALLENGE}, ${BASIC_CHALLENGE}`),
  },
  {
    name: 'auth: malformed basic credentials are 401',
    request: { method: 'PATCH', path: '/users/42', body: '{}', headers: { authorization: 'Basic %%%' } },
    expect: unauthorized(`${API_KEY_CHALLENGE}, ${BASIC_CHALLENGE}`),
  },
  // OR
  {
    name: 'auth: OR requirement: the API key alone passes',
    request: { method: 'PATCH', path: '/users/42', body: '{}', headers: AUTH.usersKey },
    expect: { status: 200, upstreamHeaders: { 'x-consumer': SHOP.users.consumer } },
  },
  {
    name: 'auth: OR requirement: nothing sent is 401 with a challenge per scheme',
    request: { method: 'PATCH', path: '/users/42', body: '{}' },
    expect: unauthorized(`${API_KEY_CHALLENGE}, ${BASIC_CHALLENGE}`),
  },
  // AND (DELETE /users/{userId}: apiKey AND basicAuth)
  {
    name: 'auth: AND requirement: key and basic together pass; both credentials are removed',
    request: { method: 'DELETE', path: '/users/42', headers: { ...AUTH.usersKey, authorization: sha } },
    expect: {
      status: 200,
      upstreamMethod: 'DELETE',
      upstreamHeaders: { 'x-consumer': SHOP.users.consumer, 'x-api-key': null, authorization: null },
    },
  },
  {
    name: 'auth: AND requirement: the key alone is 401',
    request: { method: 'DELETE', path: '/users/42', headers: AUTH.usersKey },
    expect: unauthorized(`${API_KEY_CHALLENGE}, ${BASIC_CHALLENGE}`),
  },
  {
    name: 'auth: AND requirement: basic alone is 401',
    request: { method: 'DELETE', path: '/users/42', headers: { authorization: sha } },
    expect: unauthorized(`${API_KEY_CHALLENGE}, ${BASIC_CHALLENGE}`),
  },
  {
    name: 'auth: AND requirement: a good key with a wrong password is 401',
    request: {
      method: 'DELETE',
      path: '/users/42',
      headers: { ...AUTH.usersKey, authorization: basicAuth(SHOP.basic.sha.user, 'wrong') },
    },
    expect: unauthorized(`${API_KEY_CHALLENGE}, ${BASIC_CHALLENGE}`),
  },
  // public
  {
    name: 'auth: a public operation (security: []) drops a consumer header the client made up',
    request: { method: 'GET', path: '/health', headers: { 'x-consumer': 'admin' } },
    expect: { status: 200, upstream: 'users', upstreamHeaders: { 'x-consumer': null } },
  },
  // JWT: orders.oauth (RS256/ES256 from the JWKS file), orders.bearerJwt (HS256 secret)
  {
    name: 'auth: an RS256 token with the scope passes; sub is the consumer and Authorization is removed',
    request: { method: 'GET', path: '/orders', headers: AUTH.orders },
    expect: {
      status: 200,
      upstream: 'orders',
      upstreamHeaders: { 'x-consumer': 'orders-client', authorization: null },
    },
  },
  {
    name: 'auth: an ES256 token from the same JWKS passes',
    request: { method: 'GET', path: '/orders', headers: bearer(tokens.es256) },
    expect: { status: 200, upstreamHeaders: { 'x-consumer': 'es-client' } },
  },
  {
    name: 'auth: scopes in an scp array count',
    request: { method: 'POST', path: '/orders/o-1/refunds', body: '{}', headers: bearer(tokens.scpArray) },
    expect: { status: 200, upstreamHeaders: { 'x-consumer': 'scp-client' } },
  },
  {
    name: 'auth: the bearer scheme name is case-insensitive',
    request: { method: 'GET', path: '/orders', headers: { authorization: `bearer ${TOKENS.orders}` } },
    expect: { status: 200, upstreamHeaders: { 'x-consumer': 'orders-client' } },
  },
  {
    name: 'auth: no token is 401 with a Bearer challenge and no error',
    request: { method: 'GET', path: '/orders' },
    expect: unauthorized(BEARER),
  },
  {
    name: 'auth: basic credentials on a bearer route are 401 (no token sent)',
    request: { method: 'GET', path: '/orders', headers: { authorization: sha } },
    expect: unauthorized(BEARER),
  },
  {
    name: 'auth: a valid token without the scope is 403 insufficient_scope',
    request: { method: 'POST', path: '/orders/o-1/refunds', body: '{}', headers: bearer(TOKENS.ordersRead) },
    expect: {
      status: 403,
      problem: 'GW_HTTP_FORBIDDEN',
      headers: { 'www-authenticate': 'Bearer realm="shop", error="insufficient_scope", scope="orders:write"' },
    },
  },
  {
    name:
      'auth: OR with scopes: a read-only RS256 token on createOrder is 403 (oauth lacks orders:write, ' +
      'bearerJwt takes HS256 only)',
    request: { method: 'POST', path: '/orders', body: '{}', headers: bearer(TOKENS.ordersRead) },
    expect: {
      status: 403,
      problem: 'GW_HTTP_FORBIDDEN',
      headers: { 'www-authenticate': 'Bearer realm="shop", error="insufficient_scope", scope="orders:write"' },
    },
  },
  {
    name: 'auth: OR with scopes: an HS256 token passes createOrder through bearerJwt (no scopes needed)',
    request: { method: 'POST', path: '/orders', body: '{}', headers: bearer(TOKENS.hs) },
    expect: {
      status: 200,
      upstreamMethod: 'POST',
      upstreamHeaders: { 'x-consumer': 'hs-client', authorization: null },
    },
  },
  {
    name: 'auth: an HS256 token where only RS256/ES256 are allowed is 401 invalid_token',
    request: { method: 'GET', path: '/orders', headers: bearer(TOKENS.hs) },
    expect: unauthorized(BEARER_INVALID),
  },
  {
    name: 'auth: an expired token is 401 invalid_token',
    request: { method: 'GET', path: '/orders', headers: bearer(tokens.expired) },
    expect: unauthorized(BEARER_INVALID),
  },
  {
    name: 'auth: a token expired seconds ago passes within the clock skew',
    request: { method: 'GET', path: '/orders', headers: bearer(tokens.expiredWithinSkew) },
    expect: { status: 200, upstreamHeaders: { 'x-consumer': 'late-client' } },
  },
  {
    name: 'auth: a token not valid yet (nbf) is 401',
    request: { method: 'GET', path: '/orders', headers: bearer(tokens.notYet) },
    expect: unauthorized(BEARER_INVALID),
  },
  {
    name: 'auth: a tampered token (payload changed after signing) is 401',
    request: {
      method: 'GET',
      path: '/orders',
      headers: bearer(tamperedToken(TOKENS.ordersRead, { sub: 'admin', scope: 'orders:read orders:write' })),
    },
    expect: unauthorized(BEARER_INVALID),
  },
  {
    name: 'auth: an unsigned token (alg none) is 401',
    request: { method: 'GET', path: '/orders', headers: bearer(unsignedToken({ scope: 'orders:read' })) },
    expect: unauthorized(BEARER_INVALID),
  },
  {
    name: 'auth: algorithm confusion (HS256 signed with the RSA public key) is 401',
    request: { method: 'POST', path: '/orders', body: '{}', headers: bearer(tokens.confused) },
    expect: unauthorized(BEARER_INVALID),
  },
  {
    name: 'auth: a token for another audience is 401',
    request: { method: 'GET', path: '/orders', headers: bearer(tokens.wrongAudience) },
    expect: unauthorized(BEARER_INVALID),
  },
  {
    name: 'auth: a token from another issuer is 401',
    request: { method: 'GET', path: '/orders', headers: bearer(tokens.wrongIssuer) },
    expect: unauthorized(BEARER_INVALID),
  },
  {
    name: 'auth: a token signed by a key not in the JWKS is 401',
    request: { method: 'GET', path: '/orders', headers: bearer(tokens.stranger) },
    expect: unauthorized(BEARER_INVALID),
  },
];

/** The public-operation scenario without a made-up header passes on every plane as it is. */
const everywhere: Scenario[] = [
  {
    name: 'auth: a public operation (security: []) needs no credentials',
    request: { method: 'GET', path: '/health' },
    expect: { status: 200, upstream: 'users' },
  },
];

export const authScenarios: Scenario[] = [...scenarios, ...everywhere];
