import { describe, expect, it } from 'vitest';
import { CredentialReader } from '../../../../src/runtime/auth/credential-reader.js';
import type { CredentialSlot, CredentialValue } from '../../../../src/runtime/auth/types.js';

const slots: CredentialSlot[] = [
  { in: 'header', name: 'X-Api-Key' },
  { in: 'header', name: 'authorization' },
  { in: 'query', name: 'api_key' },
  { in: 'cookie', name: 'key' },
];
const reader = new CredentialReader(slots);

function read(headers: string[], url = '/'): CredentialValue[] {
  return reader.read(headers, url, url.indexOf('?')).slice(0, slots.length);
}

describe('CredentialReader', () => {
  const cases: { name: string; given: { headers: string[]; url?: string }; want: CredentialValue[] }[] = [
    { name: 'nothing sent', given: { headers: ['Host', 'x'] }, want: [undefined, undefined, undefined, undefined] },
    {
      name: 'header names in any case',
      given: { headers: ['x-api-KEY', 'k1', 'Authorization', 'Bearer t'] },
      want: ['k1', 'Bearer t', undefined, undefined],
    },
    {
      name: 'a credential header sent twice is ambiguous (null)',
      given: { headers: ['X-Api-Key', 'k1', 'x-api-key', 'k2'] },
      want: [null, undefined, undefined, undefined],
    },
    {
      name: 'a query parameter, form-decoded',
      given: { headers: [], url: '/p?a=1&api_key=k%2B1+2' },
      want: [undefined, undefined, 'k+1 2', undefined],
    },
    {
      name: 'a query parameter sent twice is ambiguous',
      given: { headers: [], url: '/p?api_key=a&api_key=b' },
      want: [undefined, undefined, null, undefined],
    },
    {
      name: 'a bad escape in the query is refused (null)',
      given: { headers: [], url: '/p?api_key=%zz' },
      want: [undefined, undefined, null, undefined],
    },
    {
      name: 'a cookie, from several Cookie headers, quotes removed',
      given: { headers: ['Cookie', 'a=1', 'cookie', 'key="c1"; b=2'] },
      want: [undefined, undefined, undefined, 'c1'],
    },
    { name: 'no query at all', given: { headers: [], url: '/p' }, want: [undefined, undefined, undefined, undefined] },
  ];
  for (const c of cases) it(c.name, () => expect(read(c.given.headers, c.given.url)).toEqual(c.want));
});
