import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ROUTE_SETTINGS,
  mergeSettings,
  parseDuration,
  parseSize,
  resolveHealthCheck,
  resolveRouteSettings,
} from '../../../src/project/settings.js';

describe('parseDuration / parseSize', () => {
  const durations: [number | string, number][] = [
    [250, 250],
    ['250ms', 250],
    ['5s', 5000],
    ['1.5m', 90000],
    ['1h', 3600000],
  ];
  for (const [given, want] of durations) it(`duration ${given}`, () => expect(parseDuration(given)).toBe(want));
  const sizes: [number | string, number][] = [
    [1024, 1024],
    ['512kb', 524288],
    ['10mb', 10485760],
    ['1gb', 1073741824],
    ['3b', 3],
  ];
  for (const [given, want] of sizes) it(`size ${given}`, () => expect(parseSize(given)).toBe(want));
});

const AT = { routeId: 'orders.listOrders', service: 'orders' };

describe('mergeSettings: later layers win, sub-objects merge by key', () => {
  it('merges timeouts key by key and overrides scalars', () => {
    const merged = mergeSettings([
      { timeouts: { connect: '1s', request: '9s' }, retries: 2 },
      undefined,
      { timeouts: { request: '3s' } },
      { retries: 0 },
    ]);
    expect(merged).toEqual({ timeouts: { connect: '1s', request: '3s' }, retries: 0 });
    expect(resolveRouteSettings(merged, AT)).toEqual({
      ...DEFAULT_ROUTE_SETTINGS,
      connectTimeoutMs: 1000,
      requestTimeoutMs: 3000,
      retries: 0,
    });
  });
  it('health checks: off by default, true takes defaults, an object overrides some', () => {
    expect(resolveHealthCheck({})).toBeNull();
    expect(resolveHealthCheck({ healthCheck: true })?.path).toBe('/health');
    expect(resolveHealthCheck({ healthCheck: { path: '/ready', interval: '2s' } })).toMatchObject({
      path: '/ready',
      intervalMs: 2000,
      unhealthyThreshold: 3,
    });
  });
});

