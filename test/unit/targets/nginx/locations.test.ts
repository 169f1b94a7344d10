import { describe, expect, it } from 'vitest';
import { parsePathTemplate } from '../../../../src/model/path.js';
import type { ParamSchema } from '../../../../src/model/types.js';
import {
  DISPATCH_MIN,
  buildLocationTree,
  nestGuard,
  type LocationNode,
  type PathTemplate,
} from '../../../../src/targets/nginx/locations.js';

function templates(paths: string[], schemas: Record<string, ParamSchema> = {}): PathTemplate[] {
  return paths.map((path, order) => {
    const segments = parsePathTemplate(path);
    const params = segments.flatMap((s) =>
      s.parts.flatMap((p) =>
        'param' in p ? [{ name: p.param, schema: schemas[p.param] ?? { type: 'string' as const } }] : [],
      ),
    );
    return { order, segments, params, exact: params.length === 0 };
  });
}

/**
 * The tree as text: `prefix /a/ [ ... ]`, `nest <regex> [ ... ]`, a template's order (`order@at` inside a dispatch
 * branch), or `rewrite <regex> <target>`.
 */
function show(nodes: LocationNode[]): string {
  return nodes
    .map((n) => {
      if (n.kind === 'template') return n.at ? `${n.order}@${n.at}` : String(n.order);
      if (n.kind === 'dispatch') return `rewrite ${n.regex} ${n.target}`;
      return `${n.kind === 'prefix' ? n.prefix : n.regex} [${show(n.children)}]`;
    })
    .join(' ');
}

