import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import bcrypt from 'bcryptjs';
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { Gateway, Route } from '../../src/model/types.js';
import { apr1Crypt } from '../../src/runtime/auth/apr1.js';
import { giveToWorkers } from '../helpers/nginx.js';

/**
 * The scenario project's credentials, made fresh for each test run (nothing secret is committed):
 * API keys, an htpasswd file with one user per hash format, an RSA and an EC key pair whose
 * public halves form the JWKS file, an HS256 secret in an environment variable, and tokens
 * signed with them. scenarios/project.ts writes them next to gw.yaml; the scenario lists send them.
 */
export const ISSUER = 'https://auth.shop.test';
export const AUDIENCE = 'shop-api';

const secret = (bytes = 24) => randomBytes(bytes).toString('base64url');

const rsa = await generateKeyPair('RS256', { extractable: true });
const ec = await generateKeyPair('ES256', { extractable: true });
/** Signs tokens but is in no JWKS the gateway knows. */
const stranger = await generateKeyPair('RS256', { extractable: true });

export const SHOP = {
  users: { consumer: 'users-app', key: secret() },
  /** A bare key (no consumer name) for the same scheme. */
  usersAnonymousKey: secret(),
  catalog: { consumer: 'catalog-admin', key: secret() },
  basic: {
    sha: { user: 'ann', password: secret(12) },
    apr1: { user: 'bob', password: secret(12) },
    bcrypt: { user: 'cat', password: secret(12) },
  },
  hsSecret: secret(48),
  rsaPublicPem: await exportSPKI(rsa.publicKey),
};

export const SECRET_ENV = {
  GW_SHOP_CATALOG_KEYS: `${SHOP.catalog.consumer}:${SHOP.catalog.key}`,
  GW_SHOP_JWT_SECRET: SHOP.hsSecret,
};

/** The gw.yaml `credentials` block of the scenario project. */
export const SHOP_CREDENTIALS_YAML = `credentials:
  users.apiKey: { keys: { file: secrets/users.keys } }
  users.basicAuth: { htpasswd: { file: secrets/users.htpasswd } }
  catalog.apiKey: { keys: { env: GW_SHOP_CATALOG_KEYS } }
  orders.oauth:
    jwt: { issuer: "${ISSUER}", audience: ${AUDIENCE}, jwks: { file: secrets/orders.jwks.json }, clockSkew: 2m }
  orders.bearerJwt:
    jwt: { issuer: "${ISSUER}", audience: ${AUDIENCE}, secret: { env: GW_SHOP_JWT_SECRET } }
`;

/** Writes the secret files under `dir` (the project folder) and returns the environment the gateway needs. */
export async function writeShopSecrets(dir: string): Promise<Record<string, string>> {
  const sha = (p: string) => `{SHA}${createHash('sha1').update(p).digest('base64')}`;
  const files: Record<string, string> = {
    'secrets/users.keys': [
      '# consumer:key, one a line',
      `${SHOP.users.consumer}:${SHOP.users.key}`,
      SHOP.usersAnonymousKey,
      '',
    ].join('\n'),
    'secrets/users.htpasswd': [
      `${SHOP.basic.sha.user}:${sha(SHOP.basic.sha.password)}`,
      `${SHOP.basic.apr1.user}:${apr1Crypt(SHOP.basic.apr1.password, secret(6).replace(/[^A-Za-z0-9]/g, 'x'))}`,
      `${SHOP.basic.bcrypt.user}:${bcrypt.hashSync(SHOP.basic.bcrypt.password, 6).replace(/^\$2[ab]\$/, '$2y$')}`,
      '',
    ].join('\n'),
    'secrets/orders.jwks.json': JSON.stringify(
      {
        keys: [
          await publicJwk(rsa.publicKey, 'shop-rsa-1', 'RS256'),
          await publicJwk(ec.publicKey, 'shop-ec-1', 'ES256'),
        ],
      },
      null,
      2,
    ),
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text, { mode: 0o600 });
    // As an operator would: readable by nginx's workers (www-data), which read them, and by nobody else.
    giveToWorkers(join(dir, path));
  }
  return { ...SECRET_ENV };
}

async function publicJwk(key: CryptoKey, kid: string, alg: string): Promise<JWK> {
  return { ...(await exportJWK(key)), kid, alg, use: 'sig' };
}

