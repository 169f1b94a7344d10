import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { CA_EXT, issue, leafExtensions } from './test-ca.js';

/** A certificate chain made by openssl: root CA -> two intermediates -> a leaf for `names`. */
export interface TestChain {
  /** The root CA (PEM file): what a client must trust. */
  rootFile: string;
  /** The leaf's key and the leaf followed by both intermediates, as a server sends them. */
  key: string;
  cert: string;
}

/** Makes the chain in `dir` (root, two intermediates, a leaf valid for the DNS names and IP addresses given). */
export function makeChain(dir: string, names: string[]): TestChain {
  issue(dir, 'gw-test-root', null, CA_EXT);
  issue(dir, 'gw-test-int1', 'gw-test-root', CA_EXT);
  issue(dir, 'gw-test-int2', 'gw-test-int1', CA_EXT);
  issue(dir, 'gw-test-leaf', 'gw-test-int2', leafExtensions(names));
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
