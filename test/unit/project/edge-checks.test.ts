import { describe, expect, it } from 'vitest';
import { edgeProblems } from '../../../src/project/edge-checks.js';
import { checkConfigSchema } from '../../../src/project/schema.js';

/** gw.yaml `edge.trustedProxies.addresses` and `edge.serverNames`: values JSON Schema cannot judge (issue 12). */
describe('edgeProblems', () => {
  const table: { name: string; edge: unknown; want: { pointer: string; message: string; hints: string[] }[] }[] = [
    { name: 'no edge', edge: undefined, want: [] },
    {
      name: 'addresses and ranges of both families',
      edge: {
        trustedProxies: { addresses: ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1', '::ffff:10.0.0.0/104'] },
      },
      want: [],
    },
    {
      name: 'not an address',
      edge: { trustedProxies: { addresses: ['10.0.0.0/8', 'lb.internal'] } },
      want: [
        {
          pointer: '#/edge/trustedProxies/addresses/1',
          message: '"lb.internal" is not an IP address or CIDR range',
          hints: [
            'write an address (192.0.2.7, 2001:db8::7) or a range (10.0.0.0/8, 2001:db8::/32); names are not resolved',
          ],
        },
      ],
    },
    {
      name: 'a prefix length too long for the family',
      edge: { trustedProxies: { addresses: ['10.0.0.0/33'] } },
      want: [
        {
          pointer: '#/edge/trustedProxies/addresses/0',
          message: '"10.0.0.0/33" is not an IP address or CIDR range: an IPv4 prefix length is 0 to 32',
          hints: [
            'write an address (192.0.2.7, 2001:db8::7) or a range (10.0.0.0/8, 2001:db8::/32); names are not resolved',
          ],
        },
      ],
    },
    {
      name: 'host bits set',
      edge: { trustedProxies: { addresses: ['10.1.2.3/8', '2001:db8::1/32'] } },
      want: [
        {
          pointer: '#/edge/trustedProxies/addresses/0',
          message: '"10.1.2.3/8" has bits set after its prefix length, so it is not the start of a range',
          hints: ['did you mean 10.0.0.0/8?'],
        },
        {
          pointer: '#/edge/trustedProxies/addresses/1',
          message: '"2001:db8::1/32" has bits set after its prefix length, so it is not the start of a range',
          hints: ['did you mean 2001:db8:0:0:0:0:0:0/32?'],
        },
      ],
    },
    {
      name: 'a zone index',
      edge: { trustedProxies: { addresses: ['fe80::1%eth0'] } },
      want: [
        {
          pointer: '#/edge/trustedProxies/addresses/0',
          message: '"fe80::1%eth0" is not an IP address or CIDR range',
          hints: [
            'write an address (192.0.2.7, 2001:db8::7) or a range (10.0.0.0/8, 2001:db8::/32); names are not resolved',
          ],
        },
      ],
    },
    {
      name: 'server names',
      edge: { serverNames: ['api.example.com', '*.Example.com', 'localhost', '127.0.0.1'] },
      want: [],
    },
    {
      name: 'bad server names',
      edge: { serverNames: ['*', 'api.*.com', 'http://api.example.com', 'api.example.com.'] },
      want: ['*', 'api.*.com', 'http://api.example.com', 'api.example.com.'].map((name, i) => ({
        pointer: `#/edge/serverNames/${i}`,
        message: `${JSON.stringify(name)} is not a host name gw can match`,
        hints: [
          'write a name (api.example.com) or *. and a name (*.example.com, any name under it); ' +
            'leave serverNames out to answer any host',
        ],
      })),
    },
  ];
  for (const { name, edge, want } of table) {
    it(name, () => expect(edgeProblems(edge, '#/edge')).toEqual(want.map((w) => ({ kind: 'invalid', ...w }))));
  }
  it('runs with the schema check of gw.yaml', () => {
    const problems = checkConfigSchema({ version: 1, name: 'x', edge: { trustedProxies: { addresses: ['10/8'] } } });
    expect(problems.map((p) => p.pointer)).toEqual(['#/edge/trustedProxies/addresses/0']);
  });
  it('the schema wants trustedProxies to say something', () => {
    const problems = checkConfigSchema({ version: 1, name: 'x', edge: { trustedProxies: {} } });
    expect(problems.map((p) => p.pointer)).toEqual(['#/edge/trustedProxies']);
  });
});
