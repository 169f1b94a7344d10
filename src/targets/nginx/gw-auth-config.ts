import { authAnswerTexts, isBearer } from '../../model/auth-answers.js';
import type { Route, SecurityScheme } from '../../model/types.js';

/*
 * What gw-auth.js reads from conf.d/gw-auth-config.js (templates/nginx/gw-auth.js): the schemes,
 * each with where its credential is read and how it is checked, and the policies, each a route's
 * requirements with the answers gw serve gives. auth-view.ts decides which; this module writes them.
 */

export interface CredentialSlot {
  in: 'header' | 'query' | 'cookie';
  name: string;
}

/** A scheme as gw-auth.js reads it. */
export interface SchemeJs {
  id: string;
  kind: 'keys' | 'basic' | 'jwt' | 'none';
  slot: CredentialSlot;
  bearer: boolean;
  source?: { env: string } | { file: string };
  jwt?: {
    issuer: string | null;
    audiences: string[];
    algorithms: string[];
    jwks: string | null;
    secret: { env: string } | { file: string } | null;
    clockSkewMs: number;
  };
}

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
  invalidToken: Answer;
  forbidden: Answer[];
}

/**
 * Details go into a JSON body by nginx variable expansion: escaped for JSON here, and `$` kept
 * literal by gw-auth.js setting them.
 */
function jsonText(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** The route's 401 and 403 answers (detail and challenge), worded as gw serve words them (model/auth-answers.ts). */
export function answers(
  route: Route,
  schemes: ReadonlyMap<string, SecurityScheme>,
  realmName: string,
): Pick<PolicyJs, 'missing' | 'invalid' | 'invalidToken' | 'forbidden'> {
  const t = authAnswerTexts(route.security, schemes, realmName);
  const a = (x: { detail: string; challenge: string }): Answer => ({
    detail: jsonText(x.detail),
    challenge: x.challenge,
  });
  return {
    missing: a(t.missing),
    invalid: a(t.invalid),
    invalidToken: a(t.invalidToken),
    forbidden: t.forbidden.map(a),
  };
}

function slotOf(s: SecurityScheme | undefined): CredentialSlot {
  if (s?.type === 'apiKey' && s.paramName) return { in: s.in ?? 'header', name: s.paramName };
  return { in: 'header', name: 'authorization' };
}

/** A scheme as gw-auth.js checks it; `none` (refused) when nginx cannot check it or it has no credentials. */
export function schemeJs(s: SecurityScheme | undefined, id: string): SchemeJs {
  const base = { id, slot: slotOf(s), bearer: s !== undefined && isBearer(s) };
  const c = s?.credentials;
  if (!s || !c) return { ...base, kind: 'none' };
  if (c.kind === 'keys' && s.type === 'apiKey') return { ...base, kind: 'keys', source: c.source };
  if (c.kind === 'htpasswd' && s.type === 'http' && s.scheme === 'basic')
    return { ...base, kind: 'basic', source: c.source };
  if (c.kind !== 'jwt' || !isBearer(s)) return { ...base, kind: 'none' };
  const { issuer, audiences, algorithms, secret, clockSkewMs } = c;
  const jwks = c.jwks && 'file' in c.jwks ? c.jwks.file : null;
  return { ...base, kind: 'jwt', jwt: { issuer, audiences, algorithms, jwks, secret, clockSkewMs } };
}

/** A JS-safe JSON text: no U+2028/9 line ends (which njs 0.7 reads as line ends inside strings). */
export function jsJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}
