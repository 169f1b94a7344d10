import type { SecurityRequirement, SecurityScheme } from '../model/types.js';

/**
 * How the gateway words a refusal (docs/auth.md). Merge settles it into each route's
 * `effective.authAnswers` (route-auth-answers.ts) and each scheme's `bearer` (decide-gateway.ts),
 * which every data plane prints.
 */

/** What the wording looks at in a scheme: a merged one, or one as the importer read it. */
export type SchemeKind = Pick<SecurityScheme, 'type' | 'scheme' | 'in' | 'paramName'>;

/** A bearer token is what http bearer, oauth2 and openIdConnect schemes carry. */
export function isBearer(s: SchemeKind): boolean {
  return (s.type === 'http' && s.scheme === 'bearer') || s.type === 'oauth2' || s.type === 'openIdConnect';
}

/** A quoted-string (RFC 9110 5.6.4). */
function quoteHttp(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/** What a scheme asks for, in words a client can act on. */
function describeNeed(s: SchemeKind | undefined, scopes: readonly string[]): string {
  if (!s) return 'credentials';
  if (s.type === 'apiKey') return `an API key in the ${s.paramName} ${s.in === 'query' ? 'query parameter' : s.in}`;
  if (s.type === 'http' && s.scheme === 'basic') return 'HTTP basic credentials';
  if (isBearer(s))
    return scopes.length
      ? `a bearer token with the scope${scopes.length > 1 ? 's' : ''} ${scopes.join(' ')}`
      : 'a bearer token';
  if (s.type === 'mutualTLS') return 'a client certificate';
  return `${s.scheme ?? s.type} credentials`;
}

/** The challenge for one scheme (RFC 9110 11.6.1); apiKey has no registered scheme, so gw names it `ApiKey` with where the key goes. */
function challenge(s: SchemeKind | undefined, realm: string, invalidToken: boolean): string | undefined {
  if (!s || s.type === 'mutualTLS') return undefined;
  if (s.type === 'apiKey')
    return `ApiKey realm=${realm}, in=${quoteHttp(s.in ?? 'header')}, name=${quoteHttp(s.paramName ?? '')}`;
  if (s.type === 'http' && s.scheme === 'basic') return `Basic realm=${realm}, charset="UTF-8"`;
  if (isBearer(s)) return invalidToken ? `Bearer realm=${realm}, error="invalid_token"` : `Bearer realm=${realm}`;
  const name = s.scheme ?? 'unknown';
  return `${name[0]!.toUpperCase()}${name.slice(1)} realm=${realm}`;
}

/** WWW-Authenticate of a 401: one challenge per scheme the requirements name, in spec order. */
function authChallenges(
  security: readonly SecurityRequirement[],
  schemes: ReadonlyMap<string, SchemeKind>,
  realmName: string,
  invalidToken: boolean,
): string {
  const realm = quoteHttp(realmName);
  return [
    ...new Set(
      security
        .flatMap((r) => r.schemes.map((x) => challenge(schemes.get(x.scheme), realm, invalidToken)))
        .filter((c): c is string => c !== undefined),
    ),
  ].join(', ');
}

/** WWW-Authenticate of a 403 for one requirement: `insufficient_scope` with its scopes when it takes a bearer token (RFC 6750), else none. */
function forbiddenChallenge(
  requirement: SecurityRequirement,
  schemes: ReadonlyMap<string, SchemeKind>,
  realmName: string,
): string {
  const scopes = [...new Set(requirement.schemes.flatMap((x) => x.scopes))];
  const bearer = requirement.schemes.some((x) => {
    const s = schemes.get(x.scheme);
    return s !== undefined && isBearer(s);
  });
  return bearer
    ? `Bearer realm=${quoteHttp(realmName)}, error="insufficient_scope", scope=${quoteHttp(scopes.join(' '))}`
    : '';
}

export interface AuthAnswerText {
  detail: string;
  challenge: string;
}

/**
 * A route's 401 and 403 answers: the detail says what the operation accepts ("an API key in the
 * X-Api-Key header, or HTTP basic credentials"); `forbidden` has one answer per requirement.
 */
export function authAnswerTexts(
  security: readonly SecurityRequirement[],
  schemes: ReadonlyMap<string, SchemeKind>,
  realmName: string,
): {
  missing: AuthAnswerText;
  invalid: AuthAnswerText;
  invalidToken: AuthAnswerText;
  forbidden: AuthAnswerText[];
} {
  const accepts = security
    .map((r) => r.schemes.map((x) => describeNeed(schemes.get(x.scheme), x.scopes)).join(' and '))
    .join(', or ');
  return {
    missing: {
      detail: `this operation needs ${accepts}`,
      challenge: authChallenges(security, schemes, realmName, false),
    },
    invalid: {
      detail: `the credentials sent are not valid; this operation needs ${accepts}`,
      challenge: authChallenges(security, schemes, realmName, false),
    },
    invalidToken: {
      detail: `the bearer token is not valid (signature, issuer, audience or lifetime); this operation needs ${accepts}`,
      challenge: authChallenges(security, schemes, realmName, true),
    },
    forbidden: security.map((r) => {
      const scopes = [...new Set(r.schemes.flatMap((x) => x.scopes))];
      return {
        detail: `the credentials are valid but lack the scope${scopes.length > 1 ? 's' : ''} this operation needs: ${scopes.join(' ')}`,
        challenge: forbiddenChallenge(r, schemes, realmName),
      };
    }),
  };
}
