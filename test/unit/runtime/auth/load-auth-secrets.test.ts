import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { isGwError } from '../../../../src/diagnostics/gw-error.js';
import type { ImportedScheme } from '../../../../src/model/fragment.js';
import type { Gateway, SchemeCredentials } from '../../../../src/model/types.js';
import { loadAuthSecrets } from '../../../../src/runtime/auth/load-auth-secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-secrets-'));
const rsa = await generateKeyPair('RS256', { extractable: true });
const pub = await exportJWK(rsa.publicKey);
const priv = await exportJWK(rsa.privateKey);
const files: Record<string, string> = {
  'keys.txt': 'alice:k1\nk2\n',
  'dup.keys': 'a:same\nb:same\n',
  'users.htpasswd': 'ann:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n',
  'des.htpasswd': 'old:rl0P6t3x6Yx2s\n',
  'jwks.json': JSON.stringify({ keys: [{ ...pub, kid: 'r1' }] }),
  'private.json': JSON.stringify({ keys: [{ ...priv, kid: 'r1' }] }),
  'ec-only.json': JSON.stringify({ keys: [{ kty: 'oct', k: 'abc' }] }),
  'not-json.json': '{keys',
  'secret.txt': `${'s'.repeat(40)}\n`,
  'short.txt': 'short\n',
};
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);

const env = { KEYS: 'svc:k9', SECRET: 'x'.repeat(32) };
const jwt = (o: Partial<Extract<SchemeCredentials, { kind: 'jwt' }>>): SchemeCredentials => ({
  kind: 'jwt',
  issuer: null,
  audiences: [],
  algorithms: ['RS256', 'ES256'],
  jwks: null,
  secret: null,
  clockSkewMs: 0,
  ...o,
});

async function load(credentials: SchemeCredentials): Promise<string> {
  const scheme: ImportedScheme = {
    id: 's.x',
    service: 's',
    name: 'x',
    type: 'apiKey',
    credentials,
    source: { file: 's.yaml', pointer: '#' },
  };
  const gateway = { securitySchemes: [scheme] } as unknown as Gateway;
  try {
    const loaded = (await loadAuthSecrets(gateway, { baseDir: dir, baseDirName: "gw.yaml's folder", env })).get('s.x')!;
    if (loaded.kind === 'keys') return `keys ${loaded.keys.map((k) => k.consumer ?? '-').join(',')}`;
    if (loaded.kind === 'htpasswd') return `htpasswd ${[...loaded.users.keys()].join(',')}`;
    return (
      `jwt secret=${loaded.secret?.length ?? 0} jwks=${loaded.jwks?.keys.length ?? 0} ` + `url=${loaded.jwksUrl ?? '-'}`
    );
  } catch (err) {
    if (!isGwError(err)) throw err;
    return err.diagnostics.map((d) => `${d.code} ${d.message.replace(dir, '<dir>')}`).join('\n');
  }
}

