import { describe, expect, it } from 'vitest';
import type { ImportedScheme } from '../../../src/model/fragment.js';
import type { ProjectConfig } from '../../../src/project/config.js';
import { applyCredentials, resolveRateLimitStore } from '../../../src/project/credentials.js';
import { route, settle } from '../../helpers/routes.js';

const src = { file: 'users.yaml', pointer: '#/components/securitySchemes/x' };
const schemes: ImportedScheme[] = [
  {
    id: 'users.apiKey',
    service: 'users',
    name: 'apiKey',
    type: 'apiKey',
    in: 'header',
    paramName: 'X-Api-Key',
    credentials: null,
    source: src,
  },
  { id: 'users.basic', service: 'users', name: 'basic', type: 'http', scheme: 'basic', credentials: null, source: src },
  { id: 'users.jwt', service: 'users', name: 'jwt', type: 'http', scheme: 'bearer', credentials: null, source: src },
  { id: 'users.oauth', service: 'users', name: 'oauth', type: 'oauth2', flows: {}, credentials: null, source: src },
];
const secured = {
  ...route('GET', '/a', 'users'),
  security: [
    { schemes: [{ scheme: 'users.apiKey', scopes: [] }] },
    { schemes: [{ scheme: 'users.oauth', scopes: ['read'] }] },
  ],
};
const gateway = settle([secured], { securitySchemes: schemes });
const at = (pointer: string) => ({ file: 'gw.yaml', pointer });
const config = (credentials: ProjectConfig['credentials']): ProjectConfig => ({ version: 1, name: 'g', credentials });

describe('applyCredentials', () => {
  it('attaches each kind in model form: where secrets are read, never the secret', () => {
    const r = applyCredentials(
      gateway,
      config({
        'users.apiKey': { keys: { file: 'secrets/keys' } },
        'users.basic': { htpasswd: { env: 'USERS_HTPASSWD' } },
        'users.jwt': { jwt: { secret: { env: 'JWT_SECRET' }, issuer: 'https://id.test/' } },
        'users.oauth': { jwt: { jwks: { file: 'jwks.json' }, audience: 'orders', clockSkew: '5s' } },
      }),
      at,
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.gateway.securitySchemes.map((s) => s.credentials)).toEqual([
      { kind: 'keys', source: { file: 'secrets/keys' } },
      { kind: 'htpasswd', source: { env: 'USERS_HTPASSWD' } },
      {
        kind: 'jwt',
        issuer: 'https://id.test/',
        audiences: [],
        algorithms: ['HS256'],
        jwks: null,
        secret: { env: 'JWT_SECRET' },
        clockSkewMs: 30000,
      },
      {
        kind: 'jwt',
        issuer: null,
        audiences: ['orders'],
        algorithms: ['RS256', 'ES256'],
        jwks: { file: 'jwks.json' },
        secret: null,
        clockSkewMs: 5000,
      },
    ]);
    expect(gateway.securitySchemes[0]!.credentials, 'the input is not changed').toBeNull();
  });

  const errors: { name: string; given: ProjectConfig['credentials']; want: RegExp }[] = [
    {
      name: 'an unknown scheme, with a suggestion',
      given: { 'users.apikey': { keys: { env: 'K' } } },
      want: new RegExp(
        '^GW_CREDENTIALS_UNKNOWN_SCHEME credentials are given for "users.apikey", ' +
          String.raw`but no service has that security scheme \| did you mean "users.apiKey"\?`,
      ),
    },
    {
      name: 'keys for a basic scheme',
      given: { 'users.basic': { keys: { env: 'K' } } },
      want: /^GW_CREDENTIALS_KIND "users.basic" is an http basic scheme, so it takes htpasswd credentials, not keys/,
    },
    {
      name: 'HS256 without a secret',
      given: { 'users.jwt': { jwt: { jwks: { file: 'j.json' }, algorithms: ['HS256', 'RS256'] } } },
      want: /^GW_CREDENTIALS_KIND "users.jwt" accepts HS256, RS256, but HS256 needs `secret`/,
    },
    {
      name: 'RS256 without jwks',
      given: { 'users.jwt': { jwt: { secret: { env: 'S' }, algorithms: ['RS256'] } } },
      want: /^GW_CREDENTIALS_KIND "users.jwt" accepts RS256, but RS256 needs `jwks`/,
    },
    {
      name: 'a jwt without keys or secret',
      given: { 'users.jwt': { jwt: { issuer: 'x' } } },
      want: /^GW_CREDENTIALS_KIND "users.jwt" checks JWTs but says neither where the signing keys are/,
    },
  ];
  for (const t of errors) {
    it(t.name, () => {
      const d = applyCredentials(gateway, config(t.given), at).diagnostics.find((x) => x.severity === 'error')!;
      expect(`${d.code} ${d.message} | ${d.hints.join(' | ')}`).toMatch(t.want);
    });
  }

  it('with both a JWKS and a secret, every algorithm is accepted unless told', () => {
    const r = applyCredentials(
      gateway,
      config({ 'users.jwt': { jwt: { jwks: { file: 'j.json' }, secret: { env: 'S' } } } }),
      at,
    );
    expect(r.gateway.securitySchemes[2]!.credentials).toMatchObject({ algorithms: ['HS256', 'RS256', 'ES256'] });
  });

  it('warns, once, about required schemes nothing checks (requests needing them are refused)', () => {
    const d = applyCredentials(gateway, config({ 'users.apiKey': { keys: { env: 'K' } } }), at).diagnostics;
    expect(d.map((x) => `${x.code} ${x.message}`)).toEqual([
      'GW_AUTH_NO_CREDENTIALS no credentials in gw.yaml for the security scheme "users.oauth" (1 route), ' +
        'so requests that need it are refused (401)',
    ]);
  });

  it('says nothing about routes whose checks are off', () => {
    const open = settle(
      [{ ...secured, settings: { ...secured.settings, auth: { ...secured.settings.auth, enforce: false } } }],
      {
        securitySchemes: schemes,
      },
    );
    expect(applyCredentials(open, config({}), at).diagnostics).toEqual([]);
  });
});

describe('resolveRateLimitStore', () => {
  it('memory by default, redis with fail-open unless told', () => {
    expect(resolveRateLimitStore({ version: 1, name: 'g' })).toEqual({ kind: 'memory' });
    expect(resolveRateLimitStore({ version: 1, name: 'g', rateLimitStore: { redis: { env: 'REDIS_URL' } } })).toEqual({
      kind: 'redis',
      url: { env: 'REDIS_URL' },
      failMode: 'open',
    });
    expect(
      resolveRateLimitStore({
        version: 1,
        name: 'g',
        rateLimitStore: { redis: { url: 'redis://127.0.0.1:6379' }, failMode: 'closed' },
      }),
    ).toEqual({ kind: 'redis', url: { url: 'redis://127.0.0.1:6379' }, failMode: 'closed' });
  });
});
