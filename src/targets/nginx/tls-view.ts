import { isAbsolute, posix } from 'node:path';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Listen, TlsCertificate } from '../../model/types.js';
import { nginxString } from './escape.js';
import { inexactWarning } from './inexact-warning.js';

/**
 * The model's `listen` in nginx (docs/tls.md): the listen line (`ssl http2`, nginx 1.22's form), the certificates,
 * the versions and ciphers, and the server that redirects http to https.
 */
export interface NginxListenView {
  /** The arguments of the main server's `listen`. */
  listen: string;
  tls: NginxTlsView | null;
  /** The redirect server of `listen.redirectHttp`: its listen arguments and the URL start of the https side. */
  redirect: { listen: string; https: string } | null;
}

export interface NginxTlsView {
  /** ssl_certificate and ssl_certificate_key: files, or the variables of the SNI maps when there are several. */
  certificate: string;
  key: string;
  /** Several certificates: `map $ssl_server_name` entries (hostnames form) giving each name its files. */
  sni: { names: { name: string; cert: string; key: string }[]; cert: string; key: string } | null;
  protocols: string;
  ciphers: string;
}

/**
 * `projectDir` is gw.yaml's folder as the output folder sees it (RenderOptions.projectDir): nginx reads a relative
 * certificate path from nginx.conf's folder, one below the output folder.
 */
export function buildNginxListenView(
  listen: Listen,
  projectDir: string | undefined,
): { view: NginxListenView; diagnostics: Diagnostic[] } {
  const address = (port: number) => `${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${port}`;
  const diagnostics: Diagnostic[] = [];
  if (listen.h2c)
    diagnostics.push(
      inexactWarning(
        'nginx.h2c',
        'listen.h2c: nginx 1.22 takes only HTTP/2 on a cleartext port with http2, so the listener stays HTTP/1.1',
        [{ source: { file: 'gw.yaml', pointer: '#/listen/h2c' } }],
        'put h2c behind gw serve, or use TLS (ALPN offers h2 there)',
      ),
    );
  const tls = listen.tls;
  if (tls === null)
    return { view: { listen: `${address(listen.port)} reuseport`, tls: null, redirect: null }, diagnostics };
  const file = (f: string) =>
    nginxString(isAbsolute(f) || projectDir === undefined ? f : posix.join('..', projectDir, f));
  const [first, ...others] = tls.certificates as [TlsCertificate, ...TlsCertificate[]];
  const sni =
    others.length === 0
      ? null
      : {
          names: tls.certificates.flatMap((c) =>
            c.serverNames.map((name) => ({ name: nginxString(name), cert: file(c.cert), key: file(c.key) })),
          ),
          cert: file(first.cert),
          key: file(first.key),
        };
  const port = listen.port === 443 ? '' : `:${listen.port}`;
  return {
    view: {
      listen: `${address(listen.port)} ssl http2 reuseport`,
      tls: {
        certificate: sni ? '$gw_ssl_certificate' : file(first.cert),
        key: sni ? '$gw_ssl_certificate_key' : file(first.key),
        sni,
        protocols: tls.minVersion === 'TLSv1.3' ? 'TLSv1.3' : 'TLSv1.2 TLSv1.3',
        ciphers: tls.ciphers.join(':'),
      },
      redirect:
        listen.redirectHttp === null ? null : { listen: address(listen.redirectHttp), https: `https://$host${port}` },
    },
    diagnostics,
  };
}
