import type { Severity } from './diagnostic.js';

export interface CodeInfo {
  severity: Severity;
  /** What the code means, in one line; docs/errors.md explains each code at length. */
  title: string;
  /** For codes the gateway answers clients with (application/problem+json): the HTTP status. */
  status?: number;
  /** A warning that changes what clients get: gw serve prints it when it starts, not only gw validate. */
  atServe?: true;
}

/**
 * The one catalogue of GW_* codes. Codes are never reused or renamed; a retired code stays here
 * marked as such. test/guards/docs.test.ts keeps docs/errors.md in sync with it.
 */
export const CODES = {
  GW_USAGE: { severity: 'error', title: 'A command was called with flags or arguments that do not fit together.' },
  GW_INTERNAL: { severity: 'error', title: 'gw hit a bug: something failed that gw did not expect.' },

  GW_CONFIG_NOT_FOUND: { severity: 'error', title: 'There is no gw.yaml where the command looked.' },
  GW_CONFIG_EXISTS: { severity: 'error', title: '`gw init` would overwrite an existing gw.yaml.' },
  GW_CONFIG_SYNTAX: { severity: 'error', title: 'gw.yaml is not well-formed YAML.' },
  GW_CONFIG_INVALID: {
    severity: 'error',
    title: 'gw.yaml does not match its schema (wrong type, unknown key, bad value).',
  },
  GW_CONFIG_ACKNOWLEDGE_UNUSED: {
    severity: 'warning',
    title: 'A gw.yaml `acknowledge` rule accepts no warning any more.',
  },
  GW_CONFIG_WRITE: { severity: 'error', title: 'gw.yaml could not be written.' },

  GW_SPEC_NOT_FOUND: { severity: 'error', title: 'A spec file does not exist or cannot be read.' },
  GW_SPEC_FETCH: { severity: 'error', title: 'A spec URL could not be fetched.' },
  GW_SPEC_SYNTAX: { severity: 'error', title: 'A spec file is not well-formed YAML or JSON.' },
  GW_SPEC_VERSION: { severity: 'error', title: 'A document is not OpenAPI 2.0, 3.0 or 3.1.' },
  GW_SPEC_INVALID: { severity: 'error', title: 'A spec breaks the OpenAPI schema or its rules.' },
  GW_SPEC_REF_UNRESOLVED: { severity: 'error', title: 'A $ref points at a file or pointer that does not exist.' },
  GW_SPEC_NO_OPERATIONS: {
    severity: 'warning',
    title: 'A spec defines no operations, so its service adds no routes.',
    atServe: true,
  },

  GW_SERVER_VARIABLE: { severity: 'error', title: 'A server variable has no value, or a value outside its enum.' },
  GW_SERVER_URL: { severity: 'error', title: 'A server or upstream URL cannot be used as an upstream target.' },
  GW_SERVER_BASEPATH_DIFFERS: {
    severity: 'warning',
    title: 'Servers of one service disagree on the base path; only those matching the first are used.',
  },

  GW_SECURITY_UNKNOWN_SCHEME: {
    severity: 'error',
    title: 'A security requirement names a scheme the spec does not define.',
  },

  GW_XGW_UNKNOWN_KEY: {
    severity: 'error',
    title: 'An x-gw object in a spec has a key gw does not know (gw.yaml typos are GW_CONFIG_INVALID).',
  },
  GW_XGW_INVALID: { severity: 'error', title: 'An x-gw value has the wrong type or format.' },
  GW_XGW_LEVEL: {
    severity: 'error',
    title: 'An x-gw key that applies to a whole service is set on a path or operation.',
  },

  GW_CREDENTIALS_UNKNOWN_SCHEME: {
    severity: 'error',
    title: 'gw.yaml `credentials` names a security scheme no service has.',
  },
  GW_CREDENTIALS_KIND: {
    severity: 'error',
    title: 'gw.yaml `credentials` for a scheme are of the wrong kind, or incomplete.',
  },
  GW_AUTH_NO_CREDENTIALS: {
    severity: 'warning',
    atServe: true,
    title: 'Routes require a security scheme that nothing checks, so their requests are refused.',
  },
  GW_AUTH_SECRET: {
    severity: 'error',
    title:
      'A secret that `credentials` point at (keys, htpasswd, JWT secret or JWKS file, environment variable) ' +
      'cannot be read or used.',
  },

  GW_OVERRIDE_UNKNOWN_OPERATION: {
    severity: 'error',
    title: 'gw.yaml overrides an operationId the spec does not have.',
  },

  GW_SERVICE_DUPLICATE: { severity: 'error', title: 'Two services in gw.yaml have the same name.' },
  GW_SERVICE_NAME: {
    severity: 'error',
    title: "No service name can be derived from a spec's title; --name is needed.",
  },
  GW_SERVICE_NO_UPSTREAM: { severity: 'error', title: 'A service has routes but no upstream to send them to.' },

  GW_ROUTE_DUPLICATE: { severity: 'error', title: 'Two operations claim the same method and path.' },
  GW_ROUTE_AMBIGUOUS: {
    severity: 'error',
    title: 'Two path templates differ only in parameter names, so no request can tell them apart.',
  },
  GW_ROUTE_SHADOWED: { severity: 'warning', title: 'A request can match two routes; the precedence rule picks one.' },
  GW_ROUTE_PATH: { severity: 'error', title: 'A path template cannot be parsed.' },
  GW_ROUTE_UNREACHABLE: {
    severity: 'warning',
    atServe: true,
    title: 'A path key holds "?" or "#", which no request path can carry; its operations are left out.',
  },

  GW_COMPOSE_UNKNOWN_OPERATION: {
    severity: 'error',
    title: 'A composition step calls a service.operationId the gateway does not have.',
  },
  GW_COMPOSE_NESTED: { severity: 'error', title: 'A composition step calls another composite operation.' },
  GW_COMPOSE_MISSING_INPUT: {
    severity: 'error',
    title: 'A composition step gives no value for a parameter or body its operation requires.',
  },
  GW_COMPOSE_UNKNOWN_INPUT: {
    severity: 'error',
    title: "A composition step's `with` names a parameter its operation does not take.",
  },
  GW_COMPOSE_INPUT_TYPE: {
    severity: 'error',
    title: "A composition step's input has a type its operation's parameter does not accept.",
  },
  GW_COMPOSE_REF: {
    severity: 'error',
    title: 'A composition reference names a step, request parameter or member that does not exist.',
  },
  GW_COMPOSE_CYCLE: { severity: 'error', title: 'Composition steps read each other in a circle.' },
  GW_COMPOSE_UNBOUNDED: { severity: 'error', title: 'A composition step fans out (forEach) without maxItems.' },

  GW_SERVE_LISTEN: {
    severity: 'error',
    title: 'gw serve cannot listen on the address it was given (in use, not permitted, unknown host).',
  },
  GW_SERVE_RELOAD: {
    severity: 'warning',
    title: 'A watched file changed but the new configuration has errors; the last good one keeps serving.',
  },
  GW_TLS_CERTIFICATE: {
    severity: 'error',
    title:
      'A certificate or key of gw.yaml `listen.tls` cannot be read or used (missing, not PEM, encrypted, or a key ' +
      'that does not belong to its certificate).',
  },
  GW_TLS_EXPIRED: {
    severity: 'warning',
    title: 'A certificate of gw.yaml `listen.tls` has expired or is not valid yet: clients will refuse it.',
  },
  GW_RUNTIME_ENV: {
    severity: 'error',
    title: 'The generated Node gateway was started with an environment variable it cannot use.',
  },
  GW_RATE_LIMIT_STORE_URL: {
    severity: 'error',
    title:
      'The Redis URL for rate-limit counters is missing (rateLimitStore.redis.env names an unset variable) or is ' +
      'not a redis:// URL.',
  },
  GW_VALIDATE_SCHEMA: {
    severity: 'error',
    title: 'An operation with `validate` on has a parameter or body schema that cannot be compiled.',
  },

  GW_BUILD_TARGET: { severity: 'error', title: 'A build target named in gw.yaml or --target does not exist.' },
  GW_BUILD_WRITE: {
    severity: 'error',
    title: '`gw build` could not write its output folder; the previous output is left as it was.',
  },
  GW_BUILD_STALE: {
    severity: 'error',
    title: '`gw build --check` found a generated file that differs from what the specs give now.',
  },
  GW_BUILD_RUNTIME_MISSING: {
    severity: 'error',
    title: 'The node target cannot find the bundled runtime (dist/node-runtime/gw-runtime.mjs) it copies.',
  },

  GW_KEYS_UNREAD: {
    severity: 'warning',
    title:
      "`gw build` could not read an apiKey scheme's keys: the NGINX key map it wrote is empty (every key " +
      'refused) until `gw keys` writes it where the keys are.',
  },
  GW_TARGET_INEXACT: {
    severity: 'warning',
    title: "A target cannot express a route's setting exactly; the warning says what it does instead.",
  },
  GW_ENVOY_CONFIG_INVALID: {
    severity: 'error',
    title: "The rendered Envoy configuration does not pass the check against Envoy's own API protos.",
  },
  GW_ENVOY_SHARED_RATE_LIMIT: {
    severity: 'error',
    title: "Envoy would count a memory-store rate limit in one bucket for all of a route's clients.",
  },

  GW_TEMPLATE_NOT_FOUND: { severity: 'error', title: 'The --templates folder does not exist or cannot be read.' },
  GW_TEMPLATE_UNKNOWN: {
    severity: 'error',
    title: 'A file in the --templates folder has the name of no template or partial, so it would be ignored.',
  },
  GW_TEMPLATE_SYNTAX: { severity: 'error', title: 'A Handlebars template does not parse.' },
  GW_TEMPLATE_RENDER: {
    severity: 'error',
    title: 'A Handlebars template failed while rendering (a field the view does not have, an unknown helper).',
  },

  // Answers the gateway sends to clients, as application/problem+json with this status.
  GW_HTTP_NOT_FOUND: { severity: 'error', status: 404, title: 'No route matches the request path.' },
  GW_HTTP_METHOD_NOT_ALLOWED: {
    severity: 'error',
    status: 405,
    title: 'Routes match the path, but none for this method; Allow lists those that do.',
  },
  GW_HTTP_BAD_REQUEST: {
    severity: 'error',
    status: 400,
    title: 'The request is malformed (bad path, conflicting lengths, smuggling attempt).',
  },
  GW_HTTP_UNAUTHORIZED: {
    severity: 'error',
    status: 401,
    title: 'The route needs credentials and the request has none that are valid; WWW-Authenticate says which.',
  },
  GW_HTTP_FORBIDDEN: {
    severity: 'error',
    status: 403,
    title: 'The credentials are valid but lack a scope the route requires.',
  },
  GW_HTTP_PAYLOAD_TOO_LARGE: {
    severity: 'error',
    status: 413,
    title: 'The request body is larger than the route allows (maxBodySize).',
  },
  GW_HTTP_HEADERS_TOO_LARGE: {
    severity: 'error',
    status: 431,
    title: 'The request headers are larger than the gateway accepts.',
  },
  GW_HTTP_URI_TOO_LONG: {
    severity: 'error',
    status: 414,
    title: 'The request line is longer than the gateway accepts.',
  },
  GW_HTTP_INTERNAL_ERROR: {
    severity: 'error',
    status: 500,
    title: 'The gateway failed while handling the request; its error log says why.',
  },
  GW_HTTP_REQUEST_TIMEOUT: { severity: 'error', status: 408, title: 'The client sent its headers or body too slowly.' },
  GW_HTTP_UPSTREAM_FAILED: {
    severity: 'error',
    status: 502,
    title: 'The upstream refused or dropped the connection, or answered garbage.',
  },
  GW_HTTP_NO_HEALTHY_UPSTREAM: {
    severity: 'error',
    status: 503,
    title: 'Every target of the upstream is marked unhealthy.',
  },
  GW_HTTP_UPSTREAM_BUSY: {
    severity: 'error',
    status: 503,
    title: "Too many requests are already waiting for the upstream's connections; try again shortly.",
  },
  GW_HTTP_UPSTREAM_TIMEOUT: {
    severity: 'error',
    status: 504,
    title: 'The upstream did not answer in time (timeouts.connect / timeouts.request).',
  },
  GW_HTTP_SHUTTING_DOWN: {
    severity: 'error',
    status: 503,
    title: 'The gateway is shutting down and takes no new requests.',
  },
  GW_HTTP_TOO_MANY_REQUESTS: {
    severity: 'error',
    status: 429,
    title: 'The client used up its rate limit for this window; Retry-After says when to come back.',
  },
  GW_HTTP_TOO_MANY_AUTH_FAILURES: {
    severity: 'error',
    status: 429,
    title:
      'This client address sent too many wrong credentials in the window (auth.failureLimit); Retry-After says ' +
      'when to come back.',
  },
  GW_HTTP_AUTH_BUSY: {
    severity: 'error',
    status: 503,
    title: 'Too many password (bcrypt) checks are waiting to run; retry shortly.',
  },
  GW_HTTP_RATE_LIMIT_UNAVAILABLE: {
    severity: 'error',
    status: 503,
    title: 'The rate-limit store cannot be reached and the store fails closed.',
  },
  GW_HTTP_NOT_WEBSOCKET: {
    severity: 'error',
    status: 400,
    title: 'A WebSocket handshake came for a route without `websocket` in its settings.',
  },
  GW_HTTP_CORS_REJECTED: {
    severity: 'error',
    status: 403,
    title: 'A CORS preflight came from an origin the route does not allow.',
  },
  GW_HTTP_VALIDATION: {
    severity: 'error',
    status: 400,
    title: "A parameter or the JSON body does not match the operation's schema; the answer names the field.",
  },
  GW_HTTP_UNSUPPORTED_MEDIA_TYPE: {
    severity: 'error',
    status: 415,
    title: 'A validated operation got a body of a media type its spec does not declare (or none).',
  },
  GW_HTTP_TRANSFER_ENCODING: {
    severity: 'error',
    status: 501,
    title: 'The request body uses a transfer coding other than chunked, which the gateway does not decode.',
  },
  GW_HTTP_TOO_MANY_BODIES: {
    severity: 'error',
    status: 429,
    title: 'The client address has as many requests with a body in progress as edge.requestBodies.perClient allows.',
  },
  GW_HTTP_UNKNOWN_HOST: {
    severity: 'error',
    status: 421,
    title: 'The request names a host that is not one of edge.serverNames.',
  },
  GW_HTTP_BUFFERS_FULL: {
    severity: 'error',
    status: 503,
    title:
      'The request bodies held in memory would pass edge.requestBodies.memory; Retry-After says when to try again.',
  },
  GW_HTTP_COMPOSE_STEP_FAILED: {
    severity: 'error',
    status: 502,
    title: 'A required step of a composite operation failed; the answer names the step and what it got.',
  },
  GW_HTTP_COMPOSE_TIMEOUT: {
    severity: 'error',
    status: 504,
    title: 'A required step of a composite operation (or the whole composite) did not finish in time.',
  },
  GW_HTTP_COMPOSE_UNSUPPORTED: {
    severity: 'error',
    status: 501,
    title: 'This data plane does not run composite operations (NGINX and Envoy for now); gw serve and Node do.',
  },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;
