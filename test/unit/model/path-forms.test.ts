import { describe, expect, it } from 'vitest';
import { PATH_MARKERS, refusedPaths } from '../../../src/model/path-forms.js';

/** Which refused forms each path shows (the model's edge.paths patterns, as gw serve applies them). */
function formsOf(path: string): string[] {
  return refusedPaths()
    .filter((r) => new RegExp(r.pattern).test(path))
    .map((r) => r.form);
}

describe('refused path forms: each pattern finds its form and nothing a client legitimately sends', () => {
  const table: [string, string[]][] = [
    ['/a/../b', ['dot-segment']],
    ['/a/..', ['dot-segment']],
    ['/a/./b', ['dot-segment']],
    ['/a//../b', ['dot-segment']],
    ['/a\\b', ['backslash']],
    ['/a%2fb', ['escaped-slash']],
    ['/a%5Cb', ['escaped-slash']],
    ['/a/%2E%2e', ['escaped-unreserved']],
    ['/%41/%7e/%5F/%2D/%39', ['escaped-unreserved']],
    ['/a%zz', ['bad-escape']],
    ['/a%4', ['bad-escape']],
    ['/a%', ['bad-escape']],
    ['/a%00', ['bad-escape']],
    ['/a#b', ['fragment']],
    // Allowed: dots inside segments, reserved and special characters escaped or not, UTF-8, `//`.
    ['/a/.b/..c/.../b.', []],
    ['/v2/x%3Acancel/%40me/%2B%20%25%7B%7C%7D%22', []],
    ['/caf%C3%A9//x/', []],
    ['/', []],
  ];
  for (const [path, forms] of table)
    it(`${path}: ${forms.join(', ') || 'allowed'}`, () => expect(formsOf(path)).toEqual(forms));

  it('no refused form matches a path without one of the markers (so a plane may skip the patterns)', () => {
    const alphabet = ['a', '/', '.', '%', '2', 'F', 'f', '5', 'C', '7', 'E', '0', 'z', '\\', '#', '-', '~', '?'];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const patterns = refusedPaths().map((r) => new RegExp(r.pattern));
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      const path = Array.from({ length: 1 + Math.floor(next() * 8) }, () => alphabet[Math.floor(next() * 18)]).join('');
      if (!patterns.some((p) => p.test(path))) continue;
      refused++;
      expect(
        PATH_MARKERS.some((m) => path.includes(m)),
        path,
      ).toBe(true);
    }
    expect(refused).toBeGreaterThan(1000);
  });
});
