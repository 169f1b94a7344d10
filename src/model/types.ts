/**
 * THE MODEL: the merged gateway every consumer reads (targets, runtime, commands).
 * Plain JSON-serialisable data: no classes, Maps or functions. Canonical units: milliseconds, bytes.
 * Importers produce it and merge completes it; consumers never re-read OpenAPI or re-derive
 * precedence. Every element carries its `source`, so errors and generated comments point back to
 * the spec line that caused them.
 */

import type { Source } from './source.js';
import type { Edge } from './edge-types.js';
import type { Listen } from './listen-types.js';
import type { ApiComponent, ApiGap, ApiTag, JsonObject, RouteApi } from './api-types.js';
import type { CredentialCarrier, ProblemType, RouteEffective, WebSocketSettings } from './decisions.js';
import type { Composition } from './compose-types.js';
import type { SchemeCredentials } from './credential-types.js';

export type { Source } from './source.js';
export type { Listen, ListenTls, TlsCertificate } from './listen-types.js';
export type { Edge, PathRule, RefusedPath, RefusedPathForm, TrustedProxies } from './edge-types.js';
export type {
  ApiComponent,
  ApiGap,
  ApiGapKind,
  ApiTag,
  ComponentKind,
  JsonObject,
  RouteApi,
} from './api-types.js';

export type {
  ComposeDraft,
  ComposeFanOut,
  ComposeForward,
  ComposeInput,
  ComposeRef,
  ComposeRequestPart,
  ComposeShape,
  ComposeStep,
  ComposeStepDraft,
  Composition,
} from './compose-types.js';

export type {
  AuthAnswer,
  AuthAnswers,
  CredentialCarrier,
  ProblemType,
  RequestRemovals,
  RouteEffective,
  WebSocketRoute,
  WebSocketSettings,
} from './decisions.js';

export const MODEL_VERSION = 1;

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'OPTIONS' | 'HEAD' | 'PATCH' | 'TRACE';

export interface Gateway {
  modelVersion: typeof MODEL_VERSION;
  name: string;
  /** Where and how clients reach the gateway (gw.yaml `listen`): address, TLS, HTTP/2. */
  listen: Listen;
  /** Sorted by name. */
  services: Service[];
  /** Sorted by id. */
  upstreams: Upstream[];
  /** Sorted by precedence: for any request, the first route that matches is the one that serves it. */
  routes: Route[];
  /** Sorted by id; routes refer to them by id. */
  securitySchemes: SecurityScheme[];
  /** Where rate-limit counters live (gw.yaml `rateLimitStore`). */
  rateLimitStore: RateLimitStore;
  /** How the gateway treats its clients, whatever the route (gw.yaml `edge`). */
  edge: Edge;
  /** Every answer the gateway gives itself (the GW_HTTP_* codes), sorted by code; settled in merge. */
  problems: ProblemType[];
}

export interface Service {
  name: string;
  /** info.title and info.version of the spec. */
  title: string;
  version: string;
  /** The document's own version field: "2.0", "3.0.3", "3.1.0", ... */
  openapi: string;
  /** Public mount point ('' when none); stripped before forwarding. */
  prefix: string;
  /** Id of the upstream used by routes that have no path- or operation-level servers. */
  upstream: string;
  /** Ids of this service's routes, in model order. */
  routes: string[];
  /** Answered by the gateway from the spec's examples instead of an upstream (gw.yaml `mock: true`). */
  mock: boolean;
  source: Source;
  /** info.description of the spec, for the public spec (the service's tag). Absent in hand-built models. */
  description?: string;
  /** The document's externalDocs, for the public spec. */
  externalDocs?: JsonObject;
  /** The spec's own tags (`tags:`), in spec order, for the public spec. Always set by the importer. */
  tags?: ApiTag[];
  /**
   * The components the service's routes use, reached through `$ref`s, in OpenAPI 3 shape whatever
   * the input version (Swagger 2.0 definitions become schemas, and so on); the `$ref`s inside point
   * at `#/components/<kind>/<name>` of this same list. Sorted by kind, then name. Always set by the importer.
   */
  components?: ApiComponent[];
  /** What the public description of this service loses (nothing the gateway itself needs); the openapi target warns. */
  apiGaps?: ApiGap[];
}

export type Balancing = 'round-robin' | 'weighted' | 'least-connections';

