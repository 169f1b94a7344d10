import type { Code } from '../../diagnostics/codes.js';
import type { Gateway, ProblemType } from '../../model/types.js';

/**
 * gw's problem+json answers in the Envoy target (docs/errors.md, "Answers to clients"): the
 * `local_reply_config` mappers that rewrite Envoy's own answers (no route, upstream failures, the
 * policies' refusals), printed by templates/envoy/_reply.hbs, and the problem bodies of the
 * answers a route gives itself (direct-view.ts).
 */
export interface LocalReplyView {
  comment: string;
  /** Matched by response flags (Envoy's reason), or else by status. */
  flags: string[] | null;
  matchStatus: number | null;
  /** With matchStatus: only when the request has this header too. */
  requestHeader: string | null;
  status: number;
  code: Code;
  type: string;
  title: string;
  detail: string;
}

/** The model's problem catalogue (`gateway.problems`) by code: the type, title and status every body prints. */
export type Problems = ReadonlyMap<string, ProblemType>;

export function problemsOf(gateway: Gateway): Problems {
  return new Map(gateway.problems.map((p) => [p.code, p]));
}

/** A problem+json body as gw serve sends it, without the request id Envoy cannot add. */
export function problemBody(problems: Problems, code: Code, detail: string): string {
  const { type, title, status } = problems.get(code)!;
  return JSON.stringify({ type, title, status, detail, code });
}

/** The local reply mappers, first match wins; those of the policies only when some route has them. */
export function localReplies(
  problems: Problems,
  auth: boolean,
  cors: boolean,
  rateLimit: boolean,
  hosts = false,
  handshakeOrigins = false,
): LocalReplyView[] {
  return [
    ...upstreamReplies(),
    ...(rateLimit ? rateLimitReplies() : []),
    ...statusReplies(),
    ...(hosts ? [unknownHostReply()] : []),
    ...(cors ? corsReplies() : []),
    ...(handshakeOrigins ? [handshakeOriginReply()] : []),
    ...(auth ? authReplies() : []),
  ].map((r) => {
    const { status, type, title } = problems.get(r.code)!;
    return { ...r, status, type, title };
  });
}

/** A mapper before the catalogue gives it its status, type and title. */
type Reply = Omit<LocalReplyView, 'status' | 'type' | 'title'>;

function reply(
  comment: string,
  flags: string[] | null,
  matchStatus: number | null,
  code: Code,
  detail: string,
  requestHeader: string | null = null,
): Reply {
  return { comment, flags, matchStatus, requestHeader, code, detail };
}

/** No route, and what Envoy's router reports about the upstream (by response flag). */
function upstreamReplies(): Reply[] {
  return [
    reply('no route matched (Envoy: NR)', ['NR'], null, 'GW_HTTP_NOT_FOUND', 'no route matches this path'),
    reply('no healthy target (UH)', ['UH'], null, 'GW_HTTP_NO_HEALTHY_UPSTREAM', 'no healthy target for this service'),
    reply(
      "the cluster's circuit breakers are open: connections in use and requests waiting (UO)",
      ['UO'],
      null,
      'GW_HTTP_UPSTREAM_BUSY',
      'too many requests are waiting for this service; try again shortly',
    ),
    reply(
      'the upstream did not answer in time (UT)',
      ['UT'],
      null,
      'GW_HTTP_UPSTREAM_TIMEOUT',
      'the service did not answer in time',
    ),
    reply(
      'connection refused, reset or failed; retries used up (UF, URX, UC, UR, UPE)',
      ['UF', 'URX', 'UC', 'UR', 'UPE'],
      null,
      'GW_HTTP_UPSTREAM_FAILED',
      'the service could not be reached',
    ),
  ];
}

function rateLimitReplies(): Reply[] {
  return [
    reply(
      'a rate limit is used up (RL): local_ratelimit or the rate limit service',
      ['RL'],
      null,
      'GW_HTTP_TOO_MANY_REQUESTS',
      'the rate limit of this route is used up; X-RateLimit-Reset says when to come back',
    ),
    reply(
      'the rate limit service could not answer and failMode is closed (RLSE)',
      ['RLSE'],
      null,
      'GW_HTTP_RATE_LIMIT_UNAVAILABLE',
      'the rate limit cannot be checked right now',
    ),
  ];
}

/** The 405 routes' answers and the buffer filter's 413 (matched by status). */
function statusReplies(): Reply[] {
  return [
    reply('the 405 routes above', null, 405, 'GW_HTTP_METHOD_NOT_ALLOWED', '%REQ(:METHOD)% is not allowed here'),
    reply(
      'the buffer filter refused a body over the route limit',
      null,
      413,
      'GW_HTTP_PAYLOAD_TOO_LARGE',
      'the request body is larger than this route allows',
    ),
  ];
}

/** The catch-all virtual host's answer when edge.serverNames lists names. */
function unknownHostReply(): Reply {
  const detail = 'this gateway does not answer for this host';
  return reply(
    'a host not in edge.serverNames (the catch-all virtual host)',
    null,
    421,
    'GW_HTTP_UNKNOWN_HOST',
    detail,
  );
}

function corsReplies(): Reply[] {
  return [
    reply(
      'a preflight from an origin the route does not allow (its preflight route)',
      null,
      403,
      'GW_HTTP_CORS_REJECTED',
      'the origin %REQ(ORIGIN)% may not call this route',
      'access-control-request-method',
    ),
  ];
}

/** The 403 of a WebSocket route's origin check (route-view.ts), kept before the auth mappers rewrite a 403. */
function handshakeOriginReply(): Reply {
  return reply(
    'a WebSocket handshake from an origin its route does not allow (its handshake route)',
    null,
    403,
    'GW_HTTP_CORS_REJECTED',
    'the origin %REQ(ORIGIN)% may not open a WebSocket here',
    'sec-websocket-key',
  );
}

function authReplies(): Reply[] {
  return [
    reply(
      'no valid credentials: jwt_authn, basic_auth, gw-auth, or a route nothing can pass',
      null,
      401,
      'GW_HTTP_UNAUTHORIZED',
      'this operation needs valid credentials; WWW-Authenticate says which',
    ),
    reply(
      'valid credentials without the scopes the route needs: RBAC or gw-auth',
      null,
      403,
      'GW_HTTP_FORBIDDEN',
      'the credentials are valid but lack a scope this operation needs',
    ),
  ];
}

/** Statuses every answer of which the mappers rewrite (a mock answering one of them is changed). */
export function mappedStatuses(replies: readonly LocalReplyView[]): ReadonlySet<number> {
  return new Set(replies.flatMap((m) => (m.matchStatus !== null && m.requestHeader === null ? [m.matchStatus] : [])));
}