export interface TokenOptions {
  alg?: 'RS256' | 'ES256' | 'HS256';
  sub?: string;
  scope?: string;
  scp?: string[] | string;
  iss?: string;
  aud?: string;
  /** Seconds from now; negative for a token that has expired. */
  expiresIn?: number;
  /** Seconds from now the token becomes valid. */
  notBefore?: number;
  /** Sign with a key the gateway does not know. */
  stranger?: boolean;
}

/** A signed JWT for the orders schemes. */
export async function signToken(o: TokenOptions = {}): Promise<string> {
  const alg = o.alg ?? 'RS256';
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {};
  if (o.scope !== undefined) claims.scope = o.scope;
  if (o.scp !== undefined) claims.scp = o.scp;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({
      alg,
      typ: 'JWT',
      ...(alg === 'HS256' ? {} : { kid: alg === 'ES256' ? 'shop-ec-1' : 'shop-rsa-1' }),
    })
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setSubject(o.sub ?? 'orders-client')
    .setIssuedAt(now)
    .setExpirationTime(now + (o.expiresIn ?? 3600));
  if (o.notBefore !== undefined) jwt.setNotBefore(now + o.notBefore);
  const key =
    alg === 'HS256'
      ? new TextEncoder().encode(SHOP.hsSecret)
      : alg === 'ES256'
        ? ec.privateKey
        : o.stranger
          ? stranger.privateKey
          : rsa.privateKey;
  return jwt.sign(key);
}

/** An unsigned token (`alg: none`) with the claims of a valid one. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const part = (v: unknown) => base64url.encode(JSON.stringify(v));
  const payload = { iss: ISSUER, aud: AUDIENCE, sub: 'mallory', exp: Math.floor(Date.now() / 1000) + 3600, ...claims };
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}

/** The classic algorithm confusion: HS256 with the RSA public key (PEM) as the HMAC secret. */
export async function confusedToken(claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'shop-rsa-1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('mallory')
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(SHOP.rsaPublicPem));
}

/** A valid token with its payload changed after signing (the signature no longer matches). */
export function tamperedToken(token: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const changed = { ...(JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as object), ...claims };
  return `${header}.${base64url.encode(JSON.stringify(changed))}.${signature}`;
}

/** Tokens the scenario lists send, signed once per run. */
export const TOKENS = {
  /** RS256, every orders scope. */
  orders: await signToken({ scope: 'orders:read orders:write' }),
  /** RS256, read only. */
  ordersRead: await signToken({ scope: 'orders:read', sub: 'reader' }),
  /** HS256 for the bearerJwt scheme. */
  hs: await signToken({ alg: 'HS256', sub: 'hs-client' }),
};

export const basicAuth = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Headers that pass each scheme of the example (the first user of basic auth). */
export const AUTH = {
  usersKey: { 'x-api-key': SHOP.users.key },
  basic: { authorization: basicAuth(SHOP.basic.sha.user, SHOP.basic.sha.password) },
  orders: { authorization: `Bearer ${TOKENS.orders}` },
  catalogQuery: `api_key=${encodeURIComponent(SHOP.catalog.key)}`,
};

/**
 * Valid credentials for a route's first security requirement: headers to send and a query to put
 * before any other (`api_key=...&`). Public routes get none.
 */
export function credentialsFor(gateway: Gateway, route: Route): { headers: Record<string, string>; query: string } {
  const headers: Record<string, string> = {};
  let query = '';
  for (const { scheme } of route.security[0]?.schemes ?? []) {
    const s = gateway.securitySchemes.find((x) => x.id === scheme);
    if (!s) continue;
    if (s.id === 'users.apiKey') Object.assign(headers, AUTH.usersKey);
    else if (s.id === 'catalog.apiKey') query += `${AUTH.catalogQuery}&`;
    else if (s.id === 'users.basicAuth') Object.assign(headers, AUTH.basic);
    else if (s.id === 'orders.oauth') Object.assign(headers, AUTH.orders);
    else if (s.id === 'orders.bearerJwt') headers.authorization = `Bearer ${TOKENS.hs}`;
    else throw new Error(`no test credentials for the scheme ${s.id}`);
  }
  return { headers, query };
}
