import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * gw.yaml `listen.redirectHttp`: a cleartext listener that answers every request 308 (method and body kept) with
 * the same host, path and query on https at `httpsPort` (left out when 443). The Host's own port is dropped.
 */
export function createHttpsRedirect(httpsPort: number, fallbackHost: string): Server {
  const port = httpsPort === 443 ? '' : `:${httpsPort}`;
  const server = createServer((req, res) => {
    const host = hostName(req.headers.host) ?? fallbackHost;
    const target = `https://${host}${port}${req.url?.startsWith('/') ? req.url : '/'}`;
    res.writeHead(308, { location: target, 'content-length': '0', 'cache-control': 'no-store' });
    res.end();
    req.resume();
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

/** The host of a Host header without its port (`[::1]:80` -> `[::1]`); undefined for none or a malformed one. */
function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d*)?$/.exec(header);
  return m?.[1];
}

export function listenRedirect(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
