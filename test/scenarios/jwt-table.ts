import { randomBytes } from 'node:crypto';
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { REFUSED, ABSENT, type Credential, type Row, type SchemeAnswer } from './credential-tables.js';

/**
 * Bearer JWT checks, one table for gw serve's JwtChecker (test/unit/runtime/auth/jwt-checker.test.ts)
 * and the NGINX target's gw-auth.js (test/unit/targets/nginx/gw-auth-js.test.ts): RS256 and ES256
 * from a key set, HS256 from a shared secret, issuer, audiences, lifetimes with clock skew,
 * scopes, and the attacks (alg none, algorithm confusion, tampering, a stranger's key).
 * Keys are made for each run; nothing secret is committed.
 */
const rsa = await generateKeyPair('RS256', { extractable: true });
const ec = await generateKeyPair('ES256', { extractable: true });
const other = await generateKeyPair('RS256');

/** The HS256 secret as text (an environment variable holds it) and as the bytes it signs with. */
export const JWT_SECRET_TEXT = randomBytes(32).toString('hex');
const secret = new TextEncoder().encode(JWT_SECRET_TEXT);

export const JWKS = {
  keys: [
    { ...(await exportJWK(rsa.publicKey)), kid: 'r1', alg: 'RS256' },
    { ...(await exportJWK(ec.publicKey)), kid: 'e1', alg: 'ES256' },
  ],
};

/** The checks' clock, in seconds. */
export const NOW = 1_800_000_000;
export const ISSUER = 'https://issuer.test';

/** A scheme's JWT settings (gw.yaml credentials) in words both planes turn into their own configuration. */
export interface JwtSetup {
  issuer: string | null;
  audiences: string[];
  algorithms: ('HS256' | 'RS256' | 'ES256')[];
  clockSkewMs: number;
  /** The HS256 secret is configured. */
  secret: boolean;
  /** Where RS256/ES256 keys come from: the JWKS file, the JWKS URL (both hold JWKS), or nowhere. */
  keys: 'file' | 'url' | null;
}

export const JWT_SETUP: JwtSetup = {
  issuer: ISSUER,
  audiences: ['api', 'api2'],
  algorithms: ['RS256', 'ES256'],
  clockSkewMs: 30_000,
  secret: false,
  keys: 'file',
};

export interface JwtRow extends Row<() => Promise<Credential> | Credential, SchemeAnswer> {
  setup?: Partial<JwtSetup>;
}

async function token(
  o: {
    alg?: 'RS256' | 'ES256' | 'HS256';
    kid?: string;
    key?: 'rsa' | 'ec' | 'other' | 'secret' | 'pem';
    claims?: JWTPayload;
  } = {},
): Promise<string> {
  const alg = o.alg ?? 'RS256';
  const claims: JWTPayload = { iss: ISSUER, aud: 'api', sub: 'user-1', exp: NOW + 600, ...o.claims };
  const keyName = o.key ?? (alg === 'HS256' ? 'secret' : alg === 'ES256' ? 'ec' : 'rsa');
  const key = {
    rsa: rsa.privateKey,
    ec: ec.privateKey,
    other: other.privateKey,
    secret,
    pem: new TextEncoder().encode(await exportSPKI(rsa.publicKey)),
  }[keyName];
  const kid = o.kid !== undefined ? { kid: o.kid } : alg === 'HS256' ? {} : { kid: alg === 'ES256' ? 'e1' : 'r1' };
  return new SignJWT(claims).setProtectedHeader({ alg, ...kid }).sign(key);
}

const none = (claims: JWTPayload) => {
  const part = (v: unknown) => base64url.encode(JSON.stringify(v));
  return `${part({ alg: 'none' })}.${part({ iss: ISSUER, aud: 'api', sub: 'x', exp: NOW + 600, ...claims })}.`;
};

const valid = (scopes: string[] = [], consumer: string | null = 'user-1'): SchemeAnswer => ({
  ok: true,
  consumer,
  scopes: new Set(scopes),
});
const HS256_ONLY: Partial<JwtSetup> = { algorithms: ['HS256'], secret: true, keys: null };
const bearer = (o?: Parameters<typeof token>[0]) => async () => `Bearer ${await token(o)}`;

