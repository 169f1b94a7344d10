import { randomBytes } from 'node:crypto';
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwtChecker, type JwtCheckerConfig } from '../../../../src/runtime/auth/jwt-checker.js';

// Keys made for this run; nothing secret is committed.
const rsa = await generateKeyPair('RS256', { extractable: true });
const ec = await generateKeyPair('ES256', { extractable: true });
const other = await generateKeyPair('RS256');
const secret = new TextEncoder().encode(randomBytes(32).toString('hex'));
const jwks = {
  keys: [
    { ...(await exportJWK(rsa.publicKey)), kid: 'r1', alg: 'RS256' },
    { ...(await exportJWK(ec.publicKey)), kid: 'e1', alg: 'ES256' },
  ],
};
const NOW = 1_800_000_000;

const base: JwtCheckerConfig = {
  issuer: 'https://issuer.test',
  audiences: ['api', 'api2'],
  algorithms: ['RS256', 'ES256'],
  clockSkewMs: 30_000,
  secret: null,
  keys: jwks,
  now: () => NOW * 1000,
};

async function token(
  o: {
    alg?: 'RS256' | 'ES256' | 'HS256';
    kid?: string;
    key?: 'rsa' | 'ec' | 'other' | 'secret' | 'pem';
    claims?: JWTPayload;
  } = {},
): Promise<string> {
  const alg = o.alg ?? 'RS256';
  const claims: JWTPayload = { iss: 'https://issuer.test', aud: 'api', sub: 'user-1', exp: NOW + 600, ...o.claims };
  const keyName = o.key ?? (alg === 'HS256' ? 'secret' : alg === 'ES256' ? 'ec' : 'rsa');
  const key = {
    rsa: rsa.privateKey,
    ec: ec.privateKey,
    other: other.privateKey,
    secret,
    pem: new TextEncoder().encode(await exportSPKI(rsa.publicKey)),
  }[keyName];
  const jwt = new SignJWT(claims).setProtectedHeader({
    alg,
    ...(o.kid !== undefined ? { kid: o.kid } : alg === 'HS256' ? {} : { kid: alg === 'ES256' ? 'e1' : 'r1' }),
  });
  return jwt.sign(key);
}

const none = (claims: JWTPayload) =>
  `${base64url.encode(JSON.stringify({ alg: 'none' }))}.${base64url.encode(JSON.stringify({ iss: 'https://issuer.test', aud: 'api', sub: 'x', exp: NOW + 600, ...claims }))}.`;

