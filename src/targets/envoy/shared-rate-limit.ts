import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import type { Route } from '../../model/types.js';

/**
 * The memory store's limits in Envoy: local_ratelimit of the shipped API (Envoy 1.32.0-dev) has
 * only descriptors with fixed values, so a route's bucket is shared by all its clients and one
 * client can use up everyone's limit. That is an error unless gw.yaml build.envoy.sharedRateLimits
 * accepts it; the Redis store's rate limit service counts per client (docs/targets/envoy.md).
 */
export function sharedRateLimitError(r: Route, key: string): Diagnostic {
  const rl = r.settings.rateLimit!;
  return createDiagnostic(
    'GW_ENVOY_SHARED_RATE_LIMIT',
    `envoy: ${r.method} ${r.path} (${r.id}) is limited to ${rl.requests} requests per ${key}, but Envoy's ` +
      'local_ratelimit keeps one token bucket for all clients of the route: one client could use it up for all',
    {
      locations: [{ file: r.source.file, pointer: r.source.pointer }],
      hints: [
        'set rateLimitStore.redis in gw.yaml: Envoy then asks the rate limit service, which counts per client',
        'or accept one bucket per route for Envoy with build.envoy.sharedRateLimits: true in gw.yaml',
      ],
    },
  );
}
