import { describe, expect, it } from 'vitest';
import { createDiagnostic } from '../../../src/diagnostics/gw-error.js';
import { formatDiagnostic } from '../../../src/diagnostics/print.js';

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
