import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import type { Route } from '../../model/types.js';

/** Routes named in the message; the locations are those of the first few (the printer shows five). */
const NAMED = 2;
const LOCATED = 5;

/**
 * The memory store's limits in Envoy: local_ratelimit of the shipped API (Envoy 1.32.0-dev) has
 * only descriptors with fixed values, so a route's bucket is shared by all its clients and one
 * client can use up everyone's limit. That is an error unless gw.yaml build.envoy.sharedRateLimits
 * accepts it; the Redis store's rate limit service counts per client (docs/targets/envoy.md).
 * One error per limit (`routes` share its requests, window and key): one setting, one fix.
 */
export function sharedRateLimitError(routes: readonly Route[], key: string): Diagnostic {
  const rl = routes[0]!.settings.rateLimit!;
  const named = routes.slice(0, NAMED).map((r) => `${r.method} ${r.path} (${r.id})`);
  const more = routes.length > NAMED ? `, and ${routes.length - NAMED} more` : '';
  const subject = routes.length === 1 ? `${named[0]} is` : `${routes.length} routes (${named.join(', ')}${more}) are`;
  return createDiagnostic(
    'GW_ENVOY_SHARED_RATE_LIMIT',
    `envoy: ${subject} limited to ${rl.requests} requests per ${key}, but Envoy's local_ratelimit keeps one ` +
      `token bucket for all clients of ${routes.length === 1 ? 'the route' : 'each route'}: one client could use it ` +
      'up for all',
    {
      locations: routes.slice(0, LOCATED).map((r) => ({ file: r.source.file, pointer: r.source.pointer })),
      hints: [
        'set rateLimitStore.redis in gw.yaml: Envoy then asks the rate limit service, which counts per client',
        'or accept one bucket per route for Envoy with build.envoy.sharedRateLimits: true in gw.yaml',
      ],
    },
  );
}
