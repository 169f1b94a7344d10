import type { Server } from 'node:http';
import type { RuntimeGateway } from '../model/types.js';
import { GwError } from '../diagnostics/gw-error.js';
import { subscribeAccessLog, type LogFormat } from './access-log.js';
import { createAdminServer, listenAdmin } from './admin.js';
import { loadAuthSecrets, type SecretsContext } from './auth/load-auth-secrets.js';
import { compileGateway, type CompiledGateway } from './compile.js';
import { GatewayMetrics } from './metrics.js';
import { GatewayServer } from './server.js';
import { type ListenExtras, loadListenTls, startListenExtras, urlHost } from './listen-extras.js';
import { createRateLimitStore, sameStore } from './rate-limit/create-store.js';
import { MemoryStore } from './rate-limit/memory-store.js';
import { subscribeRateLimitStoreLog } from './rate-limit/store-log.js';
import type { RateLimitStore } from './rate-limit/store.js';

/**
 * The one way to run a gateway from a model, shared by `gw serve` and the generated Node
 * gateway (src/runtime/standalone.ts): the server, the access log, the admin listener with its
 * metrics, the ready line and the graceful stop. It knows nothing of gw.yaml, flags or
 * environment variables; its callers turn those into these options.
 */
export interface StartGatewayOptions {
  host: string;
  port: number;
  adminHost: string;
  /** Serve /metrics, /__gw/health and /__gw/routes on this port; no admin listener when absent. */
  adminPort?: number;
  logFormat: LogFormat;
  color: boolean;
  /** Where access log lines go (stdout by default). */
  writeLog?: (line: string) => void;
  /** Where warnings in words go (stderr by default): the rate-limit store's outages. */
  writeWarning?: (line: string) => void;
  /** Override the model's edge.headerTimeoutMs and edge.requestTimeoutMs (a flag or variable that was set). */
  clientHeaderTimeoutMs?: number;
  clientRequestTimeoutMs?: number;
  /** How long requests in flight may run on after stop() before they are cut. */
  drainMs: number;
  /** Connections open to each upstream target at most (each upstream's connectionsPerTarget when absent). */
  upstreamConnections?: number;
  /** Where the secrets of `credentials` are read: the folder relative files resolve against, and the environment. */
  secrets: SecretsContext;
  /**
   * How the user sets the ports, for the hint when one cannot be used: `--port` (a flag) or `PORT` (an environment
   * variable).
   */
  portSettings?: { port: string; adminPort: string };
}

export interface StartedGateway {
  /** http(s)://host:port of the client listener, the real port when 0 was asked. */
  readonly url: string;
  /** http://host:port of the listener that redirects to https (gw.yaml listen.redirectHttp), when there is one. */
  readonly redirectUrl: string | undefined;
  readonly adminUrl: string | undefined;
  /** The model being served now (the latest one after swap). */
  readonly gateway: RuntimeGateway;
  /**
   * Serve another model from now on (hot reload; secrets are read again); requests already running finish on the old
   * table. Throws GwError when a secret cannot be read, and the old table keeps serving.
   */
  swap(gateway: RuntimeGateway): Promise<void>;
  /** Stop accepting, drain for up to drainMs, close pools, admin listener and subscribers. */
  stop(): Promise<{ dropped: number }>;
}

const FLAG_SETTINGS = { port: '--port', adminPort: '--admin-port' };

