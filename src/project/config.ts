/** The shape of gw.yaml, as schema/gw.schema.json publishes it. docs/gw-yaml.md explains each key. */

export type DurationInput = number | string;
export type SizeInput = number | string;

export interface HealthCheckInput {
  path?: string;
  interval?: DurationInput;
  timeout?: DurationInput;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
}

/**
 * One object, the same at every level: gw.yaml `settings`, and `x-gw` in a spec's document, path item and operation.
 */
export interface SettingsInput {
  exclude?: boolean;
  timeouts?: { connect?: DurationInput; request?: DurationInput };
  retries?: number;
  maxBodySize?: SizeInput;
  preserveHost?: boolean;
  loadBalancing?: 'round-robin' | 'weighted' | 'least-connections';
  healthCheck?: boolean | HealthCheckInput;
  upstreamConnections?: number;
  auth?: AuthInput;
  rateLimit?: false | RateLimitInput;
  cors?: false | CorsInput;
  validate?: boolean;
  /** Operation level only: the operation is answered by calling others (docs/composition.md). */
  compose?: ComposeInput;
  websocket?: boolean | WebSocketInput;
}

/** `websocket` as an object: on, with its timeouts. */
export interface WebSocketInput {
  idleTimeout?: DurationInput;
  maxLifetime?: DurationInput;
}

/** `x-gw.compose`: a composite operation's steps and answer (docs/composition.md). */
export interface ComposeInput {
  steps: Record<string, ComposeStepInput>;
  response?: ComposeShapeInput;
  forwardCredentials?: boolean;
  failures?: string;
}

export interface ComposeStepInput {
  call: string;
  with?: Record<string, string | { value: unknown }>;
  forEach?: string;
  concurrency?: number;
  maxItems?: number;
  optional?: boolean;
  timeout?: DurationInput;
  forwardCredentials?: boolean;
}

/** A reference, or an object of members (with `$merge`: references whose members come first). */
export type ComposeShapeInput = string | { [member: string]: ComposeShapeInput | string[] };

export interface AuthInput {
  enforce?: boolean;
  consumerHeader?: string;
  forwardCredentials?: boolean;
  failureLimit?: false | FailureLimitInput;
}

export interface FailureLimitInput {
  failures: number;
  window?: DurationInput;
}

export interface RateLimitInput {
  requests: number;
  window: DurationInput;
  /** ip | consumer | header:NAME */
  key?: string;
  scope?: 'route' | 'service' | 'gateway';
  /** Keys (addresses, consumers, header values) the limit expects to count at once; sizes nginx's zone. */
  keys?: number;
}

export interface CorsInput {
  origins: string[];
  methods?: string[];
  headers?: string[];
  exposeHeaders?: string[];
  credentials?: boolean;
  maxAge?: DurationInput;
}

/** Where a secret is read at run time; gw.yaml never holds the secret itself. */
export type SecretSourceInput = { env: string } | { file: string };

/** gw.yaml `credentials.<service>.<scheme>`: exactly one of the three. */
export interface CredentialsInput {
  keys?: SecretSourceInput;
  htpasswd?: SecretSourceInput;
  jwt?: {
    issuer?: string;
    audience?: string | string[];
    jwks?: { url: string } | { file: string };
    secret?: SecretSourceInput;
    algorithms?: ('HS256' | 'RS256' | 'ES256')[];
    clockSkew?: DurationInput;
  };
}

/** gw.yaml `edge`: how the gateway treats its clients, whatever the route. */
export interface EdgeInput {
  underscoresInHeaders?: 'drop' | 'allow';
  timeouts?: {
    header?: DurationInput;
    request?: DurationInput;
    body?: DurationInput;
    send?: DurationInput;
    upstreamIdle?: DurationInput;
  };
  requestBodies?: { buffer?: SizeInput; memory?: SizeInput; perClient?: number };
  maxHeaderSize?: SizeInput;
  trustedProxies?: { addresses?: string[]; hops?: number };
  serverNames?: string[];
  maxConnections?: number;
}

/** gw.yaml `listen`: where the gateway listens, and how (TLS, cleartext HTTP/2, a redirect from http). */
export interface ListenInput {
  host?: string;
  port?: number;
  tls?: ListenTlsInput;
  h2c?: boolean;
  redirectHttp?: number;
}

/** gw.yaml `listen.tls`: `cert` and `key`, or `certificates` picked by SNI; files relative to gw.yaml. */
export interface ListenTlsInput {
  cert?: string;
  key?: string;
  certificates?: { cert: string; key: string; serverNames?: string[] }[];
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

export interface RateLimitStoreInput {
  redis?: { url: string } | { env: string };
  failMode?: 'open' | 'closed';
}

/** Keys that shape the upstream, so they are set for a whole service, never per path or operation. */
export const SERVICE_LEVEL_KEYS = ['loadBalancing', 'healthCheck', 'upstreamConnections'] as const;

export type UpstreamInput = string | { url: string; weight?: number };

export interface ServiceConfig {
  name: string;
  spec: string;
  prefix?: string;
  upstreams?: UpstreamInput[];
  variables?: Record<string, string>;
  /** Answer from the spec's examples instead of forwarding (gw serve and the Node gateway). */
  mock?: boolean;
  settings?: SettingsInput;
  operations?: Record<string, SettingsInput>;
}

export interface ProjectConfig {
  version: 1;
  name: string;
  listen?: ListenInput;
  build?: BuildConfig;
  credentials?: Record<string, CredentialsInput>;
  rateLimitStore?: RateLimitStoreInput;
  edge?: EdgeInput;
  acknowledge?: AcknowledgeRule[];
  specs?: string;
  settings?: SettingsInput;
  services?: ServiceConfig[];
}

/** One gw.yaml `acknowledge` rule: warnings of this code (and kind, and routes) are intended. */
export interface AcknowledgeRule {
  code: string;
  kind?: string;
  /** Route ids, `*` matching any characters; a warning matches when every route it names matches one. */
  routes?: string[];
  reason: string;
}

/** gw.yaml `build`: what `gw build` renders, where, and target options. */
export interface BuildConfig {
  out?: string;
  targets?: ('nginx' | 'envoy' | 'node' | 'openapi')[];
  nginx?: { resolver?: string[]; accessLog?: string; trustedCertificate?: string; user?: string };
  envoy?: { maxHeapSize?: SizeInput; sharedRateLimits?: boolean };
  openapi?: { servers?: { url: string; description?: string }[] };
}

export const DEFAULT_BUILD_OUT = 'dist';

export const DEFAULT_LISTEN = { host: '0.0.0.0', port: 8080 } as const;
export const DEFAULT_SPECS_DIR = 'specs';
