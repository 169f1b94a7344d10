import { describe, expect, it } from 'vitest';
import { formatTable } from '../../../src/cli/output.js';
import { filterRoutes } from '../../../src/cli/route-filter.js';
import { route } from '../../helpers/routes.js';

const routes = [
  route('GET', '/users', 'users'),
  route('GET', '/users/{id}', 'users'),
  route('GET', '/users-admin', 'admin'),
  route('GET', '/orders/{id}/items', 'orders'),
  route('GET', '/orders/{id}/items/{item}', 'orders'),
  route('GET', '/', 'root'),
];
const known = ['users', 'admin', 'orders', 'root'];

describe('filterRoutes (gw routes --service, --path; issue 10, item 21)', () => {
  const table = [
    { name: 'no filter keeps all', given: {}, want: routes.map((r) => r.path) },
    { name: 'one service', given: { services: ['orders'] }, want: ['/orders/{id}/items', '/orders/{id}/items/{item}'] },
    { name: 'two services', given: { services: ['admin', 'root'] }, want: ['/users-admin', '/'] },
    { name: 'a prefix by whole segments', given: { path: '/users' }, want: ['/users', '/users/{id}'] },
    { name: 'a trailing slash is the same prefix', given: { path: '/users/' }, want: ['/users', '/users/{id}'] },
    { name: '/ keeps every path', given: { path: '/' }, want: routes.map((r) => r.path) },
    { name: '* stays within a segment', given: { path: '/orders/*/items' }, want: ['/orders/{id}/items'] },
    {
      name: '** crosses segments',
      given: { path: '/orders/**' },
      want: ['/orders/{id}/items', '/orders/{id}/items/{item}'],
    },
    { name: 'a glob is anchored at both ends', given: { path: '/users*' }, want: ['/users', '/users-admin'] },
    { name: 'service and path together', given: { services: ['users'], path: '/users*' }, want: ['/users'] },
  ];
  for (const { name, given, want } of table)
    it(name, () => expect(filterRoutes(routes, given, known).map((r) => r.path)).toEqual(want));

  it('an unknown service is a usage error with a did-you-mean', () => {
    expect(() => filterRoutes(routes, { services: ['order'] }, known)).toThrow(
      '--service "order" names no service of this gateway',
    );
    try {
      filterRoutes(routes, { services: ['order'] }, known);
    } catch (err) {
      expect((err as { diagnostics: { hints: string[] }[] }).diagnostics[0]!.hints).toEqual(['did you mean "orders"?']);
    }
  });

  it('a path that does not start with / is a usage error', () => {
    expect(() => filterRoutes(routes, { path: 'users' }, known)).toThrow('--path "users" is not a path');
  });
});

describe('formatTable: loose columns', () => {
  it('pads a loose column to the longest cell when it is within 40 characters', () => {
    expect(
      formatTable(
        ['A', 'B', 'C'],
        [
          ['x', 'yy', 'z'],
          ['xx', 'y', 'z'],
        ],
        { loose: [1] },
      ),
    ).toBe('A   B   C\nx   yy  z\nxx  y   z');
  });
  it('lets a few long cells overflow instead of widening every line', () => {
    const long = 'p'.repeat(60);
    const rows = [...Array.from({ length: 12 }, (_, i) => ['GET', `/r${i}`, 's']), ['GET', long, 's']];
    const lines = formatTable(['M', 'PATH', 'S'], rows, { loose: [1] }).split('\n');
    expect(lines[1]).toBe(`GET  ${'/r0'.padEnd(40)}  s`);
    expect(lines.at(-1)).toBe(`GET  ${long}  s`);
    expect(formatTable(['M', 'PATH', 'S'], rows).split('\n')[1]).toBe(`GET  ${'/r0'.padEnd(60)}  s`);
  });
});
