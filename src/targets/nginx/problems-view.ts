import type { Code } from '../../diagnostics/codes.js';
import type { ProblemType } from '../../model/types.js';
import { nginxTemplateString } from './escape.js';

/** A named location answering one of gw's own problems (application/problem+json), reached by `error_page`. */
export interface ProblemView {
  status: number;
  name: string;
  body: string;
  /** Mapped with `error_page <status>` at server level (the CORS refusal comes from its preflight `if` instead). */
  intercept: boolean;
  /** The status nginx raises for it when that is not `status` (494 for headers too large): `error_page 494 =431`. */
  raisedAs: number | null;
  /** Extra response headers (Allow, WWW-Authenticate, Retry-After, ...). */
  headers: { name: string; value: string }[];
  /** A named location (`@gw_problem_404`); else an internal URI, for what nginx may raise before it has a URI. */
  named: boolean;
}

/** Which policies are in use: each adds the problems it answers with. */
export interface ProblemsNeeded {
  /** gw-auth.js answers 401 and 403. */
  auth: boolean;
  /** limit_req answers 429. */
  rateLimits: boolean;
  /** Preflights from other origins are answered 403 GW_HTTP_CORS_REJECTED. */
  cors: boolean;
  /** Composite routes are answered 501 GW_HTTP_COMPOSE_UNSUPPORTED (docs/composition.md, "Data planes"). */
  compose: boolean;
}

const REQUEST_ID = '$gw_request_id';

/** nginx's own status for a request whose line or header is larger than its buffers (the client sees 400). */
const NGINX_STATUS: Readonly<Record<string, number>> = { GW_HTTP_HEADERS_TOO_LARGE: 494 };

/**
 * gw's problem answers as nginx gives them (docs/targets/nginx.md): the model's `problems`
 * catalogue (type, title, status of each `GW_HTTP_*` code), the detail worded with nginx
 * variables where it names the service, the method or the policy's numbers.
 */
export function buildProblemsView(catalogue: readonly ProblemType[], needed: ProblemsNeeded): ProblemView[] {
  const list: [Code, string, ProblemView['headers']][] = [
    ['GW_HTTP_BAD_REQUEST', 'the request is malformed', []],
    ['GW_HTTP_NOT_FOUND', 'no route matches this path', []],
    ['GW_HTTP_METHOD_NOT_ALLOWED', '$request_method is not allowed here', [{ name: 'Allow', value: '$gw_allow' }]],
    ['GW_HTTP_REQUEST_TIMEOUT', 'the request was not received in time', []],
    ['GW_HTTP_PAYLOAD_TOO_LARGE', 'the request body is larger than this route allows', []],
    ['GW_HTTP_HEADERS_TOO_LARGE', 'the request headers are too large', []],
    ['GW_HTTP_URI_TOO_LONG', 'the request line is too long', []],
    ['GW_HTTP_INTERNAL_ERROR', 'the gateway failed while handling the request', []],
    ['GW_HTTP_UPSTREAM_FAILED', 'service \\"$gw_service\\" could not be reached', []],
    ['GW_HTTP_NO_HEALTHY_UPSTREAM', 'no healthy target for service \\"$gw_service\\"', []],
    ['GW_HTTP_UPSTREAM_TIMEOUT', 'service \\"$gw_service\\" did not answer in time', []],
    // nginx's own 501: a Transfer-Encoding other than chunked, as gw serve refuses it (check-head.ts).
    ['GW_HTTP_TRANSFER_ENCODING', 'the request body uses a transfer coding other than chunked', []],
  ];
  // gw-auth.js sets $gw_auth_detail (JSON-escaped) and $gw_challenge; an empty challenge sends no header.
  if (needed.auth) {
    list.push(['GW_HTTP_UNAUTHORIZED', '$gw_auth_detail', [{ name: 'WWW-Authenticate', value: '$gw_challenge' }]]);
    list.push(['GW_HTTP_FORBIDDEN', '$gw_auth_detail', [{ name: 'WWW-Authenticate', value: '$gw_challenge' }]]);
  }
  if (needed.rateLimits) {
    list.push([
      'GW_HTTP_TOO_MANY_REQUESTS',
      'the limit of $gw_limit requests per window is used up; retry in $gw_limit_retry s',
      [
        { name: 'Retry-After', value: '$gw_limit_retry' },
        { name: 'RateLimit-Limit', value: '$gw_limit' },
        { name: 'RateLimit-Remaining', value: '0' },
        { name: 'RateLimit-Reset', value: '$gw_limit_retry' },
      ],
    ]);
  }
  if (needed.cors) list.push(['GW_HTTP_CORS_REJECTED', 'the origin may not call this route', []]);
  if (needed.compose) {
    const detail = 'this route is a composite operation, which nginx does not run; gw serve and the Node gateway do';
    list.push(['GW_HTTP_COMPOSE_UNSUPPORTED', detail, []]);
  }
  const byCode = new Map(catalogue.map((p) => [p.code, p]));
  return list.map(([code, detail, headers]) => problemView(byCode.get(code)!, detail, headers)).sort(byStatusThenName);
}

/**
 * Statuses nginx may raise while it reads the request head, before it has a URI: error_page can send those to an
 * internal URI only (a named location refuses a request without one). It also turns the method into GET there.
 */
const RAISED_BEFORE_URI: ReadonlySet<string> = new Set<Code>([
  'GW_HTTP_BAD_REQUEST',
  'GW_HTTP_REQUEST_TIMEOUT',
  'GW_HTTP_URI_TOO_LONG',
  'GW_HTTP_HEADERS_TOO_LARGE',
  'GW_HTTP_INTERNAL_ERROR',
]);

/**
 * Where error_page sends gw's own answers: named locations, so that the request keeps the method the client sent
 * ($request_method, which the 405 names) and the server-level checks do not run again; the statuses nginx raises
 * before it has a URI go to internal URIs.
 */
const ERROR_LOCATION = { named: '@gw_problem_', uri: '/__gw_error/' };
// nginx finds a named location by a scan in name order, comparing same-length names: "@gw_problem_" sorts after
// "@gw_forward_N", which nearly every request jumps to, and has another length.

const OWN_NAMES: Readonly<Record<string, string>> = {
  GW_HTTP_CORS_REJECTED: 'cors',
  GW_HTTP_COMPOSE_UNSUPPORTED: 'compose',
};

/** Where a composite route's location sends its request (`error_page 418 = ...`). */
export const COMPOSE_UNSUPPORTED_LOCATION = `${ERROR_LOCATION.named}compose`;

export function problemView(problem: ProblemType, detail: string, headers: ProblemView['headers']): ProblemView {
  const { code, status, type, title } = problem;
  const json =
    `{"type":${JSON.stringify(type)},"title":${JSON.stringify(title)},` +
    `"status":${status},"detail":"${detail}","code":"${code}","requestId":"${REQUEST_ID}"}`;
  // Answers a location jumps to itself, not by their status (which another problem may share: 403, 501).
  const own = OWN_NAMES[code];
  const named = !RAISED_BEFORE_URI.has(code);
  return {
    status,
    name: `${named ? ERROR_LOCATION.named : ERROR_LOCATION.uri}${own ?? status}`,
    named,
    body: nginxTemplateString(json),
    intercept: own === undefined,
    raisedAs: NGINX_STATUS[code] ?? null,
    headers,
  };
}

function byStatusThenName(a: ProblemView, b: ProblemView): number {
  return a.status - b.status || (a.name < b.name ? -1 : 1);
}
