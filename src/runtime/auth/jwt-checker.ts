import {
  createLocalJWKSet,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { ABSENT, consumerName, INVALID, type CredentialValue, type SchemeChecker, type SchemeResult } from './types.js';

export interface JwtCheckerConfig {
  issuer: string | null;
  audiences: readonly string[];
  algorithms: readonly ('HS256' | 'RS256' | 'ES256')[];
  clockSkewMs: number;
  /** HS256 shared secret. */
  secret: Uint8Array | null;
  /** RS256/ES256 keys: a key set read from a file, or a fetcher (remote-jwks.ts). */
  keys: JSONWebKeySet | JWTVerifyGetKey | null;
  now?: () => number;
}

const PREFIX = /^bearer[ \t]+/i;

/**
 * Bearer JWTs (http bearer, oauth2, openIdConnect schemes), verified by jose: only the
 * configured algorithms (so `alg: none` and an HS256 token against an RSA key never verify:
 * HS256 always uses the shared secret, RS256/ES256 only the key set), the issuer, one of the
 * audiences, exp and nbf with the clock skew. The identity is `sub`; scopes come from `scope`
 * (space-separated) and `scp` (array or string).
 */
export class JwtChecker implements SchemeChecker {
  private readonly options: JWTVerifyOptions;
  private readonly getKey: JWTVerifyGetKey;

  constructor(private readonly config: JwtCheckerConfig) {
    this.options = {
      algorithms: [...config.algorithms],
      ...(config.issuer !== null ? { issuer: config.issuer } : {}),
      ...(config.audiences.length > 0 ? { audience: [...config.audiences] } : {}),
      clockTolerance: config.clockSkewMs / 1000,
    };
    const set = typeof config.keys === 'function' ? config.keys : config.keys ? createLocalJWKSet(config.keys) : null;
    const secret = config.secret;
    this.getKey = (header, token) => {
      if (header.alg === 'HS256') {
        if (!secret) throw new Error('no HS256 secret');
        return secret;
      }
      if (!set) throw new Error('no key set');
      return set(header, token);
    };
  }

  check(value: CredentialValue): SchemeResult | Promise<SchemeResult> {
    if (value === undefined) return ABSENT;
    if (value === null) return INVALID;
    const m = PREFIX.exec(value);
    if (!m) return ABSENT;
    const token = value.slice(m[0].length).trim();
    return token === '' ? INVALID : this.verify(token);
  }

  private async verify(token: string): Promise<SchemeResult> {
    try {
      const options = this.config.now ? { ...this.options, currentDate: new Date(this.config.now()) } : this.options;
      const { payload } = await jwtVerify(token, this.getKey, options);
      return {
        ok: true,
        consumer: typeof payload.sub === 'string' && payload.sub !== '' ? consumerName(payload.sub) : null,
        scopes: scopesOf(payload),
      };
    } catch {
      return INVALID;
    }
  }
}

function scopesOf(payload: JWTPayload): ReadonlySet<string> {
  const out = new Set<string>();
  const add = (v: unknown) => {
    const items = typeof v === 'string' ? v.split(/\s+/) : Array.isArray(v) ? v : [];
    for (const s of items) if (typeof s === 'string' && s !== '') out.add(s);
  };
  add(payload.scope);
  add(payload.scp);
  return out;
}