describe('loadAuthSecrets', () => {
  const cases: { name: string; given: SchemeCredentials; want: string }[] = [
    {
      name: 'a keys file, relative to the base folder',
      given: { kind: 'keys', source: { file: 'keys.txt' } },
      want: 'keys alice,-',
    },
    { name: 'keys from a variable', given: { kind: 'keys', source: { env: 'KEYS' } }, want: 'keys svc' },
    {
      name: 'a keys file that does not exist names the file and where it was looked for',
      given: { kind: 'keys', source: { file: 'nope.keys' } },
      want: 'GW_AUTH_SECRET "s.x": cannot read the keys file nope.keys (<dir>/nope.keys): it does not exist',
    },
    {
      name: 'an unset variable',
      given: { kind: 'keys', source: { env: 'UNSET_VAR' } },
      want: 'GW_AUTH_SECRET "s.x": the environment variable UNSET_VAR that holds the keys is not set',
    },
    {
      name: 'a repeated key names the lines, not the key',
      given: { kind: 'keys', source: { file: 'dup.keys' } },
      want: 'GW_AUTH_SECRET "s.x": the file dup.keys line 2 repeats the key of line 1',
    },
    { name: 'an htpasswd file', given: { kind: 'htpasswd', source: { file: 'users.htpasswd' } }, want: 'htpasswd ann' },
    {
      name: 'an htpasswd hash gw cannot check',
      given: { kind: 'htpasswd', source: { file: 'des.htpasswd' } },
      want:
        'GW_AUTH_SECRET "s.x": the file des.htpasswd: line 1: the hash of user "old" is in a format gw ' +
        'cannot check (use {SHA}, bcrypt $2y$ or $apr1$: htpasswd -B, -s or -m)',
    },
    { name: 'a JWKS file', given: jwt({ jwks: { file: 'jwks.json' } }), want: 'jwt secret=0 jwks=1 url=-' },
    {
      name: 'a JWKS URL is only noted',
      given: jwt({ jwks: { url: 'https://idp.test/jwks' } }),
      want: 'jwt secret=0 jwks=0 url=https://idp.test/jwks',
    },
    {
      name: 'an HS256 secret file (the final newline is not part of it)',
      given: jwt({ algorithms: ['HS256'], secret: { file: 'secret.txt' } }),
      want: 'jwt secret=40 jwks=0 url=-',
    },
    {
      name: 'an HS256 secret from a variable',
      given: jwt({ algorithms: ['HS256'], secret: { env: 'SECRET' } }),
      want: 'jwt secret=32 jwks=0 url=-',
    },
    {
      name: 'an HS256 secret under 32 bytes',
      given: jwt({ algorithms: ['HS256'], secret: { file: 'short.txt' } }),
      want:
        'GW_AUTH_SECRET "s.x": the HS256 secret in the file short.txt is 5 bytes; HS256 needs at least ' +
        '32 (RFC 7518)',
    },
    {
      name: 'a JWKS with a private key',
      given: jwt({ jwks: { file: 'private.json' } }),
      want: 'GW_AUTH_SECRET "s.x": the JWKS file private.json holds a private key',
    },
    {
      name: 'a JWKS without a usable key',
      given: jwt({ jwks: { file: 'ec-only.json' } }),
      want: 'GW_AUTH_SECRET "s.x": the JWKS file ec-only.json has no key for RS256 or ES256',
    },
    {
      name: 'a JWKS file that is not JSON',
      given: jwt({ jwks: { file: 'not-json.json' } }),
      want: 'GW_AUTH_SECRET "s.x": the JWKS file not-json.json is not JSON',
    },
    {
      name: 'HS256 allowed but no secret',
      given: jwt({ algorithms: ['HS256', 'RS256'], jwks: { file: 'jwks.json' } }),
      want: 'GW_AUTH_SECRET "s.x": allows HS256 but has no `secret` to check it with',
    },
    {
      name: 'a secret and a JWKS, HS256 only: the JWKS would be unused',
      given: jwt({ algorithms: ['HS256'], secret: { env: 'SECRET' }, jwks: { file: 'jwks.json' } }),
      want: 'GW_AUTH_SECRET "s.x": has a `jwks`, but its `algorithms` use none of its keys',
    },
    {
      name: 'a secret and a JWKS with both kinds of algorithm',
      given: jwt({ algorithms: ['HS256', 'RS256'], secret: { env: 'SECRET' }, jwks: { file: 'jwks.json' } }),
      want: 'jwt secret=32 jwks=1 url=-',
    },
  ];
  for (const c of cases) it(c.name, async () => expect(await load(c.given)).toBe(c.want));

  it('reports every problem of every scheme at once, never a secret', async () => {
    const schemes = ['a', 'b'].map((n) => ({
      id: `s.${n}`,
      credentials: { kind: 'keys', source: { env: `MISSING_${n}` } },
    }));
    const err = await loadAuthSecrets({ securitySchemes: schemes } as unknown as Gateway, {
      baseDir: dir,
      baseDirName: 'x',
      env,
    }).catch((e: unknown) => e);
    expect(isGwError(err) && err.diagnostics.map((d) => d.message)).toEqual([
      '"s.a": the environment variable MISSING_a that holds the keys is not set',
      '"s.b": the environment variable MISSING_b that holds the keys is not set',
    ]);
    expect(JSON.stringify(err)).not.toContain(env.SECRET);
  });
});
