/**
 * The model's decisions: what merge settles from more than one setting, route or scheme
 * (src/merge/decide-gateway.ts), so every data plane prints one answer instead of working it out
 * again (ARCHITECTURE.md, "Decisions are data"). types.ts re-exports them; consumers import that.
 */

/**
 * One kind of answer the gateway gives itself as application/problem+json (RFC 9457). Every data
 * plane prints these fields as they are into the body (`type`, `title`, `status`, `code`) and
 * adds its own `detail` (and `requestId` where it can).
 */
export interface ProblemType {
  /** The stable code, `GW_HTTP_*` (docs/errors.md). */
  code: string;
  status: number;
  /** The problem type URI: the code's section of the published errors page. */
  type: string;
  title: string;
}

/**
 * A route's behaviour where it follows from more than one setting: decided once in merge
 * (src/merge/decide-gateway.ts), so gw serve, the Node gateway and every target do the same.
 */
export interface RouteEffective {
  /**
   * The request methods this route answers: its own, and HEAD for a GET route when no route on the
   * same path (the same `match.regex`) has HEAD of its own. A 405's `Allow` lists the `methods` of
   * every route whose path matches the request; every data plane answers so.
   */
  methods: string[];
  /**
   * Further attempts on another target after a connection failure: `settings.retries` for an
   * idempotent method (GET, HEAD, OPTIONS, PUT, DELETE, TRACE), else 0.
   */
  retries: number;
  /**
   * Access-Control-Allow-Methods: `settings.cors.methods`, or when that is null the methods of the
   * routes on the same path template that have CORS (HEAD with GET), sorted; null without CORS.
   */
  corsMethods: string[] | null;
  /**
   * What the gateway answers when the credentials do not pass; null when it checks none (no
   * security, only empty requirements, or `auth.enforce: false`).
   */
  authAnswers: AuthAnswers | null;
  /** Removed from the request before it goes upstream. */
  remove: RequestRemovals;
  /** Query parameters the access log shows without their value: those of the route's apiKey schemes, checked or not. */
  redactQuery: string[];
  /**
   * WebSocket handshakes (`Upgrade: websocket`) the route accepts and tunnels: `settings.websocket` on a GET route,
   * else null (a handshake is refused, 400 naming the key). Every data plane reads this field only.
   */
  websocket: WebSocketRoute | null;
}

/** Parts of a request the gateway removes before forwarding it. */
export interface RequestRemovals {
  /**
   * Lower-case header names: the consumer header (a value the client sent is never trusted, on
   * every route) and, when auth is enforced and `forwardCredentials` is false, the headers that
   * carry the route's credentials (in the order of its security).
   */
  headers: string[];
  /** Query parameters that carry the route's credentials (same rule). */
  query: string[];
  /** Cookies that carry the route's credentials (same rule). */
  cookies: string[];
}

/**
 * A route's refusals (docs/auth.md, "Answers"). The detail says what the operation accepts; the
 * realm of every challenge is the gateway's name.
 */
export interface AuthAnswers {
  /** 401: the request carries no credential any scheme of the route reads. */
  missing: AuthAnswer;
  /** 401: credentials were sent and none is valid (other than a bearer token, below). */
  invalid: AuthAnswer;
  /** 401: a bearer token was sent and is not valid (RFC 6750 `invalid_token`); null when no scheme takes one. */
  invalidToken: AuthAnswer | null;
  /**
   * 403, one per requirement of `route.security` in the same order: its credentials are valid but
   * lack a scope it lists. null for a requirement that lists no scope (it cannot fail that way).
   */
  forbidden: (AuthAnswer | null)[];
}

export interface AuthAnswer {
  status: 401 | 403;
  code: 'GW_HTTP_UNAUTHORIZED' | 'GW_HTTP_FORBIDDEN';
  detail: string;
  /**
   * The WWW-Authenticate value: on a 401 one challenge per scheme of the route in spec order,
   * joined with `, ` (RFC 9110 11.6.1); on a 403 Bearer `insufficient_scope` with the scopes.
   * null: no header (no scheme has a challenge).
   */
  wwwAuthenticate: string | null;
}

export interface CredentialCarrier {
  in: 'header' | 'query' | 'cookie';
  /** The header, query parameter or cookie name, spelled as the spec does. */
  name: string;
}

/** How a route takes WebSocket handshakes: the tunnel's limits, and the origins a handshake may come from. */
export interface WebSocketRoute extends WebSocketSettings {
  /**
   * The route's `cors.origins` (browsers apply no CORS to WebSockets, so the gateway checks the handshake's Origin
   * itself: 403 for another); null: any origin (no cors, or origins ["*"]). A handshake without Origin (not from a
   * browser) is not checked.
   */
  origins: string[] | null;
}

/** A WebSocket tunnel's limits (gw.yaml / x-gw `websocket`). */
export interface WebSocketSettings {
  /** No frame either way for this long closes the tunnel. */
  idleTimeoutMs: number;
  /** The tunnel is closed this long after it opened, busy or not; null: no limit. */
  maxLifetimeMs: number | null;
}
