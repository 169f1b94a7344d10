import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatScalar, formatYamlEntry, yamlEntryPieces } from '../../../../src/targets/openapi/yaml.js';

/** What the printer writes reads back, with the `yaml` package, as exactly the value it was given. */
const roundTrip = (value: unknown) => parse(formatYamlEntry('v', value)).v;

describe('formatScalar', () => {
  const table: { given: unknown; want: string }[] = [
    { given: 'application/json', want: 'application/json' },
    { given: '/users/{id}', want: '/users/{id}' },
    { given: '200', want: '"200"' },
    { given: 'yes', want: '"yes"' },
    { given: 'No', want: '"No"' },
    { given: 'null', want: '"null"' },
    { given: 'a: b', want: '"a: b"' },
    { given: 'x #y', want: '"x #y"' },
    { given: 'http://h:80/a#b', want: 'http://h:80/a#b' },
    { given: 'ends:', want: '"ends:"' },
    { given: '-dash', want: '"-dash"' },
    { given: '', want: '""' },
    { given: 'trailing ', want: '"trailing "' },
    { given: 3.5, want: '3.5' },
    { given: false, want: 'false' },
    { given: null, want: 'null' },
  ];
  for (const { given, want } of table)
    it(`${JSON.stringify(given)} -> ${want}`, () => expect(formatScalar(given)).toBe(want));
});

describe('formatYamlEntry reads back as the value', () => {
  const table: { name: string; given: unknown }[] = [
    { name: 'nested maps and lists', given: { a: [1, { b: [], c: {} }, [2, [3]]], 'x y': { '200': 'ok' } } },
    { name: 'multi-line text', given: { d: 'line one\n\nline three\n  indented', e: ['one\ntwo'] } },
    {
      name: 'text a block cannot hold',
      given: [
        'ends with newline\n',
        '  leading\nspace',
        'blank\n   \nline',
        '\n  first indented',
        'tab\tand\u2028sep\x7f',
      ],
    },
    {
      name: 'quotes and escapes',
      given: { q: 'say "hi" \\ bye', u: 'ünïcödé ✓', s: '#comment', c: 'key:value', t: '[not a list]' },
    },
    {
      name: 'numbers and booleans',
      given: { n: [0, -1, 1e21, 0.1], b: [true, false, null], s: ['1', '0x1F', '1e3', '.5', '.inf', '~', 'Off'] },
    },
    {
      name: 'list of maps with a multi-line first value',
      given: [{ description: 'a\nb', name: 'x' }, { k: { deep: [1] } }],
    },
  ];
  for (const { name, given } of table) it(name, () => expect(roundTrip(given)).toEqual(given));
  for (const { name, given } of table) {
    for (const levels of [1, 2, 4]) {
      it(`${name}, in pieces ${levels} level(s) down: the same text`, () =>
        expect([...yamlEntryPieces('v', given, levels)].join('')).toBe(formatYamlEntry('v', given)));
    }
  }
  it('prints each member of the first levels as a piece of its own, each after the first from its line break', () => {
    const given = { '/a': { get: { x: 1 } }, '/b': { skipped: undefined, put: [1] }, '/c': {} };
    expect([...yamlEntryPieces('paths', given, 1)]).toEqual([
      'paths:',
      '\n  /a:\n    get:\n      x: 1',
      '\n  /b:\n    put:\n      - 1',
      '\n  /c: {}',
    ]);
  });
});
