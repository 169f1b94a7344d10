import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayServer } from './server.js';
import type { GatewayMetrics } from './metrics.js';
import type { TargetState } from './target-state.js';

/**
 * The admin listener, apart from client traffic: GET /metrics (Prometheus), /__gw/health (the
 * gateway and each target's health, 503 when some upstream has no healthy target) and
 * /__gw/routes (the route table).
 */
export function createAdminServer(gateway: GatewayServer, metrics: GatewayMetrics): Server {
  return createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('GET only\n');
      return;
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics());
      return;
    }
    const compiled = gateway.compiled;
    if (path === '/__gw/health') {
      const now = Date.now();
      // A mocked service's upstream is never contacted: no targets to report, and it never degrades the gateway.
      const target = (t: TargetState) => ({
        url: t.url,
        healthy: t.healthy,
        ejected: t.ejectedUntil > now,
        inFlight: t.active,
      });
      const upstreams = [...compiled.upstreams.values()].map((u) => ({
        id: u.id,
        mocked: u.mocked,
        targets: u.mocked ? [] : u.targets.map(target),
      }));
      const ok = upstreams.every((u) => u.targets.length === 0 || u.targets.some((t) => t.healthy && !t.ejected));
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(`${JSON.stringify({ status: ok ? 'ok' : 'degraded', upstreams }, null, 2)}\n`);
      return;
    }
    if (path === '/__gw/routes') {
      const routes = compiled.gateway.routes.map((r) => ({
        id: r.id,
        method: r.method,
        path: r.path,
        service: r.service,
        upstream: r.upstream,
        upstreamPath: r.upstreamPath,
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(routes, null, 2)}\n`);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /__gw/health, /__gw/routes\n');
  });
}

export function listenAdmin(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
