import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

/** A certificate chain made by openssl: root CA -> two intermediates -> a leaf for `names`. */
export interface TestChain {
  /** The root CA (PEM file): what a client must trust. */
  rootFile: string;
  /** The leaf's key and the leaf followed by both intermediates, as a server sends them. */
  key: string;
  cert: string;
}

const CA_EXT = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n';

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 20_000 });
}

/** `name` signed by `issuer` (or self-signed without one), with the extensions `ext`. */
function issue(dir: string, name: string, issuer: string | null, ext: string): void {
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`];
  writeFileSync(join(dir, `${name}.ext`), ext);
  if (!issuer) {
    const extArgs = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'];
    openssl(dir, ['req', '-x509', ...key, '-out', `${name}.pem`, '-subj', `/CN=${name}`, '-days', '2', ...extArgs]);
    return;
  }
  openssl(dir, ['req', '-new', ...key, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  const ca = ['-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial'];
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    ...ca,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
}

/** Makes the chain in `dir` (root, two intermediates, a leaf valid for the DNS names and IP addresses given). */
export function makeChain(dir: string, names: string[]): TestChain {
  issue(dir, 'gw-test-root', null, CA_EXT);
  issue(dir, 'gw-test-int1', 'gw-test-root', CA_EXT);
  issue(dir, 'gw-test-int2', 'gw-test-int1', CA_EXT);
  // X509_check_host (nginx's proxy_ssl_verify) compares DNS names only, so an IP address is listed as both.
  const alt = names.flatMap((n) => (/^[\d.]+$/.test(n) ? [`DNS:${n}`, `IP:${n}`] : [`DNS:${n}`]));
  const leafExt = `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=${alt.join(',')}\n`;
  issue(dir, 'gw-test-leaf', 'gw-test-int2', leafExt);
  const pem = (n: string) => readFileSync(join(dir, `${n}.pem`), 'utf8');
  return {
    rootFile: join(dir, 'gw-test-root.pem'),
    key: readFileSync(join(dir, 'gw-test-leaf.key'), 'utf8'),
    cert: pem('gw-test-leaf') + pem('gw-test-int2') + pem('gw-test-int1'),
  };
}

/** What the TLS upstream saw of one request: the TLS name (SNI), the Host header, the TLS version, the path. */
export interface TlsSeen {
  servername: string | false;
  path: string | undefined;
  host: string | undefined;
  protocol: string | null;
}

export interface TlsUpstream {
  port: number;
  seen: TlsSeen[];
  close(): Promise<void>;
}

/** An https server on 127.0.0.1:0 with `chain`, answering 200 and recording what each request carried. */
export async function startTlsUpstream(chain: TestChain, minVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<TlsUpstream> {
  const seen: TlsSeen[] = [];
  const server: Server = createServer({ key: chain.key, cert: chain.cert, minVersion }, (req, res) => {
    // Node sets servername on a server-side TLSSocket (the SNI sent, or false); its types leave it out.
    const socket = req.socket as TLSSocket & { servername: string | false };
    seen.push({ servername: socket.servername, path: req.url, host: req.headers.host, protocol: socket.getProtocol() });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
