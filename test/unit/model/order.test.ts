import { describe, expect, it } from 'vitest';
import { compareRoutes } from '../../../src/model/order.js';
import type { HttpMethod } from '../../../src/model/types.js';
import { route } from '../../helpers/routes.js';

describe('compareRoutes (the precedence rule)', () => {
  const table: { name: string; given: [HttpMethod, string][]; want: string[] }[] = [
    {
      name: 'literal beats parameter',
      given: [
        ['GET', '/users/{id}'],
        ['GET', '/users/me'],
      ],
      want: ['/users/me', '/users/{id}'],
    },
    {
      name: 'left-most difference decides',
      given: [
        ['GET', '/{a}/b'],
        ['GET', '/a/{b}'],
      ],
      want: ['/a/{b}', '/{a}/b'],
    },
    {
      name: 'mixed sits between literal and parameter',
      given: [
        ['GET', '/f/{n}'],
        ['GET', '/f/{n}.json'],
        ['GET', '/f/index'],
      ],
      want: ['/f/index', '/f/{n}.json', '/f/{n}'],
    },
    {
      name: 'more literal text wins among mixed',
      given: [
        ['GET', '/f/{n}.js'],
        ['GET', '/f/{n}.json'],
      ],
      want: ['/f/{n}.json', '/f/{n}.js'],
    },
    {
      name: 'related paths stay together',
      given: [
        ['GET', '/b'],
        ['GET', '/a/{x}'],
        ['GET', '/a'],
      ],
      want: ['/a', '/a/{x}', '/b'],
    },
  ];
  for (const t of table) {
    it(t.name, () => {
      const sorted = t.given
        .map(([m, p]) => route(m, p))
        .sort(compareRoutes)
        .map((r) => r.path);
      expect(sorted).toEqual(t.want);
      const reversed = t.given
        .map(([m, p]) => route(m, p))
        .reverse()
        .sort(compareRoutes)
        .map((r) => r.path);
      expect(reversed).toEqual(t.want);
    });
  }

  it('orders methods GET before POST before DELETE on one path', () => {
    const sorted = (['DELETE', 'POST', 'GET'] as HttpMethod[])
      .map((m) => route(m, '/x'))
      .sort(compareRoutes)
      .map((r) => r.method);
    expect(sorted).toEqual(['GET', 'POST', 'DELETE']);
  });
});
