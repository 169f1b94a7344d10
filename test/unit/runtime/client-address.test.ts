import { describe, expect, it } from 'vitest';
import { compileClientResolver } from '../../../src/runtime/client-address.js';
import { compileHostCheck } from '../../../src/runtime/server-names.js';

describe('compileClientResolver: the client behind trusted proxies (edge.trustedProxies)', () => {
  it('is null without trusted proxies: the peer is the client', () => {
    expect(compileClientResolver(null)).toBeNull();
  });
  const lb = compileClientResolver({ addresses: ['10.0.0.0/8', '2001:db8::/32'], hops: null })!;
  const table: { name: string; peer: string; headers: string[]; want: [string, string | undefined] }[] = [
    {
      name: 'untrusted peer',
      peer: '192.0.2.1',
      headers: ['X-Forwarded-For', '203.0.113.7'],
      want: ['192.0.2.1', undefined],
    },
    {
      name: 'untrusted peer: its X-Forwarded-Proto is not believed',
      peer: '192.0.2.1',
      headers: ['X-Forwarded-Proto', 'https'],
      want: ['192.0.2.1', undefined],
    },
    { name: 'trusted peer without the header', peer: '10.0.0.1', headers: [], want: ['10.0.0.1', undefined] },
    {
      name: 'right-most untrusted entry; what the client wrote on the left is ignored',
      peer: '10.0.0.1',
      headers: ['X-Forwarded-For', '1.1.1.1, 203.0.113.7, 10.9.9.9', 'X-Forwarded-Proto', 'HTTPS'],
      want: ['203.0.113.7', 'https'],
    },
    {
      name: 'several header lines are one list, in order',
      peer: '10.0.0.1',
      headers: ['X-Forwarded-For', '203.0.113.7', 'x-forwarded-for', '10.2.2.2'],
      want: ['203.0.113.7', undefined],
    },
    {
      name: 'every entry trusted: the left-most',
      peer: '10.0.0.1',
      headers: ['X-Forwarded-For', '10.3.3.3,10.2.2.2'],
      want: ['10.3.3.3', undefined],
    },
    {
      name: 'an entry that is no address ends the walk at the last address',
      peer: '10.0.0.1',
      headers: ['X-Forwarded-For', '203.0.113.7, unknown, 10.2.2.2'],
      want: ['10.2.2.2', undefined],
    },
    {
      name: 'ports and brackets',
      peer: '10.0.0.1',
      headers: ['X-Forwarded-For', '[2001:db8::9]:443, 203.0.113.7:8443'],
      want: ['203.0.113.7', undefined],
    },
    {
      name: 'IPv6 peers, and IPv4 clients of a dual-stack socket',
      peer: '::ffff:10.0.0.1',
      headers: ['X-Forwarded-For', '2001:db8:ffff::1, 2001:DB8::5'],
      want: ['2001:db8:ffff::1', undefined],
    },
    {
      name: 'two X-Forwarded-Proto lines: neither is believed',
      peer: '10.0.0.1',
      headers: ['X-Forwarded-Proto', 'https', 'X-Forwarded-Proto', 'https'],
      want: ['10.0.0.1', undefined],
    },
  ];
  for (const { name, peer, headers, want } of table) {
    it(name, () => expect(lb(peer, headers)).toEqual({ address: want[0], proto: want[1] }));
  }
  it('hops limits how many proxies are passed; without addresses any peer is one', () => {
    const two = compileClientResolver({ addresses: [], hops: 2 })!;
    expect(two('192.0.2.1', ['X-Forwarded-For', '1.1.1.1, 2.2.2.2, 3.3.3.3']).address).toBe('2.2.2.2');
    const one = compileClientResolver({ addresses: ['10.0.0.0/8'], hops: 1 })!;
    expect(one('10.0.0.1', ['X-Forwarded-For', '203.0.113.7, 10.2.2.2']).address).toBe('10.2.2.2');
  });
});

describe('compileHostCheck: edge.serverNames', () => {
  it('is null without names: any host', () => expect(compileHostCheck([])).toBeNull());
  const check = compileHostCheck(['*.example.com', 'api.example.org'])!;
  const table: [string, boolean][] = [
    ['api.example.org', true],
    ['API.example.org:8443', true],
    ['api.example.org.', true],
    ['a.example.com', true],
    ['a.b.example.com', true],
    ['example.com', false],
    ['.example.com', false],
    ['api.example.org.evil.test', false],
    ['[::1]:8080', false],
    ['', false],
  ];
  for (const [host, want] of table) it(`${JSON.stringify(host)}: ${want}`, () => expect(check(host)).toBe(want));
});
