import { describe, expect, it } from 'vitest';
import { commonPath } from '../../../src/merge/overlap.js';
import { compileMatch, parsePathTemplate, templateParams } from '../../../src/model/path.js';
import type { ImportedRoute } from '../../../src/model/fragment.js';
import type { ParamSchema } from '../../../src/model/types.js';
import { route } from '../../helpers/routes.js';

function typed(path: string, schemas: Record<string, ParamSchema>): ImportedRoute {
  const r = route('GET', path);
  const segments = parsePathTemplate(path);
  const params = templateParams(segments).map((name) => ({ name, schema: schemas[name] ?? {} }));
  return { ...r, params, match: compileMatch(segments, params) };
}

describe('commonPath: a request both routes match, or none', () => {
  const table: { name: string; a: ImportedRoute; b: ImportedRoute; want: string | undefined }[] = [
    { name: 'literal vs string parameter', a: typed('/u/me', {}), b: typed('/u/{id}', {}), want: '/u/me' },
    {
      name: 'literal vs integer parameter',
      a: typed('/u/me', {}),
      b: typed('/u/{id}', { id: { type: 'integer' } }),
      want: undefined,
    },
    { name: 'two different literals', a: typed('/a', {}), b: typed('/b', {}), want: undefined },
    { name: 'different lengths', a: typed('/a/{x}', {}), b: typed('/a', {}), want: undefined },
    {
      name: 'disjoint enums',
      a: typed('/k/{a}', { a: { enum: ['x', 'y'] } }),
      b: typed('/k/{b}', { b: { enum: ['z'] } }),
      want: undefined,
    },
    {
      name: 'enum vs digits pattern',
      a: typed('/k/{a}', { a: { enum: ['books'] } }),
      b: typed('/k/{b}', { b: { type: 'string', pattern: '^[0-9]+$' } }),
      want: undefined,
    },
    { name: 'integer vs string', a: typed('/k/{a}', { a: { type: 'integer' } }), b: typed('/k/{b}', {}), want: '/k/1' },
    { name: 'mixed suffixes that differ', a: typed('/f/{n}.json', {}), b: typed('/f/{n}.xml', {}), want: undefined },
    { name: 'mixed vs bare parameter', a: typed('/f/{n}.json', {}), b: typed('/f/{n}', {}), want: '/f/x.json' },
  ];
  for (const t of table) it(t.name, () => expect(commonPath(t.a, t.b)).toBe(t.want));
});
