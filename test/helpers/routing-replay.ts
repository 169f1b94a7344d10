import { segmentAccepts } from '../../src/model/path.js';
import type { Gateway, Route } from '../../src/model/types.js';
import { type CompiledGateway, forwardPath } from '../../src/runtime/compile.js';
import { normalizePath } from '../../src/runtime/normalize-path.js';
import { type EnvoyTable, replayEnvoy } from './envoy-replay.js';

/**
 * The routing replay: the same requests through gw serve's normaliser and router (in process) and
 * through a replay of Envoy's routing over the generated envoy.yaml (envoy-replay.ts), compared on
 * the route chosen and the upstream path. A request must reach the same route everywhere, or be
 * refused everywhere.
 */
export interface ReplayRequest {
  method: string;
  target: string;
  /** Which form of path it is: `plain` for a route's own path, else the hostile form's name. */
  form: string;
}

/** Where one plane sends a request: a route (and upstream path when it forwards), a 405, or nowhere. */
export type Verdict =
  | { kind: 'route'; id: string; upstreamPath: string | null }
  | { kind: 'method-not-allowed' }
  | { kind: 'no-route'; status: number };

export interface Mismatch {
  kind: 'route' | 'upstream-path' | 'escape-form' | 'refusal-status';
  request: ReplayRequest;
  gw: Verdict;
  envoy: Verdict;
}

export function gwVerdict(compiled: CompiledGateway, method: string, target: string): Verdict {
  const q = target.indexOf('?');
  const segments = normalizePath(q === -1 ? target : target.slice(0, q), compiled.gateway.edge.paths);
  if (!segments) return { kind: 'no-route', status: 400 };
  const match = compiled.router.lookup(method, segments);
  if (match.kind === 'not-found') return { kind: 'no-route', status: 404 };
  if (match.kind === 'method-not-allowed') return { kind: 'method-not-allowed' };
  const route = match.value;
  const query = q === -1 ? '' : target.slice(q);
  return { kind: 'route', id: route.id, upstreamPath: route.mock ? null : forwardPath(route, match.params) + query };
}

export function envoyVerdict(table: EnvoyTable, ids: ReadonlySet<string>, method: string, target: string): Verdict {
  const out = replayEnvoy(table, method, target);
  if (out.kind === 'refused') return { kind: 'no-route', status: out.status };
  if (out.kind === 'none') return { kind: 'no-route', status: 404 };
  if (out.kind === 'route') return { kind: 'route', id: out.name, upstreamPath: out.upstreamPath };
  if (out.status === 405) return { kind: 'method-not-allowed' };
  if (ids.has(out.name)) return { kind: 'route', id: out.name, upstreamPath: null };
  // A route of Envoy's own before the model's (a refused path form): the request reaches no model route.
  return { kind: 'no-route', status: out.status };
}

/** Undefined when both planes agree; else what differs. */
export function compare(request: ReplayRequest, gw: Verdict, envoy: Verdict): Mismatch | undefined {
  const kind = differs(gw, envoy);
  return kind === undefined ? undefined : { kind, request, gw, envoy };
}

function differs(gw: Verdict, envoy: Verdict): Mismatch['kind'] | undefined {
  if (gw.kind !== envoy.kind) return 'route';
  if (gw.kind === 'no-route' && envoy.kind === 'no-route')
    return gw.status === envoy.status ? undefined : 'refusal-status';
  if (gw.kind !== 'route' || envoy.kind !== 'route') return undefined;
  if (gw.id !== envoy.id) return 'route';
  if (gw.upstreamPath === envoy.upstreamPath) return undefined;
  // A route the gateway answers itself in one plane (a mock, or auth that can never pass) has no upstream path.
  if (gw.upstreamPath === null || envoy.upstreamPath === null) return undefined;
  return safeDecode(gw.upstreamPath) === safeDecode(envoy.upstreamPath) ? 'escape-form' : 'upstream-path';
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** A value each parameter of the route accepts (tried from a short list), or undefined when none fits. */
export function samplePath(r: Route, value = (name: string) => `v-${name.length}`): string | undefined {
  let path = '';
  for (const seg of r.segments) {
    const params = seg.parts.filter((p) => 'param' in p);
    const tries = [[], ['1'], ['true'], ['a'], ['1.5']].map((fixed) => params.map((p) => fixed[0] ?? value(p.param)));
    tries.push(
      ...enumTries(
        r,
        params.map((p) => p.param),
      ),
    );
    const fits = tries.find((vals) => segmentAccepts(seg, r.params, fill(seg.parts, vals)));
    if (!fits) return undefined;
    path += `/${fill(seg.parts, fits)}`;
  }
  return path === '' ? '/' : path;
}

function enumTries(r: Route, names: string[]): string[][] {
  const first = names.map((n) => r.params.find((p) => p.name === n)?.schema.enum?.[0]);
  return first.every((v) => v !== undefined) ? [first.map(String)] : [];
}

function fill(parts: Route['segments'][number]['parts'], values: string[]): string {
  let i = 0;
  return parts.map((p) => ('literal' in p ? p.literal : values[i++])).join('');
}

/** The route ids of the model, for telling model routes from Envoy's own (405, preflight) routes. */
export function routeIds(gateway: Gateway): Set<string> {
  return new Set(gateway.routes.map((r) => r.id));
}
