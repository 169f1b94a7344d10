import { watch, type FSWatcher } from 'node:fs';
import { connect } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { createDiagnostic, GwError } from '../diagnostics/gw-error.js';
import { formatDiagnostics } from '../diagnostics/print.js';
import { isUrl } from '../importers/openapi/load.js';
import { subscribeAccessLog, type LogFormat } from '../runtime/access-log.js';
import { createAdminServer, listenAdmin } from '../runtime/admin.js';
import { compileGateway } from '../runtime/compile.js';
import { GatewayMetrics } from '../runtime/metrics.js';
import { GatewayServer } from '../runtime/server.js';
import { buildGateway } from './load-gateway.js';
import { loadProject } from '../project/load.js';
import type { Gateway } from '../model/types.js';

export interface ServeRequest {
  config: string;
  host?: string;
  port?: number;
  adminHost: string;
  adminPort?: number;
  logFormat: LogFormat;
  color: boolean;
  watch: boolean;
  drainMs: number;
  clientHeaderTimeoutMs: number;
  clientRequestTimeoutMs: number;
  /** Mock the services that have no upstream, or none that accepts a connection at start-up. */
  mockMissing: boolean;
}

export interface ServeSession {
  url: string;
  adminUrl: string | undefined;
  gateway: Gateway;
  stop(): Promise<{ dropped: number }>;
}

/** gw.yaml -> model -> compiled table -> a listening gateway, plus admin, logs, metrics and (with --watch) hot reload. */
export async function startServeSession(req: ServeRequest, report: (text: string) => void): Promise<ServeSession> {
  const { gateway, files } = await loadServable(req.config, req.mockMissing);
  const server = new GatewayServer(compileGateway(gateway), {
    host: req.host ?? gateway.listen.host,
    port: req.port ?? gateway.listen.port,
    headersTimeoutMs: req.clientHeaderTimeoutMs,
    clientRequestTimeoutMs: Math.max(req.clientRequestTimeoutMs, req.clientHeaderTimeoutMs),
  });
  // Metrics subscribe to the runtime's events only when something can scrape them.
  const metrics = req.adminPort !== undefined ? new GatewayMetrics() : undefined;
  metrics?.track(server.compiled);
  const unsubscribe = subscribeAccessLog(req.logFormat, (line) => process.stdout.write(line), req.color);
  let address;
  try {
    address = await server.listen();
  } catch (err) {
    unsubscribe();
    metrics?.close();
    throw listenError(err, req.host ?? gateway.listen.host, req.port ?? gateway.listen.port, '--port');
  }
  const admin = metrics ? createAdminServer(server, metrics) : undefined;
  let adminUrl: string | undefined;
  if (admin) {
    try {
      const a = await listenAdmin(admin, req.adminHost, req.adminPort!);
      adminUrl = `http://${hostForUrl(a.address)}:${a.port}`;
    } catch (err) {
      await server.close(0);
      throw listenError(err, req.adminHost, req.adminPort!, '--admin-port');
    }
  }
  const watcher = req.watch ? watchFiles(files, async () => reload(req.config, req.mockMissing, server, metrics, report)) : undefined;
  return {
    url: `http://${hostForUrl(address.address)}:${address.port}`,
    adminUrl,
    gateway,
    async stop() {
      watcher?.close();
      const result = await server.close(req.drainMs);
      await new Promise<void>((r) => (admin ? admin.close(() => r()) : r()));
      unsubscribe();
      metrics?.close();
      return result;
    },
  };
}

async function loadServable(config: string, mockMissing: boolean): Promise<{ gateway: Gateway; files: string[]; diagnostics: Diagnostic[] }> {
  const project = await loadProject(config);
  let built = await buildGateway(project);
  if (mockMissing) {
    const missing = await unreachableServices(built.gateway);
    if (missing.size > 0) built = await buildGateway(project, { mockServices: missing });
  }
  if (hasErrors(built.diagnostics)) throw new GwError(built.diagnostics);
  // Watch what the gateway is made of: gw.yaml, the specs and every file their $refs reach.
  const specs = (project.config.services ?? []).filter((s) => !isUrl(s.spec)).map((s) => (isAbsolute(s.spec) ? s.spec : resolve(project.dir, s.spec)));
  return { gateway: built.gateway, files: [...new Set([project.file, ...specs, ...built.files])], diagnostics: built.diagnostics };
}

/** A broken edit keeps the last good configuration serving and says why. */
async function reload(config: string, mockMissing: boolean, server: GatewayServer, metrics: GatewayMetrics | undefined, report: (text: string) => void): Promise<string[] | undefined> {
  try {
    const { gateway, files } = await loadServable(config, mockMissing);
    server.swap(compileGateway(gateway));
    metrics?.track(server.compiled);
    report(`reloaded: ${gateway.routes.length} routes, ${gateway.upstreams.length} upstreams\n`);
    return files;
  } catch (err) {
    const diagnostics = err instanceof GwError ? err.diagnostics : [createDiagnostic('GW_INTERNAL', err instanceof Error ? err.message : String(err))];
    const note = createDiagnostic('GW_SERVE_RELOAD', 'the new configuration has errors; still serving the last good one', { hints: ['fix the problems above and save again'] });
    report(formatDiagnostics([...diagnostics, note], { color: false }));
    return undefined;
  }
}

/** Watches gw.yaml and the local specs (their folders, so editors that replace files are seen too); debounced. */
function watchFiles(files: string[], onChange: () => Promise<string[] | undefined>): { close(): void } {
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const arm = (list: string[]) => {
    for (const w of watchers) w.close();
    const dirs = [...new Set(list.map((f) => resolve(f, '..')))];
    watchers = dirs.map((d) =>
      watch(d, { recursive: false }, () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          running = running.then(async () => {
            const next = await onChange();
            if (next) arm(next);
          });
        }, 150);
      }),
    );
  };
  arm(files);
  return {
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}

/** Services whose default upstream has no target, or none that accepts a TCP connection within 500 ms. */
async function unreachableServices(gateway: Gateway): Promise<Set<string>> {
  const out = new Set<string>();
  await Promise.all(
    gateway.services.map(async (s) => {
      const targets = gateway.upstreams.find((u) => u.id === s.upstream)?.targets ?? [];
      const reachable = await Promise.all(targets.map((t) => canConnect(t.host, t.port)));
      if (!reachable.includes(true)) out.add(s.name);
    }),
  );
  return out;
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 500 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function listenError(err: unknown, host: string, port: number, flag: string): GwError {
  const code = (err as { code?: string }).code;
  const why = code === 'EADDRINUSE' ? 'is already in use' : code === 'EACCES' ? 'needs privileges gw does not have' : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' ? 'is not an address of this machine' : 'cannot be used';
  return GwError.of('GW_SERVE_LISTEN', `${host}:${port} ${why}`, {
    hints: [`pick another port with ${flag} (${flag} 0 takes a free one), or stop what listens there`],
    cause: err,
  });
}

function hostForUrl(address: string): string {
  if (address === '0.0.0.0' || address === '::') return '127.0.0.1';
  return address.includes(':') ? `[${address}]` : address;
}
