import { describe, expect, it } from 'vitest';
import { problemCatalogue } from '../../../../src/merge/problem-catalogue.js';
import type { TrustedProxies } from '../../../../src/model/types.js';
import { DEFAULT_EDGE } from '../../../../src/project/edge.js';
import { buildNginxClientView } from '../../../../src/targets/nginx/client-view.js';

const build = (trustedProxies: TrustedProxies | null, serverNames: string[] = []) =>
  buildNginxClientView({ ...DEFAULT_EDGE, trustedProxies, serverNames }, problemCatalogue());

describe('buildNginxClientView: edge.trustedProxies and edge.serverNames for nginx', () => {
  it('none: the peer is the client, any host', () => {
    const { view, diagnostics } = build(null);
    expect(view).toEqual({
      trusted: null,
      serverName: '_',
      hosts: null,
      forwardedFor: '$proxy_add_x_forwarded_for',
      forwardedProto: '$scheme',
    });
    expect(diagnostics).toEqual([]);
  });
  const table: { name: string; given: TrustedProxies; recursive: 'on' | 'off'; from: string[]; warns: boolean }[] = [
    {
      name: 'addresses: every trusted one',
      given: { addresses: ['10.0.0.0/8'], hops: null },
      recursive: 'on',
      from: ['10.0.0.0/8'],
      warns: false,
    },
    {
      name: 'one hop from the addresses',
      given: { addresses: ['10.0.0.0/8'], hops: 1 },
      recursive: 'off',
      from: ['10.0.0.0/8'],
      warns: false,
    },
    {
      name: 'one hop from any peer',
      given: { addresses: [], hops: 1 },
      recursive: 'off',
      from: ['0.0.0.0/0', '::/0'],
      warns: false,
    },
    {
      name: 'two hops from the addresses: warned',
      given: { addresses: ['10.0.0.0/8'], hops: 2 },
      recursive: 'on',
      from: ['10.0.0.0/8'],
      warns: true,
    },
    {
      name: 'two hops from any peer: one, warned',
      given: { addresses: [], hops: 2 },
      recursive: 'off',
      from: ['0.0.0.0/0', '::/0'],
      warns: true,
    },
  ];
  for (const { name, given, recursive, from, warns } of table) {
    it(name, () => {
      const { view, diagnostics } = build(given);
      expect(view.trusted).toEqual({ from, recursive, anyPeer: given.addresses.length === 0 });
      expect(view.forwardedFor).toBe('$gw_forwarded_for');
      expect(diagnostics.map((d) => d.kind)).toEqual(warns ? ['nginx.trusted-hops'] : []);
    });
  }
  it('server names: a map and the 421 problem body', () => {
    const { view } = build(null, ['*.example.com', 'api.example.org']);
    expect(view.serverName).toBe('_ *.example.com api.example.org');
    expect(view.hosts?.names).toEqual(['*.example.com', 'api.example.org']);
    expect(view.hosts?.body).toContain('\\"code\\":\\"GW_HTTP_UNKNOWN_HOST\\"');
  });
});
