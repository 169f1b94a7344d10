import { describe, expect, it } from 'vitest';
import { parsePathTemplate } from '../../../../src/model/path.js';
import type { ParamSchema } from '../../../../src/model/types.js';
import { buildLocationTree, nestGuard, type LocationNode, type PathTemplate } from '../../../../src/targets/nginx/locations.js';

function templates(paths: string[], schemas: Record<string, ParamSchema> = {}): PathTemplate[] {
  return paths.map((path, order) => {
    const segments = parsePathTemplate(path);
    const params = segments.flatMap((s) => s.parts.flatMap((p) => ('param' in p ? [{ name: p.param, schema: schemas[p.param] ?? { type: 'string' as const } }] : [])));
    return { order, segments, params, exact: params.length === 0 };
  });
}

/** The tree as text: `prefix /a/ [ ... ]`, `nest <regex> [ ... ]`, or a template's order. */
function show(nodes: LocationNode[]): string {
  return nodes.map((n) => (n.kind === 'template' ? String(n.order) : `${n.kind === 'prefix' ? n.prefix : n.regex} [${show(n.children)}]`)).join(' ');
}

describe('buildLocationTree', () => {
  const table: { name: string; paths: string[]; schemas?: Record<string, ParamSchema>; want: string }[] = [
    { name: 'literal paths are left to exact locations', paths: ['/a', '/a/b'], want: '' },
    { name: 'a template goes under the prefix of its first literal segment', paths: ['/users/{id}'], want: '/users/ [0]' },
    { name: 'a one-segment template stays a top-level regex', paths: ['/{slug}'], want: '0' },
    {
      name: 'a template with a parameter first segment is repeated in every prefix it can match, after that prefix\'s own',
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
      paths: ['/r/{o}/issues/{n}', '/r/{o}/issues/{n}/comments', '/r/{o}/pulls/{n}', '/r/{o}/pulls/{n}/files', '/r/{o}/tags'],
      want: '/r/ [^(?:/[^/]*){2}/issues(?:/|$) [0 1] ^(?:/[^/]*){2}/pulls(?:/|$) [2 3] 4]',
    },
    {
      name: 'a parameter at the nesting segment is repeated inside each nest it can match, and kept flat for the rest',
      paths: ['/r/{o}/issues/{n}', '/r/{o}/issues/{n}/x', '/r/{o}/pulls/{n}', '/r/{o}/pulls/{n}/y', '/r/{o}/{kind}/{n}'],
      want: '/r/ [^(?:/[^/]*){2}/issues(?:/|$) [0 1 4] ^(?:/[^/]*){2}/pulls(?:/|$) [2 3 4] 4]',
    },
  ];
  for (const t of table) it(t.name, () => expect(show(buildLocationTree(templates(t.paths, t.schemas)))).toBe(t.want));

  it('many literals at one segment are split into about √n alternation buckets, parameter templates repeated where they can match', () => {
    const words = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7', 'h8', 'i9', 'j10', 'k11', 'l12', 'm13'];
    const paths = [...words.map((w) => `/r/{o}/${w}/{n}`), '/r/{o}/{kind}/{n}'];
    const tree = show(buildLocationTree(templates(paths)));
    expect(tree).toBe(
      '/r/ [' +
        '^(?:/[^/]*){2}/(?:a1|b2|c3|d4)(?:/|$) [0 1 2 3 13] ' +
        '^(?:/[^/]*){2}/(?:e5|f6|g7|h8)(?:/|$) [4 5 6 7 13] ' +
        '^(?:/[^/]*){2}/(?:i9|j10|k11|l12)(?:/|$) [8 9 10 11 13] ' +
        '^(?:/[^/]*){2}/m13(?:/|$) [12 13] ' +
        '13]',
    );
  });
});

describe('nestGuard', () => {
  it('an alternation of several literals', () => expect(nestGuard(1, ['a.b', 'c'])).toBe('^(?:/[^/]*){1}/(?:a\\.b|c)(?:/|$)'));
  const table: [number, string, string, boolean][] = [
    [2, 'issues', '/repos/a/issues', true],
    [2, 'issues', '/repos/a/issues/7', true],
    [2, 'issues', '/repos/a/issuesx', false],
    [2, 'issues', '/repos/issues', false],
    [1, 'a.b', '/x/a.b', true],
    [1, 'a.b', '/x/aXb', false],
  ];
  for (const [index, literal, path, want] of table) it(`segment ${index} = ${literal}: ${path} ${want ? 'matches' : 'does not match'}`, () => expect(new RegExp(nestGuard(index, [literal])).test(path)).toBe(want));
});
