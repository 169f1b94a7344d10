import type { Listen, ListenTls } from '../model/types.js';
import { DEFAULT_LISTEN, type ListenInput, type ListenTlsInput } from './config.js';

/**
 * The TLS 1.2 suites of Mozilla's "intermediate" profile (Server Side TLS, version 6), in its order: ECDHE key
 * exchange with AES-GCM or ChaCha20-Poly1305, ECDSA certificates first. Every data plane offers exactly these.
 */
export const INTERMEDIATE_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];

/** gw.yaml `listen` (already checked by the schema and listenProblems) in model form. */
export function resolveListen(input: ListenInput | undefined): Listen {
  const tls = input?.tls ? resolveTls(input.tls) : null;
  return {
    host: input?.host ?? DEFAULT_LISTEN.host,
    port: input?.port ?? DEFAULT_LISTEN.port,
    tls,
    h2c: tls === null && input?.h2c === true,
    redirectHttp: tls !== null ? (input?.redirectHttp ?? null) : null,
  };
}

function resolveTls(input: ListenTlsInput): ListenTls {
  const entries = input.certificates ?? [{ cert: input.cert!, key: input.key! }];
  return {
    certificates: entries.map((e) => ({
      cert: e.cert,
      key: e.key,
      serverNames: [...new Set((e.serverNames ?? []).map((n) => n.toLowerCase()))],
    })),
    minVersion: input.minVersion ?? 'TLSv1.2',
    ciphers: [...INTERMEDIATE_CIPHERS],
    alpn: ['h2', 'http/1.1'],
  };
}
