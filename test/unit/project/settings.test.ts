import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTE_SETTINGS, mergeSettings, parseDuration, parseSize, resolveHealthCheck, resolveRouteSettings } from '../../../src/project/settings.js';

describe('parseDuration / parseSize', () => {
  const durations: [number | string, number][] = [[250, 250], ['250ms', 250], ['5s', 5000], ['1.5m', 90000], ['1h', 3600000]];
  for (const [given, want] of durations) it(`duration ${given}`, () => expect(parseDuration(given)).toBe(want));
  const sizes: [number | string, number][] = [[1024, 1024], ['512kb', 524288], ['10mb', 10485760], ['1gb', 1073741824], ['3b', 3]];
  for (const [given, want] of sizes) it(`size ${given}`, () => expect(parseSize(given)).toBe(want));
});

describe('mergeSettings: later layers win, sub-objects merge by key', () => {
  it('merges timeouts key by key and overrides scalars', () => {
    const merged = mergeSettings([{ timeouts: { connect: '1s', request: '9s' }, retries: 2 }, undefined, { timeouts: { request: '3s' } }, { retries: 0 }]);
    expect(merged).toEqual({ timeouts: { connect: '1s', request: '3s' }, retries: 0 });
    expect(resolveRouteSettings(merged)).toEqual({ ...DEFAULT_ROUTE_SETTINGS, connectTimeoutMs: 1000, requestTimeoutMs: 3000, retries: 0 });
  });
  it('health checks: off by default, true takes defaults, an object overrides some', () => {
    expect(resolveHealthCheck({})).toBeNull();
    expect(resolveHealthCheck({ healthCheck: true })?.path).toBe('/health');
    expect(resolveHealthCheck({ healthCheck: { path: '/ready', interval: '2s' } })).toMatchObject({ path: '/ready', intervalMs: 2000, unhealthyThreshold: 3 });
  });
});
