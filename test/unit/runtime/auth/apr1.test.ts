import { describe, expect, it } from 'vitest';
import { apr1Crypt } from '../../../../src/runtime/auth/apr1.js';

// Vectors from `openssl passwd -apr1 -salt <salt> <password>`.
describe('apr1Crypt', () => {
  const cases = [
    { given: ['secret', 'abcdefgh'], want: '$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/' },
    { given: ['pässwörd', 'xy'], want: '$apr1$xy$opYesIT4qQnqOl4dmUTIR0' },
    { given: ['a much longer password than sixteen bytes', 'Zz9.'], want: '$apr1$Zz9.$l7pk.1rEu1mfrIog4YiTk0' },
    { given: ['', 'salt'], want: '$apr1$salt$AnXM5PAEa9T4ruYbwPoUh/' },
  ] as const;
  for (const c of cases) {
    it(`${JSON.stringify(c.given[0])} with salt ${c.given[1]}`, () => {
      expect(apr1Crypt(c.given[0], c.given[1])).toBe(c.want);
    });
  }
  it('uses at most 8 salt characters', () => {
    expect(apr1Crypt('secret', 'abcdefghIJKL')).toBe('$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/');
  });
});
