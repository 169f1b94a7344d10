/**
 * Given/want tables for checking one credential, shared by the runtime's auth tests
 * (test/unit/runtime/auth/) and the NGINX target's gw-auth.js under Node's vm
 * (test/unit/targets/nginx/gw-auth-js.test.ts), so both planes are held to the same answers. A row
 * a plane cannot answer alike says so in `differs` (the plane, why, and what it answers instead,
 * which its test checks), as docs/targets/nginx.md documents it.
 */

/** What reading a credential gives: undefined (not sent), null (sent twice or undecodable: refused), or the value. */
export type Credential = string | null | undefined;

/** A scheme's answer for one credential: valid with its consumer and scopes, or not (sent or not). */
export type SchemeAnswer =
  | { ok: true; consumer: string | null; scopes: ReadonlySet<string> | null }
  | { ok: false; presented: boolean };

export interface Difference<T> {
  plane: 'nginx';
  why: string;
  want: T;
}

export interface Row<G, W> {
  name: string;
  given: G;
  want: W;
  differs?: Difference<W>;
}

export const ABSENT = { ok: false, presented: false } as const;
export const REFUSED = { ok: false, presented: true } as const;

/** An apiKey scheme's keys file: a named key and a bare one. */
export const KEYS_FILE = '# partners\nalice:k-alice-0123456789\n\nk-bare-0123456789\n';

export const API_KEY_ROWS: Row<Credential, SchemeAnswer>[] = [
  {
    name: 'a named key: its consumer',
    given: 'k-alice-0123456789',
    want: { ok: true, consumer: 'alice', scopes: null },
  },
  { name: 'a bare key: no consumer', given: 'k-bare-0123456789', want: { ok: true, consumer: null, scopes: null } },
  { name: 'absent: not presented', given: undefined, want: ABSENT },
  { name: 'sent twice: refused as presented', given: null, want: REFUSED },
  { name: 'empty: refused', given: '', want: REFUSED },
  { name: 'a prefix of a key', given: 'k-alice-012345678', want: REFUSED },
  { name: 'a key with one more character', given: 'k-alice-0123456789x', want: REFUSED },
  { name: 'another case', given: 'K-ALICE-0123456789', want: REFUSED },
];

/** An htpasswd file: hashes of "secret" (public test vectors) as {SHA}, $apr1$ and bcrypt, and a non-ASCII user. */
export const HTPASSWD_FILE = [
  'ann:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=',
  'bob:$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/',
  'cat:$2y$04$yU1iS16RRLMQ84nK0u4b5uW.S0tcPCTmf49aCzybFw6R2M9e7y6CS',
  'dän:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=',
].join('\n');

export const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;

const NO_BCRYPT = 'nginx checks {SHA} and $apr1$ hashes in njs, which has no bcrypt: bcrypt users are refused';

export const BASIC_ROWS: Row<Credential, SchemeAnswer>[] = [
  { name: '{SHA} user', given: basic('ann:secret'), want: { ok: true, consumer: 'ann', scopes: null } },
  { name: '$apr1$ user', given: basic('bob:secret'), want: { ok: true, consumer: 'bob', scopes: null } },
  {
    name: 'bcrypt user',
    given: basic('cat:secret'),
    want: { ok: true, consumer: 'cat', scopes: null },
    differs: { plane: 'nginx', why: NO_BCRYPT, want: REFUSED },
  },
  {
    name: 'a non-ASCII user name is percent-encoded for the header',
    given: basic('dän:secret'),
    want: { ok: true, consumer: 'd%C3%A4n', scopes: null },
  },
  {
    name: 'the scheme name is case-insensitive',
    given: basic('ann:secret').replace('Basic', 'bAsIc'),
    want: { ok: true, consumer: 'ann', scopes: null },
  },
  { name: 'the split is at the first colon: the rest is the password', given: basic('ann:sec:ret'), want: REFUSED },
  { name: 'wrong password', given: basic('ann:Secret'), want: REFUSED },
  { name: 'wrong bcrypt password', given: basic('cat:nope'), want: REFUSED },
  { name: 'unknown user', given: basic('eve:secret'), want: REFUSED },
  { name: 'no colon', given: basic('annsecret'), want: REFUSED },
  { name: 'not base64', given: 'Basic %%%', want: REFUSED },
  { name: 'a Bearer header is not basic credentials', given: 'Bearer abc', want: ABSENT },
  { name: 'absent', given: undefined, want: ABSENT },
  { name: 'Authorization twice', given: null, want: REFUSED },
];

