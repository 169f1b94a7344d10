import { describe, expect, it } from 'vitest';
import { createDiagnostic } from '../../../src/diagnostics/gw-error.js';
import { formatDiagnostic, formatDiagnostics } from '../../../src/diagnostics/print.js';

describe('formatDiagnostic', () => {
  const plain = { color: false };

  it('prints a kind after its code, in brackets', () => {
    const d = createDiagnostic('GW_TARGET_INEXACT', 'nginx: scheme "s": bcrypt users are refused', {
      kind: 'nginx.bcrypt',
      locations: [{ file: 'gw.yaml', pointer: '#/credentials/s' }],
      hints: ['hash them with htpasswd -s'],
    });
    expect(formatDiagnostic(d, plain)).toBe(
      [
        'warning GW_TARGET_INEXACT[nginx.bcrypt] nginx: scheme "s": bcrypt users are refused',
        '  --> gw.yaml at #/credentials/s',
        '  hint: hash them with htpasswd -s',
      ].join('\n'),
    );
  });

  it('prints the code alone when there is no kind', () => {
    const d = createDiagnostic('GW_USAGE', 'unknown flag --jsn');
    expect(formatDiagnostic(d, plain)).toBe('error GW_USAGE unknown flag --jsn');
    expect(d).not.toHaveProperty('kind');
  });

  it('keeps the kind in the data, next to the code, for --json', () => {
    const d = createDiagnostic('GW_TARGET_INEXACT', 'x', { kind: 'node.env-collision' });
    expect(Object.keys(JSON.parse(JSON.stringify(d))).slice(0, 2)).toEqual(['code', 'kind']);
  });

  it('takes only the kinds of the code (a type error otherwise)', () => {
    // @ts-expect-error nginx.bcrypt is a kind of GW_TARGET_INEXACT, not of GW_USAGE
    const d = createDiagnostic('GW_USAGE', 'x', { kind: 'nginx.bcrypt' });
    expect(d.kind).toBe('nginx.bcrypt');
  });
});

describe('formatDiagnostics', () => {
  const plain = { color: false };
  const shadow = (n: number) =>
    createDiagnostic('GW_ROUTE_SHADOWED', `route ${n} is shadowed`, { subjects: [`s.r${n}`] });
  const warnings = (n: number) => Array.from({ length: n }, (_, i) => shadow(i + 1));

  it('prints up to three alike warnings each in full, in their order', () => {
    const text = formatDiagnostics([...warnings(3), createDiagnostic('GW_USAGE', 'x')], plain);
    expect(text.match(/^warning /gm)).toHaveLength(3);
    expect(text).not.toContain('also:');
  });

  it('groups more than three: the first in full, two examples, the count of the rest', () => {
    const text = formatDiagnostics([createDiagnostic('GW_USAGE', 'first'), ...warnings(5)], plain);
    expect(text).toBe(
      [
        'error GW_USAGE first',
        [
          'warning GW_ROUTE_SHADOWED route 1 is shadowed',
          '  also: route 2 is shadowed',
          '  also: route 3 is shadowed',
          '  and 2 more warnings like these (--verbose or --json lists them all)',
        ].join('\n'),
        '✖ 1 error, 5 warnings\n',
      ].join('\n\n'),
    );
  });

  it('groups by code and kind, never errors', () => {
    const inexact = (kind: 'nginx.bcrypt' | 'nginx.resolver') => createDiagnostic('GW_TARGET_INEXACT', kind, { kind });
    const four = [1, 2, 3, 4];
    const text = formatDiagnostics(
      [...four.map(() => inexact('nginx.bcrypt')), ...four.map(() => createDiagnostic('GW_USAGE', 'e'))],
      plain,
    );
    expect(text.match(/^warning GW_TARGET_INEXACT\[nginx\.bcrypt\]/gm)).toHaveLength(1);
    expect(text).toContain('and 1 more warning like these');
    expect(text.match(/^error GW_USAGE/gm)).toHaveLength(4);
  });

  it('many target differences of several kinds: one block, a line per kind with its count and first message', () => {
    const inexact = (kind: 'nginx.bcrypt' | 'nginx.resolver', message: string) =>
      createDiagnostic('GW_TARGET_INEXACT', message, { kind, locations: [{ file: 'a.yaml' }] });
    const list = [
      inexact('nginx.bcrypt', 'scheme "a": bcrypt users are refused'),
      shadow(1),
      inexact('nginx.bcrypt', 'scheme "b": bcrypt users are refused'),
      inexact('nginx.resolver', `upstream "u" ${'x'.repeat(200)}`),
      inexact('nginx.bcrypt', 'scheme "c": bcrypt users are refused'),
    ];
    expect(formatDiagnostics(list, plain).split('\n\n')).toEqual([
      [
        'warning GW_TARGET_INEXACT 4 differences of the generated targets from gw serve, by kind:',
        '  nginx.bcrypt: 3, e.g. scheme "a": bcrypt users are refused',
        `  nginx.resolver: 1, e.g. upstream "u" ${'x'.repeat(139 - 13)}…`,
        '  hint: docs/targets/<target>.md describes each kind; --verbose or --json lists them all, ' +
          'and gw.yaml `acknowledge` can accept a kind',
      ].join('\n'),
      'warning GW_ROUTE_SHADOWED route 1 is shadowed',
      '⚠ 0 errors, 5 warnings\n',
    ]);
    expect(formatDiagnostics(list, { ...plain, all: true }).match(/^warning GW_TARGET_INEXACT\[/gm)).toHaveLength(4);
  });

  it('all: every warning in full, acknowledged ones with their reason', () => {
    const list = [...warnings(4), { ...shadow(5), acknowledged: 'intended' }];
    const text = formatDiagnostics(list, { ...plain, all: true });
    expect(text.match(/^warning /gm)).toHaveLength(5);
    expect(text).toContain('  acknowledged: intended');
    expect(text).toMatch(/⚠ 0 errors, 4 warnings \(1 acknowledged in gw\.yaml\)\n$/);
  });

  it('prints five places of a warning and the count of the rest; --verbose and errors print them all', () => {
    const locations = Array.from({ length: 12 }, (_, i) => ({ file: `s${i}.yaml`, pointer: '#/x' }));
    const warning = createDiagnostic('GW_AUTH_NO_CREDENTIALS', 'no credentials', { locations, hints: ['say how'] });
    expect(formatDiagnostics([warning], plain).split('\n').slice(0, 8)).toEqual([
      'warning GW_AUTH_NO_CREDENTIALS no credentials',
      ...locations.slice(0, 5).map((l) => `  --> ${l.file} at #/x`),
      '  --> and 7 more places (--verbose or --json lists them all)',
      '  hint: say how',
    ]);
    expect(formatDiagnostics([warning], { ...plain, all: true }).match(/^ {2}--> s/gm)).toHaveLength(12);
    const error = createDiagnostic('GW_CONFIG_INVALID', 'bad', { locations });
    expect(formatDiagnostics([error], plain).match(/^ {2}--> s/gm)).toHaveLength(12);
  });

  it('leaves acknowledged warnings out, and says how many there were', () => {
    const text = formatDiagnostics([{ ...shadow(1), acknowledged: 'intended' }], plain);
    expect(text).toBe('✔ no problems found (1 acknowledged in gw.yaml)\n');
  });
});
