import { gzipSync } from 'node:zlib';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import { runtimeSubset } from '../../model/runtime-subset.js';
import type { Gateway, Upstream } from '../../model/types.js';

/**
 * What templates/node/*.hbs print. Every decision of the node target is made here: the
 * environment variable of each upstream, the container port, how the model is embedded.
 * The runtime reads the environment itself (src/runtime/standalone-env.ts) with the same
 * defaults as `gw serve`; this view only names and documents them.
 */
export interface NodeView {
  name: string;
  routeCount: number;
  serviceCount: number;
  upstreamCount: number;
  /** The model as a JavaScript object literal (JSON, indented, safe for every key); '' when packed. */
  model: string;
  /** Above PACK_MODEL_ABOVE: the model packed (packModel), base64 text; '' otherwise. */
  packedModel: string;
  /** The size of the model's compact JSON, in bytes, for the comment above a packed model. */
  modelBytes: number;
  upstreams: NodeUpstreamView[];
  /** Services answered from their specs' examples (gw.yaml `mock: true`), as "a, b"; '' when none. */
  mocked: string;
  /** What the JSON ready line looks like for this gateway on its default address. */
  readyExample: string;
  listen: { host: string; port: number };
  /** The port the container listens on and EXPOSEs. */
  containerPort: number;
  nodeImage: string;
  /** The client timeouts are the model's (gw.yaml `edge.timeouts`), in seconds; the variables override them. */
  defaults: {
    adminHost: string;
    logFormat: string;
    drainSeconds: number;
    clientHeaderTimeoutSeconds: number;
    clientRequestTimeoutSeconds: number;
  };
}

export interface NodeUpstreamView {
  id: string;
  service: string;
  /** The variable that replaces this upstream's targets, e.g. GW_UPSTREAM_USERS. */
  envVar: string;
  /** For server.mjs: the variable name and the id as JavaScript string literals. */
  envVarJs: string;
  idJs: string;
  /** The model's targets, comma-separated, as the variable would spell them; '' when none. */
  targets: string;
  /** '/' when the upstream has none. */
  basePath: string;
  balancing: string;
}

export const UPSTREAM_ENV_PREFIX = 'GW_UPSTREAM_';
/** The official image the Dockerfile starts from: Node 20, Debian slim. */
export const NODE_IMAGE = 'node:20-slim';
const FALLBACK_CONTAINER_PORT = 8080;
/**
 * A model whose compact JSON is longer than this (1 MiB) is embedded packed; a smaller one as an indented literal a
 * reviewer can read (every golden case).
 */
export const PACK_MODEL_ABOVE = 1024 * 1024;

export interface NodeViewOptions {
  /** Bytes of compact JSON above which the model is packed; PACK_MODEL_ABOVE unless a test says otherwise. */
  packAbove?: number;
}

/**
 * GW_UPSTREAM_ + the id in upper case, '-' as '_' and '~' (a path- or operation-level upstream) as '__': users~1 ->
 * GW_UPSTREAM_USERS__1.
 */
export function upstreamEnvVar(id: string): string {
  return UPSTREAM_ENV_PREFIX + id.toUpperCase().replace(/-/g, '_').replace(/~/g, '__');
}

export function buildNodeView(
  gateway: Gateway,
  options: NodeViewOptions = {},
): { view: NodeView; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const taken = new Map<string, string>();
  const upstreams: NodeUpstreamView[] = [];
  for (const u of [...gateway.upstreams].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const envVar = upstreamEnvVar(u.id);
    const owner = taken.get(envVar);
    if (owner !== undefined) {
      diagnostics.push(collision(u, owner, envVar));
      continue;
    }
    taken.set(envVar, u.id);
    upstreams.push({
      id: u.id,
      service: u.service,
      envVar,
      envVarJs: JSON.stringify(envVar),
      idJs: JSON.stringify(u.id),
      targets: u.targets.map((t) => t.url).join(','),
      basePath: u.basePath || '/',
      balancing: u.balancing,
    });
  }
  const port = gateway.listen.port;
  const mocked = gateway.services.filter((s) => s.mock).map((s) => s.name);
  return {
    view: {
      name: gateway.name,
      routeCount: gateway.routes.length,
      serviceCount: gateway.services.length,
      upstreamCount: gateway.upstreams.length,
      ...embeddedModel(gateway, options.packAbove ?? PACK_MODEL_ABOVE),
      upstreams,
      mocked: mocked.join(', '),
      readyExample: JSON.stringify({
        event: 'ready',
        url: `${gateway.listen.tls ? 'https' : 'http'}://${urlHost(gateway.listen.host)}:${port}`,
        admin: null,
        routes: gateway.routes.length,
        upstreams: gateway.upstreams.length,
        mocked,
      }),
      listen: { host: gateway.listen.host, port },
      // A non-root user may not bind below 1024 everywhere; 0 (any port) cannot be published.
      containerPort: port >= 1024 ? port : FALLBACK_CONTAINER_PORT,
      nodeImage: NODE_IMAGE,
      defaults: {
        adminHost: '127.0.0.1',
        logFormat: 'pretty',
        drainSeconds: 10,
        clientHeaderTimeoutSeconds: gateway.edge.headerTimeoutMs / 1000,
        clientRequestTimeoutSeconds: gateway.edge.requestTimeoutMs / 1000,
      },
    },
    diagnostics,
  };
}

/** The runtime's part of the model, as a literal or, above `packAbove` bytes of JSON, packed. */
function embeddedModel(gateway: Gateway, packAbove: number): Pick<NodeView, 'model' | 'packedModel' | 'modelBytes'> {
  const subset = runtimeSubset(gateway);
  const json = JSON.stringify(subset);
  const modelBytes = Buffer.byteLength(json);
  if (modelBytes <= packAbove) return { model: toJsLiteral(subset), packedModel: '', modelBytes };
  return { model: '', packedModel: packModel(json), modelBytes };
}

/**
 * The model's JSON text gzip-compressed (level 9: the same text packs to the same bytes) as base64, what
 * unpackGateway (src/runtime/packed-gateway.ts) reads back in the generated gateway.
 */
export function packModel(json: string): string {
  return gzipSync(json, { level: 9 }).toString('base64');
}

/** As the ready line prints an address: a wildcard as 127.0.0.1, IPv6 in brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function collision(u: Upstream, owner: string, envVar: string): Diagnostic {
  return createDiagnostic(
    'GW_TARGET_INEXACT',
    `node: upstreams "${owner}" and "${u.id}" would both be overridden by ${envVar}; "${u.id}" gets no override ` +
      `variable`,
    {
      kind: 'node.env-collision',
      locations: [{ file: u.source.file, pointer: u.source.pointer }],
      hints: [`rename service "${u.service}" so its name has no "--"`],
    },
  );
}

/**
 * A JSON value as a JavaScript literal: JSON text, 2-space indented, except that a key named
 * "__proto__" is written as a computed key, so it stays an own property and does not set the
 * object's prototype. JSON strings are valid JavaScript strings (ES2019), so values need nothing.
 */
export function toJsLiteral(value: unknown): string {
  // JSON.stringify indents exactly as print() does and is several times faster on a large model;
  // print() is needed only when some key may be "__proto__".
  const json = JSON.stringify(value, null, 2);
  if (!json.includes('"__proto__"')) return json;
  return print(JSON.parse(json) as unknown, '');
}

function print(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + print(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const key = (k: string) => (k === '__proto__' ? '["__proto__"]' : JSON.stringify(k));
  return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${print(v, inner)}`).join(',\n')}\n${indent}}`;
}
