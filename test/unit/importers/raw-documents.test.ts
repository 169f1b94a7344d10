import { describe, expect, it } from 'vitest';
import { type RawDocuments, resolveRawRef } from '../../../src/importers/openapi/raw-documents.js';

const raw: RawDocuments = {
  root: '/project/specs/orders.yaml',
  projectDir: '/project',
  docs: {
    '/project/specs/orders.yaml': { components: { schemas: { A: { type: 'string' } } } },
    '/project/specs/order.yaml': { type: 'object' },
    'https://schemas.example/order.yaml': { definitions: { Order: { type: 'integer' } } },
    'https://schemas.example/common/id.yaml': { type: 'string' },
  },
  names: { '/project/specs/orders.yaml': 'specs/orders.yaml' },
};

describe('resolveRawRef: where a $ref in the documents as written leads', () => {
  it('resolves pointers, relative files and URLs from a local file', () => {
    const from = raw.root;
    expect(resolveRawRef(raw, from, '#/components/schemas/A').value).toEqual({ type: 'string' });
    expect(resolveRawRef(raw, from, 'order.yaml').key).toBe('/project/specs/order.yaml');
    const url = resolveRawRef(raw, from, 'https://schemas.example/order.yaml#/definitions/Order');
    expect(url).toEqual({
      key: 'https://schemas.example/order.yaml',
      path: ['definitions', 'Order'],
      value: { type: 'integer' },
    });
  });

  it('resolves relative files against a URL', () => {
    const from = 'https://schemas.example/order.yaml';
    expect(resolveRawRef(raw, from, 'common/id.yaml').value).toEqual({ type: 'string' });
  });
});
