import { describe, expect, it } from 'vitest';
import { deriveServiceName } from '../../../src/model/ids.js';

describe('deriveServiceName', () => {
  const table: [string, string][] = [
    ['Users API', 'users'],
    ['Orders Service', 'orders'],
    ['GitHub v3 REST API', 'github'],
    ["GitHub's official OpenAPI spec + Octokit extension", 'github'],
    ['Swagger Petstore - OpenAPI 3.0', 'petstore'],
    ['Stripe API (2024-06-20)', 'stripe'],
    ['Acme Internal Inventory Management Platform', 'acme-internal-inventory'],
    ['Café Billing', 'cafe-billing'],
    ['API', 'api'],
    ['2024 Catalog', 'catalog'],
    ['!!!', ''],
  ];
  for (const [given, want] of table)
    it(`${given} -> ${want || '(none)'}`, () => expect(deriveServiceName(given)).toBe(want));
});
