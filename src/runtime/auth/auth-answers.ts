import type { SecurityRequirement, SecurityScheme } from '../../model/types.js';
import type { AuthFail, PolicyAnswers } from './auth-policy.js';

/** A quoted-string (RFC 9110 5.6.4). */
function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/** Bearer for every scheme that carries a JWT. */
export function isBearer(s: SecurityScheme): boolean {
  return (s.type === 'http' && s.scheme === 'bearer') || s.type === 'oauth2' || s.type === 'openIdConnect';
}

/** What a scheme asks for, in words a client can act on. */
function describe(s: SecurityScheme | undefined, scopes: readonly string[]): string {
  if (!s) return 'credentials';
  if (s.type === 'apiKey') return `an API key in the ${s.paramName} ${s.in === 'query' ? 'query parameter' : s.in}`;
  if (s.type === 'http' && s.scheme === 'basic') return 'HTTP basic credentials';
  if (isBearer(s)) return scopes.length ? `a bearer token with the scope${scopes.length > 1 ? 's' : ''} ${scopes.join(' ')}` : 'a bearer token';
  if (s.type === 'mutualTLS') return 'a client certificate';
  return `${s.scheme ?? s.type} credentials`;
}

/** The challenge for one scheme (RFC 9110 11.6.1); apiKey has no registered scheme, so gw names it `ApiKey` with where the key goes. */
function challenge(s: SecurityScheme | undefined, realm: string, invalidToken: boolean): string | undefined {
  if (!s || s.type === 'mutualTLS') return undefined;
  if (s.type === 'apiKey') return `ApiKey realm=${realm}, in=${quote(s.in ?? 'header')}, name=${quote(s.paramName ?? '')}`;
  if (s.type === 'http' && s.scheme === 'basic') return `Basic realm=${realm}, charset="UTF-8"`;
  if (isBearer(s)) return invalidToken ? `Bearer realm=${realm}, error="invalid_token"` : `Bearer realm=${realm}`;
  const name = s.scheme ?? 'unknown';
  return `${name[0]!.toUpperCase()}${name.slice(1)} realm=${realm}`;
}

/**
 * A route's 401 and 403 answers, worded once at compile time: the detail says what the
 * operation accepts ("an API key in the X-Api-Key header, or HTTP basic credentials"), and
 * WWW-Authenticate has one challenge per scheme tried (Bearer with error="invalid_token" after a
 * bad token, error="insufficient_scope" with the scopes on 403, as RFC 6750 says).
 */
export function authAnswers(security: readonly SecurityRequirement[], schemes: ReadonlyMap<string, SecurityScheme>, gatewayName: string): PolicyAnswers {
  const realm = quote(gatewayName);
  const accepts = security.map((r) => r.schemes.map((x) => describe(schemes.get(x.scheme), x.scopes)).join(' and ')).join(', or ');
  const challenges = (invalidToken: boolean) => [...new Set(security.flatMap((r) => r.schemes.map((x) => challenge(schemes.get(x.scheme), realm, invalidToken))).filter((c): c is string => c !== undefined))].join(', ');
  const unauthorized = (detail: string, value: string): AuthFail => Object.freeze({ ok: false, code: 'GW_HTTP_UNAUTHORIZED', detail, challenge: value });
  return {
    missing: unauthorized(`this operation needs ${accepts}`, challenges(false)),
    invalid: unauthorized(`the credentials sent are not valid; this operation needs ${accepts}`, challenges(false)),
    invalidToken: unauthorized(`the bearer token is not valid (signature, issuer, audience or lifetime); this operation needs ${accepts}`, challenges(true)),
    forbidden: security.map((r) => {
      const scopes = [...new Set(r.schemes.flatMap((x) => x.scopes))];
      const bearer = r.schemes.some((x) => { const s = schemes.get(x.scheme); return s !== undefined && isBearer(s); });
      const value = bearer ? `Bearer realm=${realm}, error="insufficient_scope", scope=${quote(scopes.join(' '))}` : '';
      return Object.freeze({ ok: false, code: 'GW_HTTP_FORBIDDEN', detail: `the credentials are valid but lack the scope${scopes.length > 1 ? 's' : ''} this operation needs: ${scopes.join(' ')}`, challenge: value });
    }),
  };
}
