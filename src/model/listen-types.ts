/** Where and how the gateway listens (`Gateway.listen`); part of THE MODEL, re-exported by types.ts. */

/**
 * gw.yaml `listen`, settled: every data plane binds `host:port`, terminates TLS with these
 * certificates and protocols when `tls` is set, and prints the same decisions (docs/tls.md).
 */
export interface Listen {
  host: string;
  port: number;
  /** null: cleartext HTTP. */
  tls: ListenTls | null;
  /** Cleartext HTTP/2 with prior knowledge beside HTTP/1.1 (never with `tls`: there ALPN offers h2). */
  h2c: boolean;
  /** A cleartext port answering every request 308 to the same URL on https; null: none (always null without tls). */
  redirectHttp: number | null;
}

export interface ListenTls {
  /** In gw.yaml order. The first is the default: sent when the client asks (SNI) for no name of any entry, or none. */
  certificates: TlsCertificate[];
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  /**
   * The TLS 1.2 cipher suites offered, OpenSSL names in order of preference: Mozilla's "intermediate" profile
   * (TLS 1.3 suites are fixed by the protocol). The client's preference wins among them, as the profile says.
   */
  ciphers: string[];
  /** What ALPN offers, in order of preference: HTTP/2 first, then HTTP/1.1. */
  alpn: ('h2' | 'http/1.1')[];
}

export interface TlsCertificate {
  /** PEM files as gw.yaml names them, relative to its folder (or absolute): never their contents. */
  cert: string;
  key: string;
  /** Lower case, as written: `api.example.com`, `*.example.com`; empty for the default entry without names. */
  serverNames: string[];
}
