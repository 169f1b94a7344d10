import type { Edge, TrustedProxies } from '../model/types.js';
import type { DurationInput, EdgeInput } from './config.js';
import { PATH_MARKERS, refusedPaths } from '../model/path-forms.js';
import { parseIpRange } from './ip-range.js';
import { parseDuration, parseSize } from './settings.js';

/** The built-in edge rules (docs/gw-yaml.md): nginx's defaults where nginx has the same setting. */
export const DEFAULT_EDGE: Edge = {
  underscoresInHeaders: 'drop',
  headerTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  bodyTimeoutMs: 60_000,
  sendTimeoutMs: 60_000,
  bodyBufferBytes: 1024 * 1024,
  bodyMemoryBytes: 128 * 1024 * 1024,
  bodiesPerClient: 32,
  maxHeaderBytes: 16 * 1024,
  upstreamIdleTimeoutMs: 4_000,
  paths: { refused: refusedPaths(), markers: [...PATH_MARKERS] },
  trustedProxies: null,
  serverNames: [],
  maxConnections: 10_000,
};

/** gw.yaml `edge` (already checked against the schema) in model form; every key left out takes its default. */
export function resolveEdge(input: EdgeInput | undefined): Edge {
  const d = DEFAULT_EDGE;
  const t = input?.timeouts;
  const b = input?.requestBodies;
  return {
    underscoresInHeaders: input?.underscoresInHeaders ?? d.underscoresInHeaders,
    headerTimeoutMs: t?.header !== undefined ? timeout(t.header) : d.headerTimeoutMs,
    requestTimeoutMs: t?.request !== undefined ? timeout(t.request) : d.requestTimeoutMs,
    bodyTimeoutMs: t?.body !== undefined ? timeout(t.body) : d.bodyTimeoutMs,
    sendTimeoutMs: t?.send !== undefined ? timeout(t.send) : d.sendTimeoutMs,
    bodyBufferBytes: b?.buffer !== undefined ? parseSize(b.buffer) : d.bodyBufferBytes,
    bodyMemoryBytes: b?.memory !== undefined ? parseSize(b.memory) : d.bodyMemoryBytes,
    bodiesPerClient: b?.perClient ?? d.bodiesPerClient,
    maxHeaderBytes: input?.maxHeaderSize !== undefined ? parseSize(input.maxHeaderSize) : d.maxHeaderBytes,
    upstreamIdleTimeoutMs: t?.upstreamIdle !== undefined ? timeout(t.upstreamIdle) : d.upstreamIdleTimeoutMs,
    // One rule for every plane, not a choice: the forms the planes could route differently (src/model/path-forms.ts).
    paths: { refused: d.paths.refused.map((r) => ({ ...r })), markers: [...d.paths.markers] },
    trustedProxies: input?.trustedProxies ? trustedProxies(input.trustedProxies) : d.trustedProxies,
    serverNames: [...new Set((input?.serverNames ?? []).map((n) => n.toLowerCase()))].sort(),
    maxConnections: input?.maxConnections ?? d.maxConnections,
  };
}

/** Checked by edgeProblems with the schema: every address parses. */
function trustedProxies(input: NonNullable<EdgeInput['trustedProxies']>): TrustedProxies {
  return {
    addresses: (input.addresses ?? []).map((a) => {
      const parsed = parseIpRange(a);
      if (!parsed.ok) throw new Error(`edge.trustedProxies: "${a}" passed the gw.yaml check but does not parse`);
      return parsed.range;
    }),
    hops: input.hops ?? null,
  };
}

/** The schema allows only durations above zero; a fraction of a millisecond still counts as one. */
function timeout(value: DurationInput): number {
  return Math.max(1, parseDuration(value));
}
