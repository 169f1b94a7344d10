/** The model's gateway-wide client rules (`Gateway.edge`); part of THE MODEL, re-exported by types.ts. */

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
  /**
   * A request body up to this size is read whole before an upstream connection is taken; a larger one once this much
   * has come.
   */
  bodyBufferBytes: number;
  /** All request bodies held in memory at once, the gateway's whole process. */
  bodyMemoryBytes: number;
  /** Requests with a body one client address may have in progress at once. */
  bodiesPerClient: number;
  /** Client connections open at once; further ones are closed as they come (Envoy's edge page: 10,000 a listener). */
  maxConnections: number;
  /** The request line and headers of a request together: larger ones are answered 431. */
  maxHeaderBytes: number;
  /**
   * An idle keep-alive connection to an upstream is closed after this: shorter than the idle
   * timeouts upstream servers commonly have (Node's 5 s), so a request never meets one closing.
   */
  upstreamIdleTimeoutMs: number;
  /** How every plane reads a request path before routing (src/model/path-forms.ts, docs/routing.md). */
  paths: PathRule;
  /** Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed; null: none, the TCP peer is the client. */
  trustedProxies: TrustedProxies | null;
  /** Host names answered (lower case, sorted; `*.example.com` for any name under example.com); empty: any host. */
  serverNames: string[];
}

/** A form of request path that could route differently in gw serve, nginx and Envoy: refused (400) by all. */
export type RefusedPathForm =
  | 'dot-segment'
  | 'backslash'
  | 'escaped-slash'
  | 'escaped-unreserved'
  | 'bad-escape'
  | 'fragment';

export interface PathRule {
  /** Refused with 400 before routing; what is left is decoded, `//` merged, then routed. */
  refused: RefusedPath[];
  /** Every refused form holds one of these strings: a path (before `?`) without any of them is never refused. */
  markers: string[];
}

export interface RefusedPath {
  form: RefusedPathForm;
  /** Finds the form anywhere in the path as sent (query left out): one regex for ECMAScript, PCRE and RE2. */
  pattern: string;
}

/**
 * Load balancers in front of the gateway (gw.yaml `edge.trustedProxies`). The client address is
 * found as nginx's realip module finds it with real_ip_recursive on: from the TCP peer, while the
 * address in hand is a trusted proxy (and fewer than `hops` were passed), the next address from
 * the right of X-Forwarded-For is taken; the first untrusted one is the client.
 */
export interface TrustedProxies {
  /** CIDR ranges (`10.0.0.0/8`, `192.0.2.7/32`, `2001:db8::/32`), as written but lower case; empty: any address. */
  addresses: string[];
  /** At most this many proxies are passed; null: as many as the addresses match. */
  hops: number | null;
}
