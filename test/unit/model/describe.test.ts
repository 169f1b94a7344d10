import { describe, expect, it } from 'vitest';
import { describeAuth, describeRateLimit } from '../../../src/model/describe.js';
import type { ImportedScheme } from '../../../src/model/fragment.js';
import type { RateLimit } from '../../../src/model/types.js';
import { route } from '../../helpers/routes.js';

describe('describeRateLimit', () => {
  const table: [RateLimit | null, string][] = [
    [null, '-'],
    [
      { requests: 100, windowMs: 60_000, key: { kind: 'ip' }, counter: 'shop.list', keys: 1, zoneBytes: 32_768 },
      '100/1m per ip',
    ],
    [
      {
        requests: 5,
        windowMs: 1000,
        key: { kind: 'header', name: 'x-tenant' },
        counter: 'service:shop',
        keys: 1,
        zoneBytes: 32_768,
      },
      '5/1s per header x-tenant, service-wide',
    ],
    [
      {
        requests: 1000,
        windowMs: 3_600_000,
        key: { kind: 'consumer' },
        counter: 'gateway',
        keys: 1,
        zoneBytes: 32_768,
      },
      '1000/1h per consumer, gateway-wide',
    ],
    [
      { requests: 3, windowMs: 250, key: { kind: 'ip' }, counter: 'shop.list', keys: 1, zoneBytes: 32_768 },
      '3/250ms per ip',
    ],
  ];
  for (const [given, want] of table) it(want, () => expect(describeRateLimit(given)).toBe(want));
});

describe('describeAuth', () => {
  const key: ImportedScheme = {
    id: 's.key',
    service: 's',
    name: 'key',
    type: 'apiKey',
    in: 'header',
    paramName: 'X-Api-Key',
    credentials: null,
    source: { file: 's.yaml', pointer: '#' },
  };
  const secured = { ...route('GET', '/a'), security: [{ schemes: [{ scheme: 's.key', scopes: [] }] }] };
  it('shows the requirements', () => expect(describeAuth(secured, [key])).toBe('apiKey(header X-Api-Key)'));
  it('says when checks are off', () =>
    expect(
      describeAuth(
        { ...secured, settings: { ...secured.settings, auth: { ...secured.settings.auth, enforce: false } } },
        [key],
      ),
    ).toBe('apiKey(header X-Api-Key) (not enforced)'));
  it('public stays public', () => expect(describeAuth(route('GET', '/b'), [key])).toBe('public'));
});
