import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import { formatDiagnostics } from '../diagnostics/print.js';
import type { RuntimeGateway } from '../model/types.js';
import { watchCertificates } from './certificate-watch.js';
import { createHttpsRedirect, listenRedirect } from './https-redirect.js';
import type { GatewayServer } from './server.js';
import { type FilesContext, type LoadedTls, loadTlsCertificates } from './tls-certificates.js';

/*
 * The parts of gw.yaml `listen` around the client listener: its certificates, read before it listens and again
 * when their files change, and the cleartext port that redirects to https.
 */

/** Reads and checks the certificates of `listen.tls` (GwError of GW_TLS_CERTIFICATE); null without TLS. */
export async function loadListenTls(
  gateway: RuntimeGateway,
  files: FilesContext,
  warn: (line: string) => void,
): Promise<LoadedTls | null> {
  if (gateway.listen.tls === null) return null;
  const tls = await loadTlsCertificates(gateway.listen.tls, files);
  if (tls.warnings.length > 0) warn(formatDiagnostics(tls.warnings, { color: false }));
  return tls;
}

export interface ListenExtras {
  /** http://host:port of the redirect listener, when there is one. */
  redirectUrl: string | undefined;
  close(): Promise<void>;
}

/**
 * Once the client listener is up: the certificate watch (a renewal is served to new connections, a broken one is
 * reported and the old certificates keep serving) and the redirect listener on `listen.redirectHttp`.
 */
export async function startListenExtras(
  gateway: RuntimeGateway,
  server: GatewayServer,
  address: AddressInfo,
  options: { host: string; files: FilesContext; warn: (line: string) => void },
): Promise<ListenExtras> {
  const { tls, redirectHttp } = gateway.listen;
  const watch =
    tls === null
      ? undefined
      : watchCertificates(
          tls,
          options.files,
          (loaded) => {
            server.setCertificates(loaded);
            if (loaded.warnings.length > 0) options.warn(formatDiagnostics(loaded.warnings, { color: false }));
          },
          (problems) => options.warn(formatDiagnostics([...problems, reloadNote()], { color: false })),
        );
  let redirect: Server | undefined;
  let redirectUrl: string | undefined;
  if (redirectHttp !== null) {
    redirect = createHttpsRedirect(address.port, options.host);
    try {
      const at = await listenRedirect(redirect, options.host, redirectHttp);
      redirectUrl = `http://${urlHost(at.address)}:${at.port}`;
    } catch (err) {
      watch?.close();
      throw Object.assign(err as Error, { redirectPort: redirectHttp });
    }
  }
  return {
    redirectUrl,
    close: async () => {
      watch?.close();
      if (redirect) {
        redirect.closeAllConnections();
        await new Promise<void>((r) => redirect!.close(() => r()));
      }
    },
  };
}

function reloadNote(): Diagnostic {
  return createDiagnostic(
    'GW_SERVE_RELOAD',
    'the changed certificates cannot be used; still serving the last good ones',
    {
      hints: ['fix the files named above; gw reads them again when they change'],
    },
  );
}

/** An address as the host of a URL (a wildcard as 127.0.0.1, IPv6 in brackets). */
export function urlHost(address: string): string {
  if (address === '0.0.0.0' || address === '::') return '127.0.0.1';
  return address.includes(':') ? `[${address}]` : address;
}
