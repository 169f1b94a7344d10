import { describe, expect, it } from 'vitest';
import { formatComposeRef, parseComposeRef } from '../../../src/model/compose-ref.js';

describe('parseComposeRef: the reference language of compositions (docs/composition.md)', () => {
  const table = [
    { given: 'request.path.userId', want: { kind: 'request', part: 'path', name: 'userId', pointer: [] } },
    { given: 'request.header.X-Tenant', want: { kind: 'request', part: 'header', name: 'x-tenant', pointer: [] } },
    { given: 'request.body#/items/0', want: { kind: 'request', part: 'body', name: null, pointer: ['items', '0'] } },
    { given: 'steps.orders#/orders/*/sku', want: { kind: 'step', step: 'orders', pointer: ['orders', '*', 'sku'] } },
    { given: 'item#/a~1b/c~0d', want: { kind: 'item', pointer: ['a/b', 'c~d'] } },
    { given: 'item#', want: { kind: 'item', pointer: [] } },
  ];
  for (const { given, want } of table) {
    it(given, () => {
      expect(parseComposeRef(given)).toEqual(want);
      expect(formatComposeRef(parseComposeRef(given) as never)).toBe(
        given.replace(/#$/, '').replace('X-Tenant', 'x-tenant'),
      );
    });
  }
  const wrong = [
    { given: 'steps.user.name', want: /is not a reference/ },
    { given: 'request.cookie.sid', want: /is not a reference/ },
    { given: 'steps.user#name', want: /must start with "\/"/ },
    { given: '$.user', want: /is not a reference/ },
  ];
  for (const { given, want } of wrong) it(`refuses ${given}`, () => expect(parseComposeRef(given)).toMatch(want));
});