describe('JwtChecker', () => {
  const cases: {
    name: string;
    config?: Partial<JwtCheckerConfig>;
    given: () => Promise<string | undefined | null> | string | undefined | null;
    want: unknown;
  }[] = [
    {
      name: 'RS256 from the JWKS: sub is the consumer, no scopes',
      given: async () => `Bearer ${await token()}`,
      want: { ok: true, consumer: 'user-1', scopes: new Set() },
    },
    {
      name: 'ES256 from the JWKS',
      given: async () => `Bearer ${await token({ alg: 'ES256' })}`,
      want: { ok: true, consumer: 'user-1', scopes: new Set() },
    },
    {
      name: 'scope (space-separated) and scp (array) are merged',
      given: async () => `Bearer ${await token({ claims: { scope: 'a b', scp: ['c', 'b'] } })}`,
      want: { ok: true, consumer: 'user-1', scopes: new Set(['a', 'b', 'c']) },
    },
    {
      name: 'scp as a string',
      given: async () => `Bearer ${await token({ claims: { scp: 'x y' } })}`,
      want: { ok: true, consumer: 'user-1', scopes: new Set(['x', 'y']) },
    },
    {
      name: 'no sub: no consumer',
      given: async () => `Bearer ${await token({ claims: { sub: undefined } })}`,
      want: { ok: true, consumer: null, scopes: new Set() },
    },
    {
      name: 'the second audience matches too',
      given: async () => `Bearer ${await token({ claims: { aud: ['other', 'api2'] } })}`,
      want: { ok: true, consumer: 'user-1', scopes: new Set() },
    },
    {
      name: 'HS256 with the shared secret',
      config: { algorithms: ['HS256'], secret, keys: null },
      given: async () => `Bearer ${await token({ alg: 'HS256' })}`,
      want: { ok: true, consumer: 'user-1', scopes: new Set() },
    },
    {
      name: 'expired beyond the skew',
      given: async () => `Bearer ${await token({ claims: { exp: NOW - 31 } })}`,
      want: { ok: false, presented: true },
    },
    {
      name: 'expired within the skew',
      given: async () => `Bearer ${await token({ claims: { exp: NOW - 29 } })}`,
      want: { ok: true, consumer: 'user-1', scopes: new Set() },
    },
    {
      name: 'nbf beyond the skew',
      given: async () => `Bearer ${await token({ claims: { nbf: NOW + 31 } })}`,
      want: { ok: false, presented: true },
    },
    {
      name: 'nbf within the skew',
      given: async () => `Bearer ${await token({ claims: { nbf: NOW + 29 } })}`,
      want: { ok: true, consumer: 'user-1', scopes: new Set() },
    },
    {
      name: 'wrong issuer',
      given: async () => `Bearer ${await token({ claims: { iss: 'https://evil.test' } })}`,
      want: { ok: false, presented: true },
    },
    {
      name: 'wrong audience',
      given: async () => `Bearer ${await token({ claims: { aud: 'elsewhere' } })}`,
      want: { ok: false, presented: true },
    },
    {
      name: 'no issuer or audience configured: any is accepted',
      config: { issuer: null, audiences: [] },
      given: async () => `Bearer ${await token({ claims: { iss: 'x', aud: 'y' } })}`,
      want: { ok: true, consumer: 'user-1', scopes: new Set() },
    },
    {
      name: 'signed by a key not in the JWKS (same kid)',
      given: async () => `Bearer ${await token({ key: 'other' })}`,
      want: { ok: false, presented: true },
    },
    { name: 'alg none', given: () => `Bearer ${none({})}`, want: { ok: false, presented: true } },
    {
      name: 'alg none where HS256 is allowed',
      config: { algorithms: ['HS256'], secret, keys: null },
      given: () => `Bearer ${none({})}`,
      want: { ok: false, presented: true },
    },
    {
      name: 'algorithm confusion: HS256 signed with the RSA public key, RS256 configured',
      given: async () => `Bearer ${await token({ alg: 'HS256', key: 'pem', kid: 'r1' })}`,
      want: { ok: false, presented: true },
    },
    {
      name: 'algorithm confusion with HS256 allowed too: HS256 only ever uses the secret',
      config: { algorithms: ['RS256', 'HS256'], secret },
      given: async () => `Bearer ${await token({ alg: 'HS256', key: 'pem', kid: 'r1' })}`,
      want: { ok: false, presented: true },
    },
    {
      name: 'ES256 when only RS256 is allowed',
      config: { algorithms: ['RS256'] },
      given: async () => `Bearer ${await token({ alg: 'ES256' })}`,
      want: { ok: false, presented: true },
    },
    {
      name: 'a tampered payload',
      given: async () => {
        const [h, , s] = (await token()).split('.');
        return `Bearer ${h}.${base64url.encode(JSON.stringify({ iss: 'https://issuer.test', aud: 'api', sub: 'admin', exp: NOW + 600 }))}.${s}`;
      },
      want: { ok: false, presented: true },
    },
    { name: 'garbage', given: () => 'Bearer not.a.jwt', want: { ok: false, presented: true } },
    { name: 'an empty token', given: () => 'Bearer ', want: { ok: false, presented: true } },
    {
      name: 'lower-case scheme name',
      given: async () => `bearer ${await token()}`,
      want: { ok: true, consumer: 'user-1', scopes: new Set() },
    },
    {
      name: 'basic credentials are not a token (not presented)',
      given: () => 'Basic YTpi',
      want: { ok: false, presented: false },
    },
    { name: 'absent', given: () => undefined, want: { ok: false, presented: false } },
    { name: 'Authorization twice', given: () => null, want: { ok: false, presented: true } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const checker = new JwtChecker({ ...base, ...c.config });
      expect(await checker.check(await c.given())).toEqual(c.want);
    });
  }
});
