import type { Diagnostic, Location } from '../diagnostics/diagnostic.js';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import type { ServiceFragment } from '../model/fragment.js';
import { cmp, compareRoutes } from '../model/order.js';
import {
  MODEL_VERSION,
  type ComposeDraft,
  type Edge,
  type Gateway,
  type Listen,
  type RateLimitStore,
} from '../model/types.js';
import { findRouteConflicts } from './conflicts.js';
import { settleCompositions } from './compose-plan.js';
import { decideGateway } from './decide-gateway.js';

export interface GatewayOptions {
  name: string;
  listen: Listen;
  rateLimitStore: RateLimitStore;
  edge: Edge;
}

export interface MergeResult {
  gateway: Gateway;
  diagnostics: Diagnostic[];
}

/**
 * Fragments -> the Gateway. Everything is sorted (services and upstreams by name, routes by the
 * precedence rule), so the same specs in any order give the same model, byte for byte; then the
 * decisions that need the whole gateway are settled (decide-gateway.ts).
 */
export function mergeFragments(fragments: readonly ServiceFragment[], options: GatewayOptions): MergeResult {
  const sorted = [...fragments].sort(
    (a, b) => cmp(a.service.name, b.service.name) || cmp(a.service.source.file, b.service.source.file),
  );
  const diagnostics: Diagnostic[] = [...findDuplicateServices(sorted), ...findMissingUpstreams(sorted)];
  const drafts = new Map<string, ComposeDraft>();
  const decided = decideGateway({
    modelVersion: MODEL_VERSION,
    name: options.name,
    listen: structuredClone(options.listen),
    services: sorted.map((f) => ({ ...f.service, routes: f.routes.map((r) => r.id).sort() })),
    upstreams: sorted.flatMap((f) => f.upstreams).sort((a, b) => cmp(a.id, b.id)),
    routes: sorted
      .flatMap((f) => f.routes)
      .map(({ composeDraft, ...route }) => {
        if (composeDraft) drafts.set(route.id, composeDraft);
        return route;
      })
      .sort(compareRoutes),
    securitySchemes: sorted.flatMap((f) => f.securitySchemes).sort((a, b) => cmp(a.id, b.id)),
    rateLimitStore: options.rateLimitStore,
    edge: { ...options.edge },
  });
  const { gateway, diagnostics: composition } = settleCompositions(decided, drafts);
  diagnostics.push(...composition, ...findRouteConflicts(gateway.routes));
  return { gateway, diagnostics };
}

function findDuplicateServices(fragments: readonly ServiceFragment[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (let i = 1; i < fragments.length; i++) {
    const a = fragments[i - 1]!.service;
    const b = fragments[i]!.service;
    if (a.name !== b.name) continue;
    out.push(
      createDiagnostic(
        'GW_SERVICE_DUPLICATE',
        `two services are named "${a.name}" ("${a.source.file}" and "${b.source.file}")`,
        {
          locations: [a.source, b.source],
          hints: ['give one of them another `name` in gw.yaml, or re-import it with `gw import FILE --name NEW-NAME`'],
        },
      ),
    );
  }
  return out;
}

/** Services whose routes lead to an upstream without targets. */
export function findMissingUpstreams(fragments: readonly ServiceFragment[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const f of fragments) {
    if (f.service.mock) continue;
    // A composite route calls other routes, never an upstream of its own.
    const used = new Set(f.routes.filter((r) => !r.composeDraft).map((r) => r.upstream));
    for (const u of f.upstreams) {
      if (!used.has(u.id) || u.targets.length > 0) continue;
      const where: Location = u.source;
      out.push(
        createDiagnostic(
          'GW_SERVICE_NO_UPSTREAM',
          `service "${f.service.name}" has routes but no upstream: the servers for ` +
            `them${u.basePath ? ` ("${u.basePath}")` : ''} name no host`,
          {
            locations: [where],
            hints: [
              `tell gw where it runs: \`gw import ${f.service.source.file} --upstream http://HOST:PORT\` ` +
                `(repeatable), or services[].upstreams in gw.yaml`,
              'or give the spec an absolute `servers` URL (host, basePath and schemes in Swagger 2.0)',
            ],
          },
        ),
      );
    }
  }
  return out;
}
