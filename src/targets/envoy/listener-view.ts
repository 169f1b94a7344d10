import type { Listen, ListenTls, TlsCertificate } from '../../model/types.js';

/**
 * The model's `listen` in Envoy (docs/targets/envoy.md, "TLS and HTTP/2"): the codec, one filter chain per
 * certificate with a DownstreamTlsContext (a chain per name set, picked by SNI through the TLS inspector; the first
 * certificate's chain without a match takes every other name), and a second listener redirecting http to https.
 */
export interface EnvoyListenerView {
  /** HTTP/2 is taken: by ALPN over TLS, or cleartext with prior knowledge (codec AUTO); else HTTP/1.1 only. */
  http2: boolean;
  tlsInspector: boolean;
  chains: { serverNames: string[]; tls: EnvoyTlsView | null }[];
  redirect: { address: string; port: number; httpsPort: number } | null;
}

export interface EnvoyTlsView {
  cert: string;
  key: string;
  minVersion: 'TLSv1_2' | 'TLSv1_3';
  ciphers: string[];
  alpn: string[];
}

export function buildEnvoyListenerView(listen: Listen, address: string): EnvoyListenerView {
  const tls = listen.tls;
  if (tls === null)
    return { http2: listen.h2c, tlsInspector: false, chains: [{ serverNames: [], tls: null }], redirect: null };
  const [first] = tls.certificates as [TlsCertificate];
  const named = tls.certificates.filter((c) => c.serverNames.length > 0);
  return {
    http2: true,
    tlsInspector: named.length > 0,
    // The default chain first; a certificate's names get a chain of their own, the first's too (a wildcard of
    // another certificate would take them otherwise).
    chains: [
      { serverNames: [], tls: tlsView(first, tls) },
      ...named.map((c) => ({ serverNames: [...c.serverNames], tls: tlsView(c, tls) })),
    ],
    redirect: listen.redirectHttp === null ? null : { address, port: listen.redirectHttp, httpsPort: listen.port },
  };
}

function tlsView(c: TlsCertificate, tls: ListenTls): EnvoyTlsView {
  return {
    cert: c.cert,
    key: c.key,
    minVersion: tls.minVersion === 'TLSv1.3' ? 'TLSv1_3' : 'TLSv1_2',
    ciphers: [...tls.ciphers],
    alpn: [...tls.alpn],
  };
}
