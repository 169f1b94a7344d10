import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import { precedenceReason } from '../model/order.js';
import type { ImportedRoute } from '../model/fragment.js';
import { commonPath, shapeOf } from './overlap.js';
import { overlapCandidates } from '../model/overlap-candidates.js';

/**
 * Routes two operations claim, templates no request can tell apart, and overlaps that the
 * precedence rule settles (warnings). `routes` come in precedence order, so in each reported
 * pair the first one wins. Only routes with the same method and segment count can collide.
 */
export function findRouteConflicts(routes: readonly ImportedRoute[]): Diagnostic[] {
  const groups = new Map<string, ImportedRoute[]>();
  for (const r of routes) {
    const key = `${r.method} ${r.segments.length}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const out: Diagnostic[] = [];
  for (const group of groups.values()) {
    for (const [i, j] of overlapCandidates(group.map((r) => r.segments))) {
      const d = judgePair(group[i]!, group[j]!);
      if (d) out.push(d);
    }
  }
  return out;
}

function judgePair(a: ImportedRoute, b: ImportedRoute): Diagnostic | undefined {
  const sample = commonPath(a, b);
  if (sample === undefined) return undefined;
  const who = (r: ImportedRoute) => r.id;
  const fixHints = (r: ImportedRoute) => [
    a.service !== b.service
      ? `mount one service under its own path: \`gw import ${r.source.file} --prefix /${r.service}\`, or services[].prefix in gw.yaml`
      : `rename one of the paths in "${r.source.file}"`,
    `or keep one operation out: \`x-gw: { exclude: true }\` on it, or services[].operations.${r.operationId ?? '<operationId>'}.exclude: true in gw.yaml`,
  ];
  if (a.path === b.path) {
    return createDiagnostic('GW_ROUTE_DUPLICATE', `${a.method} ${a.path} is claimed by both ${who(a)} and ${who(b)}`, {
      locations: [a.source, b.source],
      hints: fixHints(b),
    });
  }
  if (shapeOf(a) === shapeOf(b)) {
    return createDiagnostic(
      'GW_ROUTE_AMBIGUOUS',
      `${a.method} ${a.path} (${who(a)}) and ${b.method} ${b.path} (${who(b)}) differ only in parameter names, so no request can tell them apart`,
      {
        locations: [a.source, b.source],
        hints: fixHints(b),
      },
    );
  }
  return createDiagnostic(
    'GW_ROUTE_SHADOWED',
    `${a.method} ${a.path} (${who(a)}) and ${b.method} ${b.path} (${who(b)}) both match "${sample}"; ${a.path} wins (${precedenceReason(a, b)})`,
    {
      locations: [a.source, b.source],
      subjects: [a.id, b.id],
      hints: [
        'nothing to do if that is intended (gw.yaml `acknowledge` can say so); the precedence rule is in docs/routing.md',
        `otherwise rename one path, or exclude one with \`x-gw: { exclude: true }\``,
      ],
    },
  );
}
