import { describe, expect, it } from 'vitest';
import { routeAuthAnswers } from '../../../src/merge/route-auth-answers.js';
import type { AuthAnswer, AuthAnswers, RouteSettings, SecurityRequirement } from '../../../src/model/types.js';
import { DEFAULT_ROUTE_SETTINGS } from '../../../src/project/settings.js';
import { requirement as req, SCHEMES, securedRoute } from './fixtures.js';

const schemes = new Map(SCHEMES.map((s) => [s.id, s]));
const R = 'realm="gw"';
const KEY = `ApiKey ${R}, in="header", name="X-Api-Key"`;
const BASIC = `Basic ${R}, charset="UTF-8"`;

const unauthorized = (detail: string, wwwAuthenticate: string | null): AuthAnswer => ({
  status: 401,
  code: 'GW_HTTP_UNAUTHORIZED',
  detail,
  wwwAuthenticate,
});
const forbidden = (scopes: string, wwwAuthenticate: string | null): AuthAnswer => {
  const plural = scopes.includes(' ') ? 's' : '';
  return {
    status: 403,
    code: 'GW_HTTP_FORBIDDEN',
    detail: `the credentials are valid but lack the scope${plural} this operation needs: ${scopes}`,
    wwwAuthenticate,
  };
};
/** The 401s of a route that accepts `accepts`; `bearer`: the challenge after a bad bearer token, if any. */
function answers(
  accepts: string,
  challenge: string | null,
  bearer: string | null,
  forbids: (AuthAnswer | null)[],
): AuthAnswers {
  return {
    missing: unauthorized(`this operation needs ${accepts}`, challenge),
    invalid: unauthorized(`the credentials sent are not valid; this operation needs ${accepts}`, challenge),
    invalidToken:
      bearer === null
        ? null
        : unauthorized(
            `the bearer token is not valid (signature, issuer, audience or lifetime); this operation needs ${accepts}`,
            bearer,
          ),
    forbidden: forbids,
  };
}