export interface Upstream {
  /** `<service>` for the service's default servers, `<service>~<n>` for path/operation-level ones. */
  id: string;
  service: string;
  /** Path every forwarded request starts with, from the server URL ('' for none). */
  basePath: string;
  balancing: Balancing;
  healthCheck: HealthCheck | null;
  /** Connections to each target at once (services[].settings.upstreamConnections); more requests wait for one. */
  connectionsPerTarget: number;
  targets: Target[];
  /** Where the targets came from: the spec's servers, or gw.yaml `upstreams`. */
  origin: 'spec' | 'config';
  /**
   * How long a connection to a target may take: the longest `timeouts.connect` of the routes that
   * forward here (settled in merge), since a data plane whose connections are shared by those
   * routes (gw serve's pools, an Envoy cluster) has one; 5 s when no route uses the upstream.
   */
  connectTimeoutMs: number;
  source: Source;
}

export interface Target {
  /** scheme://host:port, no path. */
  url: string;
  scheme: 'http' | 'https';
  host: string;
  port: number;
  /**
   * The `Host` header every data plane sends this target (unless `preserveHost`), and its health
   * checks: host and port, the port left out when it is the scheme's default (model/target.ts).
   */
  authority: string;
  weight: number;
}

export interface HealthCheck {
  path: string;
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

/** Path parameter schema, kept so matching can be typed (an integer id does not match "abc"). */
export interface ParamSchema {
  type?: 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  enum?: (string | number | boolean)[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
}

export interface PathParam {
  name: string;
  schema: ParamSchema;
}

/** One part of a path segment: fixed text, or a parameter. */
export type PathPart = { literal: string } | { param: string };

/** The text between two slashes. `/files/{name}.{ext}` has segments [files] and [{name} . {ext}]. */
export interface PathSegment {
  parts: PathPart[];
}

export interface RouteMatch {
  /** 'exact' when the path has no parameters. */
  kind: 'exact' | 'template';
  /**
   * Anchored regular expression (ECMAScript and PCRE compatible) with one group per parameter, typed where the schema
   * allows.
   */
  regex: string;
  /** The literal text before the first parameter (the whole path for 'exact'). */
  staticPrefix: string;
  /** Per segment: 3 literal, 2 literal text mixed with parameters, 1 parameter only. Higher wins, left to right. */
  rank: number[];
}

export interface RouteSettings {
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** Further attempts on another target after a connection failure (idempotent methods only). */
  retries: number;
  maxBodyBytes: number;
  preserveHost: boolean;
  auth: AuthSettings;
  /** null: no limit. */
  rateLimit: RateLimit | null;
  /** null: no CORS headers, preflights are answered like any other OPTIONS request. */
  cors: Cors | null;
  /** Check path, query and header parameters and JSON bodies against the operation's schemas (route.api). */
  validate: boolean;
  /** `websocket` as the layers set it; null: off. Only a GET route takes handshakes (`effective.websocket`). */
  websocket: WebSocketSettings | null;
}

export interface AuthSettings {
  /** Check credentials against `route.security` (401 without valid credentials, 403 without the scopes). */
  enforce: boolean;
  /** Header that carries the authenticated consumer's name upstream (any value the client sent is replaced). */
  consumerHeader: string;
  /** Pass the credential itself upstream; when false the key or Authorization header is removed. */
  forwardCredentials: boolean;
  /** Brute-force guard: wrong credentials a client address may send per window before it gets 429; null: no limit. */
  failureLimit: AuthFailureLimit | null;
}

export interface AuthFailureLimit {
  /** Failed credential checks allowed per window and client address; the next attempts get 429 until it ends. */
  failures: number;
  windowMs: number;
}

export type RateLimitKey = { kind: 'ip' } | { kind: 'consumer' } | { kind: 'header'; name: string };

export interface RateLimit {
  requests: number;
  windowMs: number;
  key: RateLimitKey;
  /** The counter's identity: this route's id, the service's name, or the whole gateway. */
  counter: string;
  /** How many keys the limit expects to count at once (gw.yaml `rateLimit.keys`, default 10,000). */
  keys: number;
  /**
   * Shared memory that holds the counts of `keys` keys in nginx's limit_req zone (its per-key state, 32 or 16
   * to a 4 KiB page, and the zone's bookkeeping); whole 4 KiB pages, at least 32 KiB (project/rate-limit-memory.ts).
   */
  zoneBytes: number;
}

export interface Cors {
  /**
   * The allowed origins, lower-case and without trailing slashes, each once; or ['*']. A request's
   * Origin is allowed when it equals one without regard to case and to trailing slashes: every
   * data plane matches so (gw serve lower-cases and trims it, nginx and Envoy match it with
   * `(?i)` regexes that allow `/*` at the end).
   */
  origins: string[];
  /** null: the methods of the routes on the path. */
  methods: string[] | null;
  /** null: whatever the preflight asks for. */
  headers: string[] | null;
  exposeHeaders: string[];
  credentials: boolean;
  maxAgeSeconds: number;
}

export interface Route {
  /** `<service>.<operationId>`, or `<service>.<method>:<path>` when the operation has none. */
  id: string;
  service: string;
  operationId: string | null;
  method: HttpMethod;
  /** Public path template, prefix included: `/billing/invoices/{id}`. */
  path: string;
  /** Path template sent upstream, upstream base path included: `/v1/invoices/{id}`. */
  upstreamPath: string;
  segments: PathSegment[];
  params: PathParam[];
  match: RouteMatch;
  upstream: string;
  /** OR of ANDs, exactly as the spec says; [] means public. */
  security: SecurityRequirement[];
  settings: RouteSettings;
  summary: string | null;
  tags: string[];
  deprecated: boolean;
  /** For routes of mocked services: the documented responses the gateway answers with; null otherwise. */
  mock: MockResponse[] | null;
  source: Source;
  /**
   * The operation's public description, for the openapi target. Always set by the importer; absent in hand-built
   * models.
   */
  api?: RouteApi;
  /** What merge settled from the settings, the security and the routes beside this one; consumers only print it. */
  effective: RouteEffective;
  /**
   * Set on a composite route (x-gw `compose`, docs/composition.md): the steps gw serve and the Node
   * gateway run instead of forwarding, as merge checked and settled them. Absent on other routes.
   */
  compose?: Composition;
}

/**
 * One documented response, ready to send: the first is the default answer, `Prefer: code=NNN`
 * picks another. Every data plane sends `contentType` and `body` exactly as they are.
 */
export interface MockResponse {
  status: number;
  /** The Content-Type header; null for a response without content (then no header and an empty body). */
  contentType: string | null;
  /**
   * The exact body (UTF-8 text): the spec's example, or a sample generated from the schema, as
   * pretty JSON (two spaces) with a final newline; a string example of a media type that is not
   * JSON as it is; '' without content.
   */
  body: string;
  /** true when `body` was generated from the schema rather than taken from an example. */
  generated: boolean;
}

/** All schemes in one requirement must pass (AND). */
export interface SecurityRequirement {
  schemes: { scheme: string; scopes: string[] }[];
}

export type SecuritySchemeType = 'apiKey' | 'http' | 'oauth2' | 'openIdConnect' | 'mutualTLS';

export interface OAuthFlow {
  authorizationUrl?: string;
  tokenUrl?: string;
  refreshUrl?: string;
  scopes: Record<string, string>;
}

export interface SecurityScheme {
  /** `<service>.<name>` */
  id: string;
  service: string;
  /** Name in the spec's securitySchemes / securityDefinitions. */
  name: string;
  type: SecuritySchemeType;
  /** apiKey: where the key travels and under which name. */
  in?: 'header' | 'query' | 'cookie';
  paramName?: string;
  /** http: the scheme, lower-case ('basic', 'bearer', ...). */
  scheme?: string;
  bearerFormat?: string;
  /** oauth2: flows by kind (implicit, password, clientCredentials, authorizationCode). */
  flows?: Record<string, OAuthFlow>;
  openIdConnectUrl?: string;
  /** The scheme's description in the spec, for the public spec. */
  description?: string;
  /**
   * How the gateway checks this scheme (gw.yaml `credentials`); null: not configured, so requests needing it are
   * refused.
   */
  credentials: SchemeCredentials | null;
  /**
   * Where a request carries this scheme's credential (settled in merge): an apiKey's parameter, the
   * Authorization header for http, oauth2 and openIdConnect; null for mutualTLS (the TLS handshake).
   */
  carrier: CredentialCarrier | null;
  /** The credential is a bearer token (http bearer, oauth2, openIdConnect): a JWT, refused with `invalid_token`. */
  bearer: boolean;
  source: Source;
}

export type { SchemeCredentials, SecretSource } from './credential-types.js';

export type RateLimitStore =
  | { kind: 'memory' }
  | { kind: 'redis'; url: { url: string } | { env: string }; failMode: 'open' | 'closed' };

/**
 * What the runtime reads of a route: no public description (summary, tags, deprecated, the operation's `api` beyond
 * what validation checks) and nothing only the other targets print (operationId, `match`).
 */
export type RuntimeRoute = Omit<Route, 'operationId' | 'match' | 'summary' | 'tags' | 'deprecated' | 'source'> & {
  /** Only on routes that validate: where a schema that does not compile is reported. */
  source?: Source;
};

/** What the runtime reads of a service: its name, whether it is mocked, the components its validated routes use. */
export type RuntimeService = Omit<Service, 'description' | 'externalDocs' | 'tags' | 'apiGaps' | 'routes'>;

/**
 * The model as the runtime reads it. A whole Gateway is one too (gw serve runs on the model as merge made
 * it); src/model/runtime-subset.ts cuts a Gateway down to it for the Node target.
 */
export interface RuntimeGateway extends Omit<Gateway, 'routes' | 'services'> {
  services: RuntimeService[];
  routes: RuntimeRoute[];
}
