import type { Code } from '../../diagnostics/codes.js';
import type { MockResponse } from '../../model/types.js';
import { problemBody } from './local-replies.js';

/**
 * The answers a route gives itself, without an upstream (`direct_response`): a mock's first
 * documented response, and the refusals gw decides when it builds the route table (a CORS
 * preflight from another origin, a route no credentials can pass, a method the path lacks).
 */
export interface DirectView {
  status: number;
  body: string | null;
  headers: { name: string; value: string }[];
}

/** A problem+json answer, never cached. */
function problemDirect(code: Code, status: number, detail: string): DirectView {
  return {
    status,
    body: problemBody(code, status, detail),
    headers: [
      { name: 'content-type', value: 'application/problem+json' },
      { name: 'cache-control', value: 'no-store' },
    ],
  };
}

/** The answer of a preflight route: only origins the cors filter does not answer itself get here. */
export function corsRejectedDirect(): DirectView {
  return problemDirect('GW_HTTP_CORS_REJECTED', 403, 'this origin may not call this route');
}

/** Every requirement needs something nothing checks: refused, as gw serve refuses it. */
export function deniedDirect(challenge: string): DirectView {
  const direct = problemDirect(
    'GW_HTTP_UNAUTHORIZED',
    401,
    "no credentials this gateway checks can meet this operation's security",
  );
  if (challenge !== '') direct.headers.push({ name: 'www-authenticate', value: challenge });
  return direct;
}

/** A path's 405 (its problem+json body comes from the local reply mappers). */
export function methodNotAllowedDirect(allow: readonly string[]): DirectView {
  return { status: 405, body: null, headers: [{ name: 'allow', value: allow.join(', ') }] };
}

export function mockDirect(m: MockResponse | undefined): DirectView {
  if (!m) return problemDirect('GW_HTTP_BAD_REQUEST', 400, 'this operation documents no response');
  const headers = [{ name: 'x-gw-mock', value: 'true' }];
  if (m.contentType !== null) headers.unshift({ name: 'content-type', value: m.contentType });
  return { status: m.status, body: mockBody(m), headers };
}

/** The body gw serve sends for a mock (same serialisation as runtime/compile.ts). */
export function mockBody(m: MockResponse): string | null {
  if (m.contentType === null) return null;
  if (typeof m.body === 'string' && !/json/i.test(m.contentType)) return m.body;
  return `${JSON.stringify(m.body ?? null, null, 2)}\n`;
}
