import { GwError } from '../../diagnostics/gw-error.js';
import type { RuntimeGateway } from '../../model/types.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore } from './redis-store.js';
import type { RateLimitStore } from './store.js';

/**
 * The store gw.yaml `rateLimitStore` asks for. Redis is only contacted when a route has a limit.
 * The URL comes from gw.yaml or from the environment variable it names; a missing or malformed
 * one stops the start-up (GW_RATE_LIMIT_STORE_URL), never a request.
 */
export function createRateLimitStore(gateway: RuntimeGateway, env: Record<string, string | undefined>): RateLimitStore {
  const spec = gateway.rateLimitStore;
  if (spec.kind === 'memory' || !gateway.routes.some((r) => r.settings.rateLimit)) return new MemoryStore();
  const fromEnv = 'env' in spec.url ? spec.url.env : undefined;
  const url = fromEnv !== undefined ? env[fromEnv] : (spec.url as { url: string }).url;
  if (url === undefined || url === '') {
    throw GwError.of('GW_RATE_LIMIT_STORE_URL', `rateLimitStore.redis.env names ${fromEnv}, which is not set`, {
      hints: [
        `set ${fromEnv}=redis://host:6379/0 in the gateway's environment, or put the URL in gw.yaml ` +
          `rateLimitStore.redis.url`,
      ],
    });
  }
  if (!/^rediss?:\/\/[^/]/.test(url)) {
    throw GwError.of(
      'GW_RATE_LIMIT_STORE_URL',
      `${fromEnv ?? 'rateLimitStore.redis.url'} is not a redis:// or rediss:// URL`,
      {
        hints: ['write it as redis://[user:password@]host[:port][/db]'],
      },
    );
  }
  return new RedisStore({ url, failMode: spec.failMode, keyPrefix: `gw:rl:${gateway.name}:` });
}

/** Whether two models want the same store (hot reload keeps the counters when they do). */
export function sameStore(a: RuntimeGateway, b: RuntimeGateway): boolean {
  const uses = (g: RuntimeGateway) => g.rateLimitStore.kind === 'redis' && g.routes.some((r) => r.settings.rateLimit);
  return (
    JSON.stringify(a.rateLimitStore) === JSON.stringify(b.rateLimitStore) && uses(a) === uses(b) && a.name === b.name
  );
}