describe('buildLocationTree', () => {
  const table: { name: string; paths: string[]; schemas?: Record<string, ParamSchema>; want: string }[] = [
    { name: 'literal paths are left to exact locations', paths: ['/a', '/a/b'], want: '' },
    {
      name: 'a template goes under the prefix of its first literal segment',
      paths: ['/users/{id}'],
      want: '/users/ [0]',
    },
    { name: 'a one-segment template stays a top-level regex', paths: ['/{slug}'], want: '0' },
    {
      name:
        'a template with a parameter first segment is repeated in every prefix it can match, after that ' +
        "prefix's own",
      paths: ['/users/{id}', '/{tenant}/{id}'],
      want: '/users/ [0 1] 1',
    },
    {
      name: 'a typed parameter that cannot take the literal is not repeated there',
      paths: ['/users/{id}', '/{n}/{id}'],
      schemas: { n: { type: 'integer' } },
      want: '/users/ [0] 1',
    },
    {
      name: 'many templates are nested per literal segment further down; a literal group of one stays flat',
      paths: [
        '/r/{o}/issues/{n}',
        '/r/{o}/issues/{n}/comments',
        '/r/{o}/pulls/{n}',
        '/r/{o}/pulls/{n}/files',
        '/r/{o}/tags',
      ],
      want: '/r/ [^(?:/[^/]*){2}/issues(?:/|$) [0 1] ^(?:/[^/]*){2}/pulls(?:/|$) [2 3] 4]',
    },
    {
      name: 'a parameter at the nesting segment is repeated inside each nest it can match, and kept flat for the rest',
      paths: [
        '/r/{o}/issues/{n}',
        '/r/{o}/issues/{n}/x',
        '/r/{o}/pulls/{n}',
        '/r/{o}/pulls/{n}/y',
        '/r/{o}/{kind}/{n}',
      ],
      want: '/r/ [^(?:/[^/]*){2}/issues(?:/|$) [0 1 4] ^(?:/[^/]*){2}/pulls(?:/|$) [2 3 4] 4]',
    },
  ];
  for (const t of table)
    it(t.name, () => expect(show(buildLocationTree(templates(t.paths, t.schemas)).nodes)).toBe(t.want));

  // The dispatch is a rewrite to /__gw_d/<id>/<value><path>; a literal's branch holds every template that can match it.
  it(`${DISPATCH_MIN} or more literals at one segment dispatch: a branch per literal, and one for the rest`, () => {
    const words = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'];
    const paths = [...words.map((w) => `/r/{o}/${w}/{n}`), '/r/{o}/{kind}/{n}', '/r/{o}'];
    const tree = buildLocationTree(templates(paths, { n: { type: 'integer' } }));
    expect(show(tree.nodes)).toBe('/r/ [rewrite ^(?:(?:/[^/]*){2}/([^/]*))? /__gw_d/1/$1$gw_path]');
    expect(tree.branches.map((b) => `${b.prefix} [${show(b.children)}]`)).toEqual([
      ...words.map((w, i) => `/__gw_d/1/${w}/ [${i}@/__gw_d/1/${w} 6@/__gw_d/1/${w}]`),
      // Any other value, or no third segment at all (/r/x): the templates without a literal there.
      '/__gw_d/1/ [6@/__gw_d/1/[^/]* 7@/__gw_d/1/[^/]*]',
    ]);
  });

  it('dispatch branches nest and dispatch again, with the branch prefix in their guards', () => {
    const words = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'];
    const paths = [
      ...words.map((w) => `/r/{o}/a1/${w}/x`),
      ...words.map((w) => `/r/{o}/a1/${w}/y`),
      ...words.slice(1).map((w) => `/r/{o}/${w}`),
    ];
    const tree = buildLocationTree(templates(paths));
    expect(show(tree.nodes)).toBe('/r/ [rewrite ^(?:(?:/[^/]*){2}/([^/]*))? /__gw_d/1/$1$gw_path]');
    const a1 = tree.branches.find((b) => b.prefix === '/__gw_d/1/a1/')!;
    expect(show(a1.children)).toBe('rewrite ^/__gw_d/1/a1(?:(?:/[^/]*){3}/([^/]*))? /__gw_d/2/$1$gw_path');
    const a1b2 = tree.branches.find((b) => b.prefix === '/__gw_d/2/b2/')!;
    expect(show(a1b2.children)).toBe('1@/__gw_d/2/b2 7@/__gw_d/2/b2');
  });

  it('after the nests of one segment, other templates nest further down (here: a dispatch in that location)', () => {
    const words = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'];
    const paths = ['/r/{o}/list/x', '/r/{o}/list/y', ...words.map((w) => `/r/{o}/{n}/${w}`)];
    const tree = buildLocationTree(templates(paths, { n: { type: 'integer' } }));
    expect(show(tree.nodes)).toBe(
      '/r/ [^(?:/[^/]*){2}/list(?:/|$) [0 1] rewrite ^(?:(?:/[^/]*){3}/([^/]*))? /__gw_d/1/$1$gw_path]',
    );
    expect(tree.branches.map((b) => b.prefix)).toEqual(words.map((w) => `/__gw_d/1/${w}/`));
  });
});

describe('nestGuard', () => {
  it('an alternation of several literals', () =>
    expect(nestGuard(1, ['a.b', 'c'])).toBe('^(?:/[^/]*){1}/(?:a\\.b|c)(?:/|$)'));
  it('inside a dispatch branch, after its prefix', () =>
    expect(nestGuard(3, ['x'], '/__gw_d/2/b2')).toBe('^/__gw_d/2/b2(?:/[^/]*){3}/x(?:/|$)'));
  const table: [number, string, string, boolean][] = [
    [2, 'issues', '/repos/a/issues', true],
    [2, 'issues', '/repos/a/issues/7', true],
    [2, 'issues', '/repos/a/issuesx', false],
    [2, 'issues', '/repos/issues', false],
    [1, 'a.b', '/x/a.b', true],
    [1, 'a.b', '/x/aXb', false],
  ];
  for (const [index, literal, path, want] of table)
    it(`segment ${index} = ${literal}: ${path} ${want ? 'matches' : 'does not match'}`, () =>
      expect(new RegExp(nestGuard(index, [literal])).test(path)).toBe(want));
});
