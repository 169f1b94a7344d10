import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import { suggestClosest } from '../diagnostics/suggest.js';
import { targetOf } from '../model/target.js';
import type { Target, RuntimeGateway } from '../model/types.js';
import type { LogFormat } from './access-log.js';

/**
 * What the generated server.mjs hands the runtime: the model, and the variable that overrides each upstream (the node
 * target's view decides the names).
 */
export interface EmbeddedGateway {
  gateway: RuntimeGateway;
  /** Environment variable name -> upstream id, e.g. GW_UPSTREAM_USERS -> users. */
  upstreamEnv: Record<string, string>;
}

/** The generated gateway's settings, read from its environment. */
export interface StandaloneSettings {
  host: string;
  port: number;
  adminHost: string;
  adminPort: number | undefined;
  logFormat: LogFormat;
  drainMs: number;
  /** CLIENT_HEADER_TIMEOUT and CLIENT_REQUEST_TIMEOUT when set; the model's edge timeouts otherwise. */
  clientHeaderTimeoutMs: number | undefined;
  clientRequestTimeoutMs: number | undefined;
  /** UPSTREAM_CONNECTIONS when set; each upstream's connectionsPerTarget (the model's) otherwise. */
  upstreamConnections: number | undefined;
  /** Upstream id -> the targets that replace the model's. */
  overrides: Map<string, Target[]>;
}

/** Every prefix of an upstream override variable. */
export const UPSTREAM_ENV_PREFIX = 'GW_UPSTREAM_';

/** The defaults, the same as `gw serve`'s flags. */
export const STANDALONE_DEFAULTS = {
  adminHost: '127.0.0.1',
  logFormat: 'pretty' as LogFormat,
  drainSeconds: 10,
};

type Env = Record<string, string | undefined>;

/**
 * Reads and checks every variable, collecting all problems (GW_RUNTIME_ENV) before anyone fails. An empty value counts
 * as unset.
 */
export function readStandaloneEnv(
  env: Env,
  embedded: EmbeddedGateway,
): { settings: StandaloneSettings; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const get = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const bad = (name: string, why: string, hint: string) =>
    diagnostics.push(
      createDiagnostic('GW_RUNTIME_ENV', `${name}=${JSON.stringify(env[name])} ${why}`, { hints: [hint] }),
    );

  const integer = (
    name: string,
    min: number,
    max: number,
    fallback: number | undefined,
    unit: string,
  ): number | undefined => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
    bad(name, `is not ${unit}`, `set ${name} to a whole number from ${min} to ${max}, or leave it unset`);
    return fallback;
  };

  const g = embedded.gateway;
  const port = integer('PORT', 0, 65535, g.listen.port, 'a port number')!;
  const adminPort = integer('ADMIN_PORT', 0, 65535, undefined, 'a port number');
  const drain = integer('DRAIN_TIMEOUT', 0, 86_400, STANDALONE_DEFAULTS.drainSeconds, 'a number of seconds')!;
  const headers = integer('CLIENT_HEADER_TIMEOUT', 1, 86_400, undefined, 'a number of seconds');
  const request = integer('CLIENT_REQUEST_TIMEOUT', 1, 86_400, undefined, 'a number of seconds');
  const connections = integer('UPSTREAM_CONNECTIONS', 1, 65_535, undefined, 'a number of connections');

  let logFormat = STANDALONE_DEFAULTS.logFormat;
  const rawFormat = get('LOG_FORMAT');
  if (rawFormat !== undefined) {
    if (rawFormat === 'pretty' || rawFormat === 'json' || rawFormat === 'off') logFormat = rawFormat;
    else bad('LOG_FORMAT', 'is not a log format', 'set LOG_FORMAT to pretty, json or off');
  }

  const overrides = new Map<string, Target[]>();
  const byId = new Map(g.upstreams.map((u) => [u.id, u]));
  const known = Object.keys(embedded.upstreamEnv).sort();
  for (const name of Object.keys(env)
    .filter((n) => n.startsWith(UPSTREAM_ENV_PREFIX))
    .sort()) {
    const raw = get(name);
    if (raw === undefined) continue;
    const id = embedded.upstreamEnv[name];
    const upstream = id !== undefined ? byId.get(id) : undefined;
    if (!upstream) {
      const close = suggestClosest(
        name.slice(UPSTREAM_ENV_PREFIX.length),
        known.map((k) => k.slice(UPSTREAM_ENV_PREFIX.length)),
      );
      const hint = close
        ? `did you mean ${UPSTREAM_ENV_PREFIX}${close}?`
        : known.length
          ? `the upstream variables of this gateway are: ${known.join(', ')}`
          : 'this gateway has no upstreams to override';
      bad(name, 'names no upstream of this gateway', hint);
      continue;
    }
    const targets: Target[] = [];
    for (const item of raw.split(',').map((s) => s.trim())) {
      const parsed = parseTargetUrl(item, upstream.basePath);
      if (typeof parsed === 'string')
        bad(
          name,
          `has "${item}", which ${parsed}`,
          `write ${name}=http://host:port[,http://host2:port2...]; the base path "${upstream.basePath || '/'}" ` +
            `comes from the model`,
        );
      else targets.push(parsed);
    }
    if (targets.length > 0 && targets.length === raw.split(',').length) overrides.set(upstream.id, targets);
  }

  return {
    settings: {
      host: get('HOST') ?? g.listen.host,
      port,
      adminHost: get('ADMIN_HOST') ?? STANDALONE_DEFAULTS.adminHost,
      adminPort,
      logFormat,
      drainMs: drain * 1000,
      clientHeaderTimeoutMs: headers === undefined ? undefined : headers * 1000,
      clientRequestTimeoutMs: request === undefined ? undefined : request * 1000,
      upstreamConnections: connections,
      overrides,
    },
    diagnostics,
  };
}

/**
 * One override target: http(s)://host[:port], with no path but the upstream's base path, no query, no credentials.
 * Returns why not as a string.
 */
export function parseTargetUrl(raw: string, basePath: string): Target | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `uses "${url.protocol.slice(0, -1)}", but gw forwards only http and https`;
  if (!url.hostname) return 'has no host';
  if (url.search || url.hash || raw.endsWith('?') || raw.endsWith('#')) return 'has a query or fragment';
  if (url.username || url.password) return 'carries credentials';
  const path = url.pathname.replace(/\/+$/, '');
  if (path !== '' && path !== basePath)
    return `has the path "${url.pathname}", but only scheme, host and port can be overridden`;
  return targetOf(url);
}

/** The model with the overridden upstreams' targets replaced; the input is not changed. */
export function overrideUpstreams(gateway: RuntimeGateway, overrides: ReadonlyMap<string, Target[]>): RuntimeGateway {
  if (overrides.size === 0) return gateway;
  return {
    ...gateway,
    upstreams: gateway.upstreams.map((u) => (overrides.has(u.id) ? { ...u, targets: overrides.get(u.id)! } : u)),
  };
}