describe('routeAuthAnswers: what a route answers when its credentials do not pass', () => {
  const table: {
    name: string;
    given: { security: SecurityRequirement[]; settings?: Partial<RouteSettings> };
    want: AuthAnswers | null;
  }[] = [
    { name: 'a public route checks nothing', given: { security: [] }, want: null },
    {
      name: 'auth.enforce: false checks nothing',
      given: {
        security: [req('key')],
        settings: { auth: { ...DEFAULT_ROUTE_SETTINGS.auth, enforce: false } },
      },
      want: null,
    },
    { name: 'only an empty requirement ({}): nothing to refuse', given: { security: [req()] }, want: null },
    {
      name: 'apiKey in a header: ApiKey challenge naming where it goes',
      given: { security: [req('key')] },
      want: answers('an API key in the X-Api-Key header', KEY, null, [null]),
    },
    {
      name: 'apiKey in the query',
      given: { security: [req('qkey')] },
      want: answers('an API key in the api_key query parameter', `ApiKey ${R}, in="query", name="api_key"`, null, [
        null,
      ]),
    },
    {
      name: 'apiKey in a cookie',
      given: { security: [req('ckey')] },
      want: answers('an API key in the sid cookie', `ApiKey ${R}, in="cookie", name="sid"`, null, [null]),
    },
    {
      name: 'http basic',
      given: { security: [req('basic')] },
      want: answers('HTTP basic credentials', BASIC, null, [null]),
    },
    {
      name: 'http bearer with a scope: invalid_token after a bad token, insufficient_scope on 403',
      given: { security: [req('jwt:read')] },
      want: answers('a bearer token with the scope read', `Bearer ${R}`, `Bearer ${R}, error="invalid_token"`, [
        forbidden('read', `Bearer ${R}, error="insufficient_scope", scope="read"`),
      ]),
    },
    {
      name: 'oauth2 with two scopes',
      given: { security: [req('oauth:read,write')] },
      want: answers('a bearer token with the scopes read write', `Bearer ${R}`, `Bearer ${R}, error="invalid_token"`, [
        forbidden('read write', `Bearer ${R}, error="insufficient_scope", scope="read write"`),
      ]),
    },
    {
      name: 'openIdConnect without scopes: no 403 can happen',
      given: { security: [req('oidc')] },
      want: answers('a bearer token', `Bearer ${R}`, `Bearer ${R}, error="invalid_token"`, [null]),
    },
    {
      name: 'mutualTLS: no challenge, so no WWW-Authenticate',
      given: { security: [req('mtls')] },
      want: answers('a client certificate', null, null, [null]),
    },
    {
      name: 'another http scheme is named as it is',
      given: { security: [req('digest')] },
      want: answers('digest credentials', `Digest ${R}`, null, [null]),
    },
    {
      name: 'a scheme the spec does not define: no challenge',
      given: { security: [{ schemes: [{ scheme: 's.nope', scopes: [] }] }] },
      want: answers('credentials', null, null, [null]),
    },
    {
      name: 'OR: each alternative, challenges in spec order',
      given: { security: [req('key'), req('basic')] },
      want: answers('an API key in the X-Api-Key header, or HTTP basic credentials', `${KEY}, ${BASIC}`, null, [
        null,
        null,
      ]),
    },
    {
      name: 'AND: both in one requirement',
      given: { security: [req('key', 'basic')] },
      want: answers('an API key in the X-Api-Key header and HTTP basic credentials', `${KEY}, ${BASIC}`, null, [null]),
    },
    {
      name: 'OR of a scoped token and a key: a 403 only for the token requirement',
      given: { security: [req('jwt:read'), req('key')] },
      want: answers(
        'a bearer token with the scope read, or an API key in the X-Api-Key header',
        `Bearer ${R}, ${KEY}`,
        `Bearer ${R}, error="invalid_token", ${KEY}`,
        [forbidden('read', `Bearer ${R}, error="insufficient_scope", scope="read"`), null],
      ),
    },
    {
      name: 'AND of a scoped token and a key: the 403 challenges the token',
      given: { security: [req('key', 'jwt:admin')] },
      want: answers(
        'an API key in the X-Api-Key header and a bearer token with the scope admin',
        `${KEY}, Bearer ${R}`,
        `${KEY}, Bearer ${R}, error="invalid_token"`,
        [forbidden('admin', `Bearer ${R}, error="insufficient_scope", scope="admin"`)],
      ),
    },
    {
      name: 'scopes on a key: a 403 without a challenge (no bearer scheme)',
      given: { security: [req('key:admin')] },
      want: answers('an API key in the X-Api-Key header', KEY, null, [forbidden('admin', null)]),
    },
    {
      name: 'two bearer schemes challenge once',
      given: { security: [req('jwt'), req('oauth')] },
      want: answers('a bearer token, or a bearer token', `Bearer ${R}`, `Bearer ${R}, error="invalid_token"`, [
        null,
        null,
      ]),
    },
    {
      name: 'an empty requirement beside others: the 401s name the others, its 403 is null',
      given: { security: [req(), req('ckey'), req('oidc:profile')] },
      want: answers(
        'an API key in the sid cookie, or a bearer token with the scope profile',
        `ApiKey ${R}, in="cookie", name="sid", Bearer ${R}`,
        `ApiKey ${R}, in="cookie", name="sid", Bearer ${R}, error="invalid_token"`,
        [null, null, forbidden('profile', `Bearer ${R}, error="insufficient_scope", scope="profile"`)],
      ),
    },
  ];
  for (const { name, given, want } of table) {
    it(name, () => expect(routeAuthAnswers(securedRoute(given.security, given.settings), schemes, 'gw')).toEqual(want));
  }

  it('quotes the realm (the gateway name) as an HTTP quoted-string', () => {
    const got = routeAuthAnswers(securedRoute([req('basic')]), schemes, 'gw "test" \\ 1');
    expect(got?.missing.wwwAuthenticate).toBe('Basic realm="gw \\"test\\" \\\\ 1", charset="UTF-8"');
  });
});
