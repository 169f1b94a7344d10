import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadQuickYaml } from '../../../../src/targets/envoy/quick-yaml.js';

const CASES = new URL('../../../golden/cases/', import.meta.url).pathname;
/** What check.ts reads with the `yaml` package (the reference the fast reader must agree with). */
const reference = (text: string): unknown => parseDocument(text, { uniqueKeys: true }).toJS({ maxAliasCount: 100 });

describe('the fast YAML reader of the Envoy check', () => {
  const read = loadQuickYaml()!;

  it('is there (js-yaml, through swagger-parser)', () => {
    expect(read).toBeTypeOf('function');
  });

  const scalars = [
    '~',
    'null',
    'Null',
    'NULL',
    'nULL',
    '',
    'true',
    'True',
    'TRUE',
    'tRUE',
    'yes',
    'no',
    'on',
    'off',
    'y',
    'n',
    '0',
    '-0',
    '+5',
    '007',
    '0o17',
    '0o8',
    '0x1F',
    '0X1F',
    '0b101',
    '1_000',
    '12345678901234567890',
    '-12',
    '1.5',
    '-.5',
    '+.5',
    '5.',
    '.5e3',
    '1e3',
    '1E-3',
    '1.5e+3',
    '.inf',
    '-.Inf',
    '+.INF',
    '.nan',
    '.NaN',
    'nan',
    'inf',
    '1.2.3',
    '1:30',
    '2001-12-14',
    '"5"',
    "'true'",
    '5s',
    '0.250s',
    '"%REQ(:AUTHORITY)%"',
    '[1, a, "b", null]',
    '{a: 1, b: {c: 0x10}}',
    '{0x10: a, 1: x, true: y, 1.5: z}',
  ];
  it.each(scalars)('reads %j as yaml does', (scalar) => {
    const text = `a: ${scalar}\nlist:\n- ${scalar}\n`;
    expect(read(text)).toEqual(reference(text));
  });

  it('refuses duplicate keys (the `yaml` path then reports them)', () => {
    expect(() => read('a: 1\na: 2\n')).toThrow();
  });

  it('reads every golden envoy.yaml as yaml does', () => {
    const files = readdirSync(CASES)
      .map((c) => join(CASES, c, 'expected', 'envoy', 'envoy.yaml'))
      .filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(read(text), f).toEqual(reference(text));
    }
  });
});
