import { describe, expect, it } from 'vitest';
import { PATH_MARKERS } from '../../../../src/model/path-forms.js';
import { markedRegex } from '../../../../src/targets/nginx/paths-view.js';

/** The regex without its possessive quantifiers (ECMAScript has none; they change speed, not what matches). */
const inJs = (source: string) => new RegExp(source.replaceAll('++', '+').replaceAll('*+', '*'));

/** What "marked" means: one of the markers in the part before `?`. */
const holdsMarker = (markers: readonly string[], uri: string) => markers.some((m) => uri.split('?')[0]!.includes(m));

describe('nginx: the marker regex of the path check', () => {
  it('is linear: runs of other characters, or a first character not followed by the rest of a marker', () => {
    expect(markedRegex(['%', '\\', '#', '/.'])).toBe(String.raw`^(?:[^?%\\#/]++|/(?!\.))*+(?:%|\\|#|/\.)`);
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
