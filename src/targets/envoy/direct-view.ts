import type { Code } from '../../diagnostics/codes.js';
import type { MockResponse } from '../../model/types.js';
import { problemBody, type Problems } from './local-replies.js';

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
function problemDirect(problems: Problems, code: Code, detail: string): DirectView {
  return {
    status: problems.get(code)!.status,
    body: problemBody(problems, code, detail),
    headers: [
      { name: 'content-type', value: 'application/problem+json' },
      { name: 'cache-control', value: 'no-store' },
    ],
  };
}

/** The answer of a preflight route: only origins the cors filter does not answer itself get here. */
export function corsRejectedDirect(problems: Problems): DirectView {
  return problemDirect(problems, 'GW_HTTP_CORS_REJECTED', 'this origin may not call this route');
}

/** A WebSocket handshake no route takes (400), or from an origin its route does not allow (403). */
export function handshakeRefusedDirect(problems: Problems, origin: boolean): DirectView {
  return origin
    ? problemDirect(problems, 'GW_HTTP_CORS_REJECTED', 'the origin may not open a WebSocket here')
    : problemDirect(
        problems,
        'GW_HTTP_NOT_WEBSOCKET',
        'this route takes no WebSocket handshakes; set websocket: true in the x-gw of its operation ' +
          '(or path, service, gateway), or in gw.yaml',
      );
}

/** Every requirement needs something nothing checks: refused, as gw serve refuses it. */
export function deniedDirect(problems: Problems, challenge: string): DirectView {
  const direct = problemDirect(
    problems,
    'GW_HTTP_UNAUTHORIZED',
    "no credentials this gateway checks can meet this operation's security",
  );
  if (challenge !== '') direct.headers.push({ name: 'www-authenticate', value: challenge });
  return direct;
}

/** A request path in a form every plane refuses (the model's `edge.paths`), as gw serve words it. */
export function badPathDirect(problems: Problems): DirectView {
  return problemDirect(problems, 'GW_HTTP_BAD_REQUEST', 'the request path is not a valid absolute path');
}

/** A path's 405 (its problem+json body comes from the local reply mappers). */
export function methodNotAllowedDirect(allow: readonly string[]): DirectView {
  return { status: 405, body: null, headers: [{ name: 'allow', value: allow.join(', ') }] };
}

/** A composite route (docs/composition.md): Envoy does not run its steps yet. */
export function composeUnsupportedDirect(problems: Problems): DirectView {
  const detail = 'this route is a composite operation, which Envoy does not run; gw serve and the Node gateway do';
  return problemDirect(problems, 'GW_HTTP_COMPOSE_UNSUPPORTED', detail);
}

export function mockDirect(problems: Problems, m: MockResponse | undefined): DirectView {
  if (!m) return problemDirect(problems, 'GW_HTTP_BAD_REQUEST', 'this operation documents no response');
  const headers = [{ name: 'x-gw-mock', value: 'true' }];
  if (m.contentType !== null) headers.unshift({ name: 'content-type', value: m.contentType });
  // The model's body as it is; none for an empty one.
  return { status: m.status, body: m.body === '' ? null : m.body, headers };
}
