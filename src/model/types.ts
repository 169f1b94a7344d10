/**
 * THE MODEL: the merged gateway every consumer reads (targets, runtime, commands).
 * Plain JSON-serialisable data: no classes, Maps or functions. Canonical units: milliseconds, bytes.
 * Importers produce it and merge completes it; consumers never re-read OpenAPI or re-derive
 * precedence. Every element carries its `source`, so errors and generated comments point back to
 * the spec line that caused them.
 */

import type { CredentialCarrier, ProblemType, RouteEffective } from './decisions.js';

export type {
  AuthAnswer,
  AuthAnswers,
  CredentialCarrier,
  ProblemType,
  RequestRemovals,
  RouteEffective,
} from './decisions.js';

export const MODEL_VERSION = 1;

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'OPTIONS' | 'HEAD' | 'PATCH' | 'TRACE';

/** A spec file (relative to the project folder, or a URL) and a JSON pointer into it. */
export interface Source {
  file: string;
  pointer: string;
}

export interface Gateway {
  modelVersion: typeof MODEL_VERSION;
  name: string;
  listen: { host: string; port: number };
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

/**
 * Client-facing rules for the whole gateway (gw.yaml `edge`), in canonical units. gw serve and the
 * Node gateway apply all of them; NGINX and Envoy print what they can express (docs/targets/).
 */
export interface Edge {
  /** Request headers whose names contain "_": dropped before any stage reads them (nginx's default), or kept. */
  underscoresInHeaders: 'drop' | 'allow';
  /** A client must send its request line and headers within this. */
  headerTimeoutMs: number;
  /** A client must send its whole request, body included, within this. */
  requestTimeoutMs: number;
  /** Longest wait for the next bytes of a request body. */
  bodyTimeoutMs: number;
  /** Longest wait for a client to take more of an answer it is not reading. */
  sendTimeoutMs: number;
  /** A request body up to this size is read whole before an upstream connection is taken; a larger one once this much has come. */
  bodyBufferBytes: number;
  /** All request bodies held in memory at once, the gateway's whole process. */
  bodyMemoryBytes: number;
  /** Requests with a body one client address may have in progress at once. */
  bodiesPerClient: number;
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

/** A JSON object from a spec, passed through to the public spec as it is. */
export type JsonObject = { [key: string]: unknown };

/*
 * Model invariant: every Schema Object the model carries (in `Route.api`: parameters, request
 * bodies, responses, headers, callbacks; in `Service.components`: schemas, and the schemas inside
 * parameters, responses, request bodies and headers) is JSON Schema 2020-12 in the OpenAPI 3.1
 * dialect, whatever version the spec was written in. The importer converts each one once
 * (importers/openapi/json-schema.ts): no `nullable`, no boolean exclusive bounds, `examples`
 * lists instead of `example`, and `$ref`s only to `#/components/<kind>/<name>` of the same
 * service. The runtime validator, the mock sampler and the openapi target read them as they are
 * and convert nothing. `PathParam.schema` is a separate, typed subset kept for path matching.
 */

export type ComponentKind =
  | 'schemas'
  | 'responses'
  | 'parameters'
  | 'examples'
  | 'requestBodies'
  | 'headers'
  | 'links'
  | 'callbacks'
  | 'pathItems';

/** One entry of a service's components, named uniquely within its kind and service. */
export interface ApiComponent {
  kind: ComponentKind;
  /** The spec's component name, or one derived from the `$ref` target (file or pointer end) for other targets. */
  name: string;
  /** OpenAPI 3 shaped, its schemas JSON Schema 2020-12 (see above); shared, so consumers never mutate it. */
  value: JsonObject;
  source: Source;
}

export interface ApiTag {
  name: string;
  description?: string;
  externalDocs?: JsonObject;
  source: Source;
}

export type ApiGapKind =
  | 'openapi.webhooks'
  | 'openapi.collection-format'
  | 'openapi.nested-collection-format'
  | 'openapi.unfollowable-ref';

export interface ApiGap {
  /** What is lost, as the GW_TARGET_INEXACT kind the openapi target warns with (docs/errors.md). */
  kind: ApiGapKind;
  /** One sentence naming what cannot be carried over and what the public spec has instead. */
  message: string;
  source: Source;
}

/**
 * The public description of one operation in OpenAPI 3 shape (an Operation Object without the
 * fields the route holds itself: operationId, summary, tags, deprecated, security, servers).
 * Path-item parameters are merged in (the operation's win by name and location); `$ref`s point at
 * the service's components. Swagger 2.0 body and formData parameters become `requestBody`.
 * Its schemas are JSON Schema 2020-12 (the model invariant above `ComponentKind`).
 */
export interface RouteApi {
  description?: string;
  externalDocs?: JsonObject;
  parameters?: JsonObject[];
  requestBody?: JsonObject;
  responses?: Record<string, JsonObject>;
  callbacks?: Record<string, JsonObject>;
  /** The operation's own `x-*` extensions except x-gw. */
  [extension: `x-${string}`]: unknown;
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
  /** Anchored regular expression (ECMAScript and PCRE compatible) with one group per parameter, typed where the schema allows. */
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
  /** The operation's public description, for the openapi target. Always set by the importer; absent in hand-built models. */
  api?: RouteApi;
  /** What merge settled from the settings, the security and the routes beside this one; consumers only print it. */
  effective: RouteEffective;
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
  /** How the gateway checks this scheme (gw.yaml `credentials`); null: not configured, so requests needing it are refused. */
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

/** Where a secret is read at run time: never the secret itself. Files are relative to gw.yaml's folder. */
export type SecretSource = { env: string } | { file: string };

export type SchemeCredentials =
  | { kind: 'keys'; source: SecretSource }
  | { kind: 'htpasswd'; source: SecretSource }
  | {
      kind: 'jwt';
      issuer: string | null;
      audiences: string[];
      algorithms: ('HS256' | 'RS256' | 'ES256')[];
      jwks: { url: string } | { file: string } | null;
      secret: SecretSource | null;
      clockSkewMs: number;
    };

export type RateLimitStore =
  | { kind: 'memory' }
  | { kind: 'redis'; url: { url: string } | { env: string }; failMode: 'open' | 'closed' };