describe('policy settings', () => {
  const table: {
    name: string;
    given: Parameters<typeof resolveRouteSettings>[0];
    want: Partial<ReturnType<typeof resolveRouteSettings>>;
  }[] = [
    {
      name: 'auth is enforced by default, consumer in X-Consumer, credentials removed, 10 failures a minute',
      given: {},
      want: {
        auth: {
          enforce: true,
          consumerHeader: 'X-Consumer',
          forwardCredentials: false,
          failureLimit: { failures: 10, windowMs: 60_000 },
        },
        rateLimit: null,
        cors: null,
        validate: false,
      },
    },
    {
      name: 'auth keys merge by key',
      given: mergeSettings([{ auth: { consumerHeader: 'X-User' } }, { auth: { enforce: false } }]),
      want: {
        auth: {
          enforce: false,
          consumerHeader: 'X-User',
          forwardCredentials: false,
          failureLimit: { failures: 10, windowMs: 60_000 },
        },
      },
    },
    {
      name: 'auth.failureLimit: the window defaults to 1m',
      given: { auth: { failureLimit: { failures: 3 } } },
      want: {
        auth: {
          enforce: true,
          consumerHeader: 'X-Consumer',
          forwardCredentials: false,
          failureLimit: { failures: 3, windowMs: 60_000 },
        },
      },
    },
    {
      name: 'auth.failureLimit: a higher level replaces it whole; false turns it off',
      given: mergeSettings([
        { auth: { failureLimit: { failures: 3, window: '5m' } } },
        { auth: { failureLimit: { failures: 5 } } },
        { auth: { consumerHeader: 'X-User' } },
      ]),
      want: {
        auth: {
          enforce: true,
          consumerHeader: 'X-User',
          forwardCredentials: false,
          failureLimit: { failures: 5, windowMs: 60_000 },
        },
      },
    },
    {
      name: 'auth.failureLimit: false',
      given: { auth: { failureLimit: false } },
      want: { auth: { enforce: true, consumerHeader: 'X-Consumer', forwardCredentials: false, failureLimit: null } },
    },
    {
      name: 'a route rate limit counts per ip by default',
      given: { rateLimit: { requests: 10, window: '1s' } },
      want: {
        rateLimit: {
          requests: 10,
          windowMs: 1000,
          key: { kind: 'ip' },
          counter: 'orders.listOrders',
          keys: 10_000,
          zoneBytes: 1_306_624,
        },
      },
    },
    {
      name: 'a service-wide limit keyed by a header',
      given: { rateLimit: { requests: 5, window: '1m', key: 'header:X-Tenant', scope: 'service' } },
      want: {
        rateLimit: {
          requests: 5,
          windowMs: 60000,
          key: { kind: 'header', name: 'x-tenant' },
          counter: 'service:orders',
          keys: 10_000,
          zoneBytes: 2_592_768,
        },
      },
    },
    {
      name: 'a gateway-wide limit per consumer',
      given: { rateLimit: { requests: 5, window: 1000, key: 'consumer', scope: 'gateway' } },
      want: {
        rateLimit: {
          requests: 5,
          windowMs: 1000,
          key: { kind: 'consumer' },
          counter: 'gateway',
          keys: 10_000,
          zoneBytes: 2_592_768,
        },
      },
    },
    {
      name: 'the keys a limit expects size its nginx zone: 128 bytes an address, whole pages, at least 32 KiB',
      given: { rateLimit: { requests: 5, window: '1s', keys: 100 } },
      want: {
        rateLimit: {
          requests: 5,
          windowMs: 1000,
          key: { kind: 'ip' },
          counter: 'orders.listOrders',
          keys: 100,
          zoneBytes: 36_864,
        },
      },
    },
    {
      name: 'false turns a lower-level limit off',
      given: mergeSettings([{ rateLimit: { requests: 1, window: '1s' } }, { rateLimit: false }]),
      want: { rateLimit: null },
    },
    {
      name: 'cors: headers lower-cased, max age in seconds, methods from the routes unless given',
      given: { cors: { origins: ['https://app.example'], headers: ['X-Api-Key'], maxAge: '1h', credentials: true } },
      want: {
        cors: {
          origins: ['https://app.example'],
          methods: null,
          headers: ['x-api-key'],
          exposeHeaders: [],
          credentials: true,
          maxAgeSeconds: 3600,
        },
      },
    },
    { name: 'validation is opt-in', given: { validate: true }, want: { validate: true } },
    {
      name: 'websocket: true takes a 60 s idle timeout and no lifetime limit',
      given: { websocket: true },
      want: { websocket: { idleTimeoutMs: 60_000, maxLifetimeMs: null } },
    },
    {
      name: 'websocket as an object is on, with its timeouts',
      given: mergeSettings([{ websocket: true }, { websocket: { idleTimeout: '5m', maxLifetime: '1h' } }]),
      want: { websocket: { idleTimeoutMs: 300_000, maxLifetimeMs: 3_600_000 } },
    },
    {
      name: 'websocket: a higher level turns it off',
      given: mergeSettings([{ websocket: { idleTimeout: '5m' } }, { websocket: false }]),
      want: { websocket: null },
    },
    {
      name: 'a rate limit is replaced whole by a higher level, never merged (no inherited gateway scope)',
      given: mergeSettings([
        { rateLimit: { requests: 100, window: '1m', scope: 'gateway' } },
        { rateLimit: { requests: 5, window: '1s' } },
      ]),
      want: {
        rateLimit: {
          requests: 5,
          windowMs: 1000,
          key: { kind: 'ip' },
          counter: 'orders.listOrders',
          keys: 10_000,
          zoneBytes: 1_306_624,
        },
      },
    },
    {
      name: 'cors is replaced whole too',
      given: mergeSettings([
        { cors: { origins: ['https://a.example'], credentials: true } },
        { cors: { origins: ['https://b.example'] } },
      ]),
      want: {
        cors: {
          origins: ['https://b.example'],
          methods: null,
          headers: null,
          exposeHeaders: [],
          credentials: false,
          maxAgeSeconds: 600,
        },
      },
    },
  ];
  for (const t of table) it(t.name, () => expect(resolveRouteSettings(t.given, AT)).toMatchObject(t.want));
});
