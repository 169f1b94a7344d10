import { watch, type FSWatcher } from 'node:fs';
import { connect } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors, unacknowledged } from '../diagnostics/diagnostic.js';
import { CODES } from '../diagnostics/codes.js';
import { createDiagnostic, GwError } from '../diagnostics/gw-error.js';
import { formatDiagnostics } from '../diagnostics/print.js';
import { isUrl } from '../importers/openapi/load.js';
import type { LogFormat } from '../runtime/access-log.js';
import { startGateway, type StartedGateway } from '../runtime/start-gateway.js';
import { buildGateway } from './load-gateway.js';
import { readServeCache, type Servable, writeServeCache } from './serve-cache.js';
import { loadProject, type Project } from '../project/load.js';
import { runtimeSubset } from '../model/runtime-subset.js';
import type { RuntimeGateway, SchemeCredentials } from '../model/types.js';

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
  /** --client-header-timeout and --client-request-timeout when given; gw.yaml `edge.timeouts` otherwise. */
  clientHeaderTimeoutMs?: number;
  clientRequestTimeoutMs?: number;
  /** Connections open to each upstream target at most. */
  upstreamConnections: number | undefined;
  /** Mock the services that have no upstream, or none that accepts a connection at start-up. */
  mockMissing: boolean;
  /** Reuse the model of the last start when nothing it was built from changed, and store it (serve-cache.ts). */
  cache: boolean;
}

export interface ServeSession {
  /** The running gateway (ready line, swap). */
  started: StartedGateway;
  url: string;
  adminUrl: string | undefined;
  gateway: RuntimeGateway;
  /** Whether the model came from the start-up cache. */
  cached: boolean;
  stop(): Promise<{ dropped: number }>;
}

/** gw.yaml -> model -> a running gateway (src/runtime/start-gateway.ts), plus (with --watch) hot reload. */
export async function startServeSession(req: ServeRequest, report: (text: string) => void): Promise<ServeSession> {
  const { gateway, files, dir, warnings, cached } = await loadServable(req);
  if (warnings.length > 0) report(formatDiagnostics(warnings, { color: req.color }));
  const started = await startGateway(gateway, {
    host: req.host ?? gateway.listen.host,
    port: req.port ?? gateway.listen.port,
    adminHost: req.adminHost,
    adminPort: req.adminPort,
    logFormat: req.logFormat,
    color: req.color,
    clientHeaderTimeoutMs: req.clientHeaderTimeoutMs,
    clientRequestTimeoutMs: req.clientRequestTimeoutMs,
    drainMs: req.drainMs,
    upstreamConnections: req.upstreamConnections,
    // Secrets of gw.yaml `credentials`: files relative to gw.yaml's folder, variables from gw's environment.
    secrets: { baseDir: dir, baseDirName: "gw.yaml's folder", env: process.env },
  });
  const watcher = req.watch ? watchFiles(files, async () => reload(req, started, report)) : undefined;
  return {
    started,
    url: started.url,
    adminUrl: started.adminUrl,
    gateway,
    cached,
    async stop() {
      watcher?.close();
      return started.stop();
    },
  };
}

interface Loaded extends Servable {
  /** Everything to watch: gw.yaml, the specs, every file their $refs reach, the credentials' files. */
  files: string[];
  dir: string;
  cached: boolean;
}

async function loadServable(req: Pick<ServeRequest, 'config' | 'mockMissing' | 'cache'>): Promise<Loaded> {
  const startedAt = Date.now();
  const project = await loadProject(req.config);
  let servable = await loadModel(project, [], req.cache, startedAt);
  if (req.mockMissing) {
    const missing = await unreachableServices(servable.gateway);
    if (missing.size > 0) servable = await loadModel(project, [...missing].sort(), req.cache, startedAt);
  }
  if (servable.errors) throw new GwError(servable.errors);
  // Watch what the gateway is made of: gw.yaml, the specs and every file their $refs reach.
  const specs = (project.config.services ?? [])
    .filter((s) => !isUrl(s.spec))
    .map((s) => (isAbsolute(s.spec) ? s.spec : resolve(project.dir, s.spec)));
  // The credentials' files too: editing a keys or htpasswd file reloads like editing gw.yaml.
  const secrets = servable.gateway.securitySchemes
    .flatMap((s) => secretFiles(s.credentials))
    .map((f) => resolve(project.dir, f));
  return {
    ...servable,
    files: [...new Set([project.file, ...specs, ...servable.files, ...secrets])],
    dir: project.dir,
  };
}

/**
 * The part of the model the runtime reads, with the warnings to print: from the start-up cache when
 * nothing changed, else built from gw.yaml and the specs (and then stored, unless it has errors:
 * `errors` then holds every diagnostic, and the gateway is incomplete).
 */
async function loadModel(
  project: Project,
  mockServices: string[],
  cache: boolean,
  startedAt: number,
): Promise<Servable & { cached: boolean; errors?: Diagnostic[] }> {
  const key = { project, mockServices };
  const stored = cache ? await readServeCache(key) : undefined;
  if (stored) return { ...stored, cached: true };
  const built = await buildGateway(project, { mockServices: new Set(mockServices) });
  const servable = {
    gateway: runtimeSubset(built.gateway),
    warnings: behaviourWarnings(built.diagnostics),
    files: built.files,
  };
  if (hasErrors(built.diagnostics)) return { ...servable, cached: false, errors: built.diagnostics };
  if (cache) await writeServeCache(key, servable, { remote: built.remote, startedAt });
  return { ...servable, cached: false };
}

/** The warnings that change what clients get (codes.ts `atServe`): gw serve prints them when it (re)loads. */
export function behaviourWarnings(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return unacknowledged(diagnostics).filter(
    (d) => d.severity === 'warning' && (CODES as Record<string, { atServe?: true }>)[d.code]?.atServe === true,
  );
}

function secretFiles(c: SchemeCredentials | null): string[] {
  if (!c) return [];
  if (c.kind !== 'jwt') return 'file' in c.source ? [c.source.file] : [];
  return [
    ...(c.secret && 'file' in c.secret ? [c.secret.file] : []),
    ...(c.jwks && 'file' in c.jwks ? [c.jwks.file] : []),
  ];
}

/** A broken edit keeps the last good configuration serving and says why. */
async function reload(
  req: ServeRequest,
  started: StartedGateway,
  report: (text: string) => void,
): Promise<string[] | undefined> {
  try {
    const { gateway, files, warnings } = await loadServable(req);
    await started.swap(gateway);
    if (warnings.length > 0) report(formatDiagnostics(warnings, { color: false }));
    report(`reloaded: ${gateway.routes.length} routes, ${gateway.upstreams.length} upstreams\n`);
    return files;
  } catch (err) {
    const diagnostics =
      err instanceof GwError
        ? err.diagnostics
        : [createDiagnostic('GW_INTERNAL', err instanceof Error ? err.message : String(err))];
    const note = createDiagnostic(
      'GW_SERVE_RELOAD',
      'the new configuration has errors; still serving the last good one',
      { hints: ['fix the problems above and save again'] },
    );
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

/**
 * Services whose default upstream has no target, or none that accepts a TCP connection within 500 ms. A service
 * whose routes are all composites (a gateway spec) forwards nowhere, so it is never mocked.
 */
async function unreachableServices(gateway: RuntimeGateway): Promise<Set<string>> {
  const out = new Set<string>();
  const forwarding = new Set(gateway.routes.filter((r) => r.compose === undefined).map((r) => r.service));
  await Promise.all(
    gateway.services.map(async (s) => {
      if (!forwarding.has(s.name)) return;
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
