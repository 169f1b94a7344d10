import type { AuthAnswer, AuthAnswers, CredentialCarrier, SecurityScheme } from '../../model/types.js';

/*
 * What gw-auth.js reads from conf.d/gw-auth-config.js (templates/nginx/gw-auth.js): the schemes,
 * each with where its credential is read and how it is checked, and the policies, each a route's
 * requirements with the answers the model settled (`Route.effective.authAnswers`). auth-view.ts
 * picks which; this module writes them.
 */

/** Where a credential is read: the scheme's `carrier` in the model. */
export type CredentialSlot = CredentialCarrier;

/** A scheme as gw-auth.js reads it. */
export interface SchemeJs {
  id: string;
  kind: 'keys' | 'basic' | 'jwt' | 'none';
  /** The model's `carrier`; null when the scheme reads no request part (mutualTLS): never presented. */
  slot: CredentialSlot | null;
  /** The model's `bearer`: an invalid credential of this scheme is answered `invalidToken`. */
  bearer: boolean;
  /** kind basic: the htpasswd file or variable gw-auth.js reads. */
  source?: { env: string } | { file: string };
  /** kind keys: the variables gw-auth.js sets to the key's digest and reads the consumer from (key-maps.ts). */
  keyMap?: KeyMapVariables;
  jwt?: {
    issuer: string | null;
    audiences: string[];
    algorithms: string[];
    jwks: string | null;
    secret: { env: string } | { file: string } | null;
    clockSkewMs: number;
  };
}

/** The js_var a key's digest goes into, and the map variable that gives its consumer ("" when unknown). */
export interface KeyMapVariables {
  hash: string;
  consumer: string;
}

/** A scheme's key map file (key-maps.ts writes it), relative to nginx's prefix (the nginx/ output folder). */
export function keyMapFile(schemeId: string): string {
  return `keys/${schemeId.replace(/[^A-Za-z0-9._-]/g, '_')}.map`;
}

/** One of the model's `AuthAnswer`s: the detail JSON-escaped, the WWW-Authenticate value ('' for none). */
export interface Answer {
  detail: string;
  challenge: string;
}

/** A policy as gw-auth.js reads it. */
export interface PolicyJs {
  requirements: { scheme: number; scopes: string[] }[][];
  slots: CredentialSlot[];
  dropQuery: string[];
  dropCookies: string[];
  missing: Answer;
  invalid: Answer;
  /** null: no scheme of the route takes a bearer token, so it cannot be needed. */
  invalidToken: Answer | null;
  /** Per requirement; null for one without scopes (it is never refused with 403). */
  forbidden: (Answer | null)[];
}

/**
 * Details go into a JSON body by nginx variable expansion: escaped for JSON here, and `$` kept
 * literal by gw-auth.js setting them.
 */
function jsonText(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** The route's 401 and 403 answers as the model settled them (merge/route-auth-answers.ts). */
export function answers(settled: AuthAnswers): Pick<PolicyJs, 'missing' | 'invalid' | 'invalidToken' | 'forbidden'> {
  const a = (x: AuthAnswer): Answer => ({ detail: jsonText(x.detail), challenge: x.wwwAuthenticate ?? '' });
  return {
    missing: a(settled.missing),
    invalid: a(settled.invalid),
    invalidToken: settled.invalidToken && a(settled.invalidToken),
    forbidden: settled.forbidden.map((x) => x && a(x)),
  };
}

/** A scheme as gw-auth.js checks it; `none` (refused) when nginx cannot check it or it has no credentials. */
export function schemeJs(s: SecurityScheme | undefined, id: string, index: number): SchemeJs {
  const base = { id, slot: s?.carrier ?? null, bearer: s?.bearer === true };
  const c = s?.credentials;
  if (!s || !c) return { ...base, kind: 'none' };
  if (c.kind === 'keys' && s.type === 'apiKey')
    return { ...base, kind: 'keys', keyMap: { hash: `gw_key_hash_${index}`, consumer: `gw_key_consumer_${index}` } };
  if (c.kind === 'htpasswd' && s.type === 'http' && s.scheme === 'basic')
    return { ...base, kind: 'basic', source: c.source };
  if (c.kind !== 'jwt' || !s.bearer) return { ...base, kind: 'none' };
  const { issuer, audiences, algorithms, secret, clockSkewMs } = c;
  const jwks = c.jwks && 'file' in c.jwks ? c.jwks.file : null;
  return { ...base, kind: 'jwt', jwt: { issuer, audiences, algorithms, jwks, secret, clockSkewMs } };
}

/** A JS-safe JSON text: no U+2028/9 line ends (which njs 0.7 reads as line ends inside strings). */
export function jsJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}