export const JWT_ROWS: JwtRow[] = [
  { name: 'RS256 from the JWKS: sub is the consumer, no scopes', given: bearer(), want: valid() },
  { name: 'ES256 from the JWKS', given: bearer({ alg: 'ES256' }), want: valid() },
  {
    name: 'scope (space-separated) and scp (array) are merged',
    given: bearer({ claims: { scope: 'a b', scp: ['c', 'b'] } }),
    want: valid(['a', 'b', 'c']),
  },
  { name: 'scp as a string', given: bearer({ claims: { scp: 'x y' } }), want: valid(['x', 'y']) },
  { name: 'no sub: no consumer', given: bearer({ claims: { sub: undefined } }), want: valid([], null) },
  { name: 'the second audience matches too', given: bearer({ claims: { aud: ['other', 'api2'] } }), want: valid() },
  { name: 'HS256 with the shared secret', setup: HS256_ONLY, given: bearer({ alg: 'HS256' }), want: valid() },
  {
    name: 'RS256 from a JWKS URL',
    setup: { keys: 'url' },
    given: bearer(),
    want: valid(),
    differs: {
      plane: 'nginx',
      why: 'njs 0.7.9 keeps nothing between requests to cache a key set: nginx reads JWKS files only',
      want: REFUSED,
    },
  },
  { name: 'expired beyond the skew', given: bearer({ claims: { exp: NOW - 31 } }), want: REFUSED },
  { name: 'expired within the skew', given: bearer({ claims: { exp: NOW - 29 } }), want: valid() },
  { name: 'nbf beyond the skew', given: bearer({ claims: { nbf: NOW + 31 } }), want: REFUSED },
  { name: 'nbf within the skew', given: bearer({ claims: { nbf: NOW + 29 } }), want: valid() },
  { name: 'wrong issuer', given: bearer({ claims: { iss: 'https://evil.test' } }), want: REFUSED },
  { name: 'wrong audience', given: bearer({ claims: { aud: 'elsewhere' } }), want: REFUSED },
  {
    name: 'no issuer or audience configured: any is accepted',
    setup: { issuer: null, audiences: [] },
    given: bearer({ claims: { iss: 'x', aud: 'y' } }),
    want: valid(),
  },
  { name: 'signed by a key not in the JWKS (same kid)', given: bearer({ key: 'other' }), want: REFUSED },
  { name: 'alg none', given: () => `Bearer ${none({})}`, want: REFUSED },
  { name: 'alg none where HS256 is allowed', setup: HS256_ONLY, given: () => `Bearer ${none({})}`, want: REFUSED },
  {
    name: 'algorithm confusion: HS256 signed with the RSA public key, RS256 configured',
    given: bearer({ alg: 'HS256', key: 'pem', kid: 'r1' }),
    want: REFUSED,
  },
  {
    name: 'algorithm confusion with HS256 allowed too: HS256 only ever uses the secret',
    setup: { algorithms: ['RS256', 'HS256'], secret: true },
    given: bearer({ alg: 'HS256', key: 'pem', kid: 'r1' }),
    want: REFUSED,
  },
  {
    name: 'ES256 when only RS256 is allowed',
    setup: { algorithms: ['RS256'] },
    given: bearer({ alg: 'ES256' }),
    want: REFUSED,
  },
  {
    name: 'a tampered payload',
    given: async () => {
      const [h, , s] = (await token()).split('.');
      const payload = { iss: ISSUER, aud: 'api', sub: 'admin', exp: NOW + 600 };
      return `Bearer ${h}.${base64url.encode(JSON.stringify(payload))}.${s}`;
    },
    want: REFUSED,
  },
  { name: 'garbage', given: () => 'Bearer not.a.jwt', want: REFUSED },
  { name: 'an empty token', given: () => 'Bearer ', want: REFUSED },
  { name: 'lower-case scheme name', given: async () => `bearer ${await token()}`, want: valid() },
  { name: 'basic credentials are not a token (not presented)', given: () => 'Basic YTpi', want: ABSENT },
  { name: 'absent', given: () => undefined, want: ABSENT },
  { name: 'Authorization twice', given: () => null, want: REFUSED },
];
