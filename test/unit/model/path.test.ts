import { describe, expect, it } from 'vitest';
import {
  compileMatch,
  embeddablePattern,
  parsePathTemplate,
  PathTemplateError,
  segmentAccepts,
} from '../../../src/model/path.js';
import type { PathParam } from '../../../src/model/types.js';

describe('parsePathTemplate', () => {
  const table: { name: string; given: string; want: unknown }[] = [
    { name: 'root', given: '/', want: [] },
    { name: 'literal', given: '/users/me', want: [{ parts: [{ literal: 'users' }] }, { parts: [{ literal: 'me' }] }] },
    {
      name: 'parameter',
      given: '/users/{id}',
      want: [{ parts: [{ literal: 'users' }] }, { parts: [{ param: 'id' }] }],
    },
    {
      name: 'mixed segment',
      given: '/files/{name}.{ext}',
      want: [{ parts: [{ literal: 'files' }] }, { parts: [{ param: 'name' }, { literal: '.' }, { param: 'ext' }] }],
    },
    {
      name: 'trailing slash keeps an empty segment',
      given: '/a/',
      want: [{ parts: [{ literal: 'a' }] }, { parts: [{ literal: '' }] }],
    },
  ];
  for (const t of table) it(t.name, () => expect(parsePathTemplate(t.given)).toEqual(t.want));

  for (const bad of ['users', '/a/{', '/a/}', '/a/{}', '/a/{x}{y}']) {
    it(`rejects ${bad}`, () => expect(() => parsePathTemplate(bad)).toThrow(PathTemplateError));
  }
});

describe('compileMatch', () => {
  const table: {
    name: string;
    path: string;
    params: PathParam[];
    want: { kind: string; regex: string; staticPrefix: string; rank: number[] };
  }[] = [
    {
      name: 'exact',
      path: '/users/me',
      params: [],
      want: { kind: 'exact', regex: '^/users/me$', staticPrefix: '/users/me', rank: [3, 3] },
    },
    {
      name: 'integer',
      path: '/users/{id}',
      params: [{ name: 'id', schema: { type: 'integer' } }],
      want: { kind: 'template', regex: '^/users/(-?[0-9]+)$', staticPrefix: '/users/', rank: [3, 1] },
    },
    {
      name: 'enum escaped',
      path: '/c/{k}',
      params: [{ name: 'k', schema: { type: 'string', enum: ['a.b', 'c'] } }],
      want: { kind: 'template', regex: '^/c/(a\\.b|c)$', staticPrefix: '/c/', rank: [3, 1] },
    },
    {
      name: 'mixed',
      path: '/f/{n}.json',
      params: [{ name: 'n', schema: {} }],
      want: { kind: 'template', regex: '^/f/([^/]+)\\.json$', staticPrefix: '/f/', rank: [3, 2] },
    },
    { name: 'root', path: '/', params: [], want: { kind: 'exact', regex: '^/$', staticPrefix: '/', rank: [] } },
  ];
  for (const t of table) it(t.name, () => expect(compileMatch(parsePathTemplate(t.path), t.params)).toEqual(t.want));
});

describe('segmentAccepts', () => {
  const seg = (p: string) => parsePathTemplate(p)[0]!;
  const table: { name: string; segment: string; params: PathParam[]; value: string; want: boolean }[] = [
    {
      name: 'integer accepts digits',
      segment: '/{id}',
      params: [{ name: 'id', schema: { type: 'integer' } }],
      value: '42',
      want: true,
    },
    {
      name: 'integer refuses words',
      segment: '/{id}',
      params: [{ name: 'id', schema: { type: 'integer' } }],
      value: 'me',
      want: false,
    },
    {
      name: 'an embeddable pattern is honoured',
      segment: '/{s}',
      params: [{ name: 's', schema: { type: 'string', pattern: '^[a-z]+$' } }],
      value: 'A1',
      want: false,
    },
    {
      name: 'a pattern that cannot join the regex does not route',
      segment: '/{s}',
      params: [{ name: 's', schema: { type: 'string', pattern: '^.{2}$' } }],
      value: 'abc',
      want: true,
    },
    {
      name: 'enum',
      segment: '/{s}',
      params: [{ name: 's', schema: { enum: ['books', 'toys'] } }],
      value: 'toys',
      want: true,
    },
    { name: 'mixed', segment: '/{n}.json', params: [{ name: 'n', schema: {} }], value: 'a.xml', want: false },
  ];
  for (const t of table) it(t.name, () => expect(segmentAccepts(seg(t.segment), t.params, t.value)).toBe(t.want));
});

describe('embeddablePattern: patterns that join the route regex (same in ECMAScript, PCRE, RE2)', () => {
  const table: [string, string | undefined][] = [
    ['^[a-z0-9-]+$', '[a-z0-9-]+'],
    ['^[0-9]{3}$', '[0-9]{3}'],
    ['^[A-Z]{2}-\\d+$', '[A-Z]{2}-\\d+'],
    ['^(v1|v2)$', '(?:v1|v2)'],
    ['^.+$', undefined],
    ['^[^a]+$', undefined],
    ['[a-z]+', undefined],
    ['^(?=x)y$', undefined],
    ['^a/b$', undefined],
    ['^\\s+$', undefined],
  ];
  for (const [given, want] of table)
    it(`${given} -> ${want ?? 'not embedded'}`, () => expect(embeddablePattern(given)).toBe(want));

  it('a route regex carries the pattern, and segmentAccepts agrees with it', () => {
    const params = [{ name: 's', schema: { type: 'string' as const, pattern: '^[0-9]{3}$' } }];
    const segments = parsePathTemplate('/p/{s}');
    const m = compileMatch(segments, params);
    expect(m.regex).toBe('^/p/([0-9]{3})$');
    for (const v of ['123', '12', 'abc'])
      expect(segmentAccepts(segments[1]!, params, v)).toBe(new RegExp(m.regex).test(`/p/${v}`));
  });
});

describe('embeddablePattern keeps out patterns that would route wrongly', () => {
  const table: [string, string][] = [
    ['^a|b$', 'top-level alternation means "starts with a or ends with b"'],
    ['^[a-z]*$', 'matches an empty value'],
    ['^[+-0]+$', 'the range includes "/"'],
  ];
  for (const [given, why] of table) it(`${given}: ${why}`, () => expect(embeddablePattern(given)).toBeUndefined());
});