/** Apache's $apr1$ (htpasswd -m): vectors from `openssl passwd -apr1 -salt <salt> <password>`. */
export const APR1_ROWS: Row<{ password: string; salt: string }, string>[] = [
  { name: '"secret"', given: { password: 'secret', salt: 'abcdefgh' }, want: '$apr1$abcdefgh$h9FWgUz3n9YxylKLlR5SQ/' },
  { name: 'non-ASCII', given: { password: 'pässwörd', salt: 'xy' }, want: '$apr1$xy$opYesIT4qQnqOl4dmUTIR0' },
  {
    name: 'longer than 16 bytes',
    given: { password: 'a much longer password than sixteen bytes', salt: 'Zz9.' },
    want: '$apr1$Zz9.$l7pk.1rEu1mfrIog4YiTk0',
  },
  { name: 'empty', given: { password: '', salt: 'salt' }, want: '$apr1$salt$AnXM5PAEa9T4ruYbwPoUh/' },
];

/** Where credentials are read, in the order READ_ROWS' wants list them. */
export const SLOTS = [
  { in: 'header', name: 'X-Api-Key' },
  { in: 'header', name: 'authorization' },
  { in: 'query', name: 'api_key' },
  { in: 'cookie', name: 'key' },
] as const;

/** Reading the credentials of SLOTS from a request: its header list (name, value, name, value...) and URL. */
export const READ_ROWS: Row<{ headers: string[]; url?: string }, Credential[]>[] = [
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

/** Credential query parameters removed before forwarding: the query (with its `?`) and the names. */
export const STRIP_QUERY_ROWS: Row<[string, string[]], string>[] = [
  { name: 'the only parameter', given: ['?api_key=k', ['api_key']], want: '' },
  { name: 'the rest kept byte for byte', given: ['?a=1&api_key=k&b=%20', ['api_key']], want: '?a=1&b=%20' },
  { name: 'every copy', given: ['?api_key=k&api_key=j&x', ['api_key']], want: '?x' },
  { name: 'an escaped name', given: ['?api%5Fkey=k&b=2', ['api_key']], want: '?b=2' },
  { name: 'another name', given: ['?apikey=k', ['api_key']], want: '?apikey=k' },
  { name: 'an empty query', given: ['?', ['api_key']], want: '?' },
];

/** Credential cookies removed before forwarding: the Cookie header and the names. */
export const STRIP_COOKIE_ROWS: Row<[string, string[]], string>[] = [
  { name: 'one of three', given: ['session=abc; key=secret; theme=dark', ['key']], want: 'session=abc; theme=dark' },
  { name: 'the only cookie', given: ['key=secret', ['key']], want: '' },
  { name: 'none of them, spaced as usual', given: ['a=1;b=2', ['key']], want: 'a=1; b=2' },
];

/** The access log's path: credential query values as ***. */
export const REDACT_ROWS: Row<[string, string[]], string>[] = [
  {
    name: 'a key in the query',
    given: ['/products/1?api_key=secret&x=1', ['api_key']],
    want: '/products/1?api_key=***&x=1',
  },
  { name: 'no query', given: ['/products/1', ['api_key']], want: '/products/1' },
  { name: 'nothing to hide', given: ['/p?x=1', []], want: '/p?x=1' },
];
