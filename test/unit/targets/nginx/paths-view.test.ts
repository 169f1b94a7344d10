import { describe, expect, it } from 'vitest';
import { PATH_MARKERS } from '../../../../src/model/path-forms.js';
import { markedRegex } from '../../../../src/targets/nginx/paths-view.js';

/**
 * The regex in ECMAScript, which has no possessive quantifiers: the possessive loop `^(?:L)*+` as the
 * atomic `^(?=((?:L)*))\1` (a lookahead's match is never given back), so it matches what PCRE does.
 */
const inJs = (source: string) =>
  new RegExp(source.replace(/^\^\(\?:(.*)\)\*\+/, (_, loop: string) => `^(?=((?:${loop.replaceAll('++', '+')})*))\\1`));

/** What "marked" means: one of the markers in the part before `?`. */
const holdsMarker = (markers: readonly string[], uri: string) => markers.some((m) => uri.split('?')[0]!.includes(m));

describe('nginx: the marker regex of the path check', () => {
  it('is linear: runs of characters ending no marker, or a last character without its prefix before it', () => {
    expect(markedRegex(['%', '\\', '#', '/.'])).toBe(String.raw`^(?:[^?%\\#.]++|(?<!/)\.)*+[%\\#.]`);
  });

  it("finds a marker exactly where one is, before `?` (seeded paths over the markers' characters)", () => {
    for (const markers of [[...PATH_MARKERS], ['/.', '/~', '%'], ['ab', 'a', 'x']]) {
      const re = inJs(markedRegex(markers));
      const alphabet = [...new Set([...markers.join(''), '/', '?', 'a', '.', 'z'])];
      let seed = 7;
      const next = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed;
      };
      for (let i = 0; i < 3000; i++) {
        const uri = Array.from({ length: 1 + (next() % 12) }, () => alphabet[next() % alphabet.length]).join('');
        expect([uri, re.test(uri)]).toEqual([uri, holdsMarker(markers, uri)]);
      }
    }
  });
});
