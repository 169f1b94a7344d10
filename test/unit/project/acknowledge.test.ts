import { describe, expect, it } from 'vitest';
import { createDiagnostic } from '../../../src/diagnostics/gw-error.js';
import { applyAcknowledgements, globRegex } from '../../../src/project/acknowledge.js';

const at = (pointer: string) => ({ file: 'gw.yaml', pointer });
const shadowed = (...subjects: string[]) => createDiagnostic('GW_ROUTE_SHADOWED', 'x', { subjects });

describe('gw.yaml acknowledge', () => {
  it('marks the warnings a rule accepts with its reason; the first matching rule wins', () => {
    const out = applyAcknowledgements(
      [shadowed('a.one', 'a.two'), shadowed('b.one', 'a.two')],
      [
        { code: 'GW_ROUTE_SHADOWED', routes: ['a.*'], reason: 'a' },
        { code: 'GW_ROUTE_SHADOWED', reason: 'all' },
      ],
      at,
    );
    expect(out.map((d) => d.acknowledged)).toEqual(['a', 'all']);
  });

  it('needs every route of the warning to match, and the kind when the rule names one', () => {
    const inexact = createDiagnostic('GW_TARGET_INEXACT', 'x', { kind: 'nginx.resolver' });
    const out = applyAcknowledgements(
      [shadowed('a.one', 'b.two'), inexact],
      [
        { code: 'GW_ROUTE_SHADOWED', routes: ['a.*'], reason: 'a' },
        { code: 'GW_TARGET_INEXACT', kind: 'nginx.bcrypt', reason: 'k' },
      ],
      at,
    );
    expect(out.slice(0, 2).map((d) => d.acknowledged)).toEqual([undefined, undefined]);
    expect(out.slice(2).map((d) => [d.code, d.locations[0]!.pointer])).toEqual([
      ['GW_CONFIG_ACKNOWLEDGE_UNUSED', '#/acknowledge/0'],
      ['GW_CONFIG_ACKNOWLEDGE_UNUSED', '#/acknowledge/1'],
    ]);
  });

  it('refuses rules for errors and for codes gw does not have', () => {
    const out = applyAcknowledgements(
      [shadowed('a.one')],
      [
        { code: 'GW_ROUTE_DUPLICATE', reason: 'no' },
        { code: 'GW_NOPE', reason: 'no' },
      ],
      at,
    );
    expect(out.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      'acknowledge: "GW_ROUTE_DUPLICATE" is an error, and errors cannot be acknowledged',
      'acknowledge: "GW_NOPE" is not a gw code',
    ]);
  });

  it('globs: * matches anything, dots and slashes included; the rest is literal', () => {
    expect(globRegex('github.gists/*').test('github.gists/list-public')).toBe(true);
    expect(globRegex('a.b').test('axb')).toBe(false);
    expect(globRegex('*').test('x.y/z')).toBe(true);
  });
});
