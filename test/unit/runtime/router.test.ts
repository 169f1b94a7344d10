import { describe, expect, it } from 'vitest';
import { parsePathTemplate, templateParams } from '../../../src/model/path.js';
import type { HttpMethod, ParamSchema } from '../../../src/model/types.js';
import { normalizePath } from '../../../src/runtime/normalize-path.js';
import { DEFAULT_EDGE } from '../../../src/project/edge.js';
import { Router } from '../../../src/runtime/router.js';

function router(routes: [HttpMethod, string, Record<string, ParamSchema>?][]): Router<string> {
  return new Router(
    routes.map(([method, path, schemas]) => {
      const segments = parsePathTemplate(path);
      return {
        // As merge settles effective.methods: these paths have no HEAD route of their own.
        methods: method === 'GET' ? ['GET', 'HEAD'] : [method],
        segments,
        params: templateParams(segments).map((name) => ({ name, schema: schemas?.[name] ?? {} })),
        value: `${method} ${path}`,
      };
    }),
  );
}

const r = router([
  ['GET', '/users/me'],
  ['GET', '/users/{id}', { id: { type: 'integer' } }],
  ['DELETE', '/users/{name}'],
  ['GET', '/files/{name}.json'],
  ['GET', '/files/{path}'],
  ['GET', '/k/{kind}', { kind: { enum: ['books', 'toys'] } }],
  ['POST', '/k/{kind}'],
  ['GET', '/a/{x}/c'],
  ['GET', '/a/b/d'],
  ['GET', '/'],
]);

describe('Router.lookup', () => {
  const table: { name: string; method: string; path: string; want: unknown }[] = [
    {
      name: 'literal before parameter',
      method: 'GET',
      path: '/users/me',
      want: { kind: 'found', value: 'GET /users/me', params: [] },
    },
    {
      name: 'typed parameter',
      method: 'GET',
      path: '/users/42',
      want: { kind: 'found', value: 'GET /users/{id}', params: ['42'] },
    },
    {
      name: 'a word is no integer',
      method: 'GET',
      path: '/users/bob',
      want: { kind: 'method-not-allowed', allow: ['DELETE'] },
    },
    {
      name: 'method decides between routes of one path',
      method: 'DELETE',
      path: '/users/me',
      want: { kind: 'found', value: 'DELETE /users/{name}', params: ['me'] },
    },
    {
      name: 'mixed before bare',
      method: 'GET',
      path: '/files/a.json',
      want: { kind: 'found', value: 'GET /files/{name}.json', params: ['a'] },
    },
    {
      name: 'bare takes the rest',
      method: 'GET',
      path: '/files/a.xml',
      want: { kind: 'found', value: 'GET /files/{path}', params: ['a.xml'] },
    },
    {
      name: 'enum outside its values falls to another route',
      method: 'GET',
      path: '/k/garden',
      want: { kind: 'method-not-allowed', allow: ['POST'] },
    },
    {
      name: 'backtracks out of a literal branch',
      method: 'GET',
      path: '/a/b/c',
      want: { kind: 'found', value: 'GET /a/{x}/c', params: ['b'] },
    },
    {
      name: 'HEAD is served by GET',
      method: 'HEAD',
      path: '/users/me',
      want: { kind: 'found', value: 'GET /users/me', params: [] },
    },
    {
      name: '405 lists every method, HEAD with GET',
      method: 'PUT',
      path: '/users/7',
      want: { kind: 'method-not-allowed', allow: ['DELETE', 'GET', 'HEAD'] },
    },
    { name: 'root', method: 'GET', path: '/', want: { kind: 'found', value: 'GET /', params: [] } },
    { name: 'not found', method: 'GET', path: '/nope/x', want: { kind: 'not-found' } },
  ];
  for (const t of table)
    it(t.name, () => expect(r.lookup(t.method, normalizePath(t.path, DEFAULT_EDGE.paths)!)).toEqual(t.want));
});

describe('normalizePath', () => {
  const table: [string, string[] | undefined][] = [
    ['/', []],
    ['/a/b', ['a', 'b']],
    ['/a/b/', ['a', 'b', '']],
    ['//a///b', ['a', 'b']],
    // The forms gw serve, nginx and Envoy could route differently are refused (src/model/path-forms.ts).
    ['/a/./b', undefined],
    ['/a/x/../b', undefined],
    ['/a//../b', undefined],
    ['/a/..', undefined],
    ['/..', undefined],
    ['/a/%2e%2E/b', undefined],
    ['/users/%6De', undefined],
    ['/q/%7e', undefined],
    ['/files/a%2Fb', undefined],
    ['/files/a%5cb', undefined],
    ['/files/a\\b', undefined],
    ['/q/%zz', undefined],
    ['/q/%4', undefined],
    ['/q/%', undefined],
    ['/q/%00', undefined],
    ['/q/a#b', undefined],
    // Dots inside a segment are data.
    ['/a/.b/..c/...', ['a', '.b', '..c', '...']],
    // Decoded, then escaped again as nginx forwards: space, #, %, ? and bytes from 0x7F up.
    ['/q/%3A%40%21', ['q', ':@!']],
    ['/q/a%20b%23c%25d%3Fe', ['q', 'a%20b%23c%25d%3Fe']],
    ['/x/%c3%a9', ['x', '%C3%A9']],
    ['/x/%7B%7c%5E%60', ['x', '%7B%7C%5E%60']],
    ['/x/a"<>', ['x', 'a%22%3C%3E']],
    ['relative', undefined],
    ['*', undefined],
  ];
  for (const [given, want] of table)
    it(`${given} -> ${want ? JSON.stringify(want) : 'refused'}`, () =>
      expect(normalizePath(given, DEFAULT_EDGE.paths)).toEqual(want));
});