export async function startGateway(gateway: RuntimeGateway, options: StartGatewayOptions): Promise<StartedGateway> {
  const settings = options.portSettings ?? FLAG_SETTINGS;
  // Unreadable secrets (GW_AUTH_SECRET) stop the start here, before anything listens.
  const secrets = await loadAuthSecrets(gateway, options.secrets);
  const write = options.writeLog ?? ((line: string) => void process.stdout.write(line));
  const warn = options.writeWarning ?? ((line: string) => void process.stderr.write(line));
  const files = { baseDir: options.secrets.baseDir, baseDirName: options.secrets.baseDirName };
  // Certificates that cannot be used (GW_TLS_CERTIFICATE) stop the start here too.
  const tls = await loadListenTls(gateway, files, warn);
  // Rate-limit counters outlive reloads; a Redis store warns once per outage (and once when it is back).
  const unsubscribeStore = subscribeRateLimitStoreLog(options.logFormat, write, warn);
  let firstStore: RateLimitStore | undefined;
  let compiled: CompiledGateway;
  // Failed credential checks per client (settings.auth.failureLimit) are counted in this process, across reloads too.
  const authFailureStore = new MemoryStore();
  try {
    firstStore = createRateLimitStore(gateway, options.secrets.env);
    compiled = compileGateway(gateway, {
      secrets,
      rateLimitStore: firstStore,
      connectionsPerTarget: options.upstreamConnections,
      authFailureStore,
    });
  } catch (err) {
    await authFailureStore.close();
    await firstStore?.close();
    unsubscribeStore();
    throw err;
  }
  // A Redis store gets a moment to connect, so the first requests are counted; never fails the start.
  let store: RateLimitStore = firstStore;
  await store.ready(2_000);
  const server = new GatewayServer(compiled, {
    host: options.host,
    port: options.port,
    headersTimeoutMs: options.clientHeaderTimeoutMs,
    clientRequestTimeoutMs: options.clientRequestTimeoutMs,
    tls,
  });
  // Metrics subscribe to the runtime's events only when something can scrape them.
  const metrics = options.adminPort !== undefined ? new GatewayMetrics() : undefined;
  metrics?.track(server.compiled);
  const unsubscribe = subscribeAccessLog(options.logFormat, write, options.color);
  let address: Awaited<ReturnType<typeof server.listen>>;
  try {
    address = await server.listen();
  } catch (err) {
    unsubscribe();
    unsubscribeStore();
    metrics?.close();
    await store.close();
    await authFailureStore.close();
    throw listenError(err, options.host, options.port, settings.port);
  }
  let extras: ListenExtras;
  try {
    extras = await startListenExtras(gateway, server, address, { host: options.host, files, warn });
  } catch (err) {
    await server.close(0);
    unsubscribe();
    unsubscribeStore();
    metrics?.close();
    await store.close();
    await authFailureStore.close();
    throw listenError(err, options.host, gateway.listen.redirectHttp!, 'listen.redirectHttp');
  }
  let admin: Server | undefined;
  let adminUrl: string | undefined;
  if (metrics) {
    admin = createAdminServer(server, metrics);
    try {
      const a = await listenAdmin(admin, options.adminHost, options.adminPort!);
      adminUrl = `http://${urlHost(a.address)}:${a.port}`;
    } catch (err) {
      await extras.close();
      await server.close(0);
      unsubscribe();
      unsubscribeStore();
      metrics.close();
      await store.close();
      await authFailureStore.close();
      throw listenError(err, options.adminHost, options.adminPort!, settings.adminPort);
    }
  }
  return {
    url: `${tls ? 'https' : 'http'}://${urlHost(address.address)}:${address.port}`,
    redirectUrl: extras.redirectUrl,
    adminUrl,
    get gateway() {
      return server.compiled.gateway;
    },
    async swap(next) {
      const nextSecrets = await loadAuthSecrets(next, options.secrets);
      const keep = sameStore(server.compiled.gateway, next);
      const nextStore = keep ? store : createRateLimitStore(next, options.secrets.env);
      let table: ReturnType<typeof compileGateway>;
      try {
        table = compileGateway(next, {
          secrets: nextSecrets,
          rateLimitStore: nextStore,
          connectionsPerTarget: options.upstreamConnections,
          authFailureStore,
        });
      } catch (err) {
        if (!keep) await nextStore.close();
        throw err;
      }
      const listenChanged = JSON.stringify(next.listen) !== JSON.stringify(server.compiled.gateway.listen);
      server.swap(table);
      if (listenChanged) warn('note: gw.yaml `listen` changed; it applies at the next start (routes reload now)\n');
      metrics?.track(server.compiled);
      if (!keep) {
        const old = store;
        store = nextStore;
        await old.close();
      }
    },
    async stop() {
      await extras.close();
      const result = await server.close(options.drainMs);
      await new Promise<void>((r) => (admin ? admin.close(() => r()) : r()));
      await store.close();
      await authFailureStore.close();
      unsubscribe();
      unsubscribeStore();
      metrics?.close();
      return result;
    },
  };
}

function listenError(err: unknown, host: string, port: number, setting: string): GwError {
  const code = (err as { code?: string }).code;
  const why =
    code === 'EADDRINUSE'
      ? 'is already in use'
      : code === 'EACCES'
        ? 'needs privileges gw does not have'
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? 'is not an address of this machine'
          : 'cannot be used';
  const zero = setting.startsWith('-') ? `${setting} 0` : `${setting}=0`;
  const pick = setting.startsWith('listen.')
    ? `set another port in gw.yaml ${setting} (0 takes a free one)`
    : `pick another port with ${setting} (${zero} takes a free one)`;
  return GwError.of('GW_SERVE_LISTEN', `${host}:${port} ${why}`, {
    hints: [`${pick}, or stop what listens there`],
    cause: err,
  });
}
