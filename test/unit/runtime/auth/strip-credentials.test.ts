import { describe, expect, it } from 'vitest';
import {
  redactQueryParams,
  withoutCookies,
  withoutQueryParams,
} from '../../../../src/runtime/auth/strip-credentials.js';

describe('withoutQueryParams', () => {
  const cases: { given: [string, string[]]; want: string }[] = [
    { given: ['?api_key=k', ['api_key']], want: '' },
    { given: ['?a=1&api_key=k&b=%20', ['api_key']], want: '?a=1&b=%20' },
    { given: ['?api_key=k&api_key=j&x', ['api_key']], want: '?x' },
    { given: ['?api%5Fkey=k&b=2', ['api_key']], want: '?b=2' },
    { given: ['?apikey=k', ['api_key']], want: '?apikey=k' },
    { given: ['?', ['api_key']], want: '?' },
  ];
  for (const c of cases)
    it(`${c.given[0]} -> ${c.want || "''"}`, () => expect(withoutQueryParams(...c.given)).toBe(c.want));
});

describe('withoutCookies', () => {
  const cases: { given: [string, string[]]; want: string }[] = [
    { given: ['session=abc; key=secret; theme=dark', ['key']], want: 'session=abc; theme=dark' },
    { given: ['key=secret', ['key']], want: '' },
    { given: ['a=1;b=2', ['key']], want: 'a=1; b=2' },
  ];
  for (const c of cases)
    it(`${c.given[0]} -> ${c.want || "''"}`, () => expect(withoutCookies(...c.given)).toBe(c.want));
});

describe('redactQueryParams (access log)', () => {
  const cases: { given: [string, string[]]; want: string }[] = [
    { given: ['/products/1?api_key=secret&x=1', ['api_key']], want: '/products/1?api_key=***&x=1' },
    { given: ['/products/1', ['api_key']], want: '/products/1' },
    { given: ['/p?x=1', []], want: '/p?x=1' },
  ];
  for (const c of cases) it(`${c.given[0]} -> ${c.want}`, () => expect(redactQueryParams(...c.given)).toBe(c.want));
});
