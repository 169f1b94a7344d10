import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportedScheme } from '../../../../src/model/fragment.js';
import type { Gateway, SecurityRequirement } from '../../../../src/model/types.js';
import { planAuth } from '../../../../src/targets/nginx/auth-view.js';
import { nginxTarget } from '../../../../src/targets/nginx/index.js';
import { renderKeyMaps } from '../../../../src/cli/key-maps.js';
import { keyMapText } from '../../../../src/targets/nginx/key-maps.js';
import { includedMaps, loadNjsModule, njsRequest } from '../../../helpers/njs-stand-in.js';
import { route, settle, plainListen } from '../../../helpers/routes.js';
import { scheme } from '../../../scenarios/policy-table.js';

/**
 * The key maps nginx looks API keys up in (src/targets/nginx/key-maps.ts): what `gw keys` and
 * `gw build` write from the keys gw.yaml points at, and gw-auth.js (under the njs stand-in) finding
 * a key's consumer in them. test/e2e/nginx-key-maps.test.ts runs the same in Debian's nginx.
 */
const base = mkdtempSync(join(tmpdir(), 'gw-key-maps-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const ALICE = 'k-alice-0123456789abcdef';
const BARE = 'k-bare-0123456789abcdef';
writeFileSync(join(base, 'a.keys'), `# partners\nalice:${ALICE}\n${BARE}\n`);
writeFileSync(join(base, 'twice.keys'), `a:${ALICE}\nb:${ALICE}\n`);
const ctx = (env: Record<string, string> = {}) => ({ baseDir: base, baseDirName: 'the test folder', env });
const digest = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32);

const keys = (name: string, source: { file: string } | { env: string }, paramName = 'X-Key'): ImportedScheme =>
  scheme(name, { in: 'header', paramName, credentials: { kind: 'keys', source } });

/** A gateway whose route /r<i> needs the scheme s.<names[i]>. */
function gatewayOf(schemes: ImportedScheme[], names: string[]): Gateway {
  const one = (id: string): SecurityRequirement[] => [{ schemes: [{ scheme: `s.${id}`, scopes: [] }] }];
  const routes = names.map((n, i) => ({ ...route('GET', `/r${i}`), security: one(n) }));
  return settle(routes, { name: 'keys-gw', listen: plainListen('127.0.0.1', 0), securitySchemes: schemes });
}

describe('key maps: what gw keys writes for nginx', () => {
  it('a line per key: its SHA-256 (128 bits, hex) and "=" with its consumer; never the key', () => {
    const text = keyMapText('s.a', [
      { consumer: 'alice', key: ALICE },
      { consumer: null, key: BARE },
      { consumer: 'a$b"c;', key: 'k-odd-0123456789' },
    ]);
    expect(text).not.toContain(ALICE);
    expect(text).not.toContain(BARE);
    expect(text.split('\n').filter((l) => !l.startsWith('#'))).toEqual(
      [`"${digest(ALICE)}" "=alice";`, `"${digest(BARE)}" "=";`, `"${digest('k-odd-0123456789')}" "=a%24b%22c%3B";`]
        .sort()
        .concat(''),
    );
  });

  it('one map per apiKey scheme a route needs, from a file or a variable', async () => {
    const g = gatewayOf(
      [keys('a', { file: 'a.keys' }), keys('b', { env: 'B_KEYS' }), keys('unused', { env: 'U' })],
      ['a', 'b'],
    );
    const maps = await renderKeyMaps(g, ctx({ B_KEYS: `bob:${BARE}` }), 'fail');
    expect(maps.diagnostics).toEqual([]);
    expect(maps.files.map((f) => f.path)).toEqual(['nginx/keys/s.a.map', 'nginx/keys/s.b.map']);
    expect([...maps.counts]).toEqual([
      ['s.a', 2],
      ['s.b', 1],
    ]);
    expect(maps.files[1]!.contents).toContain(`"${digest(BARE)}" "=bob";`);
    expect(planAuth(g).njs!.keyMaps.map((m) => m.file)).toEqual(['keys/s.a.map', 'keys/s.b.map']);
  });

  it('keys it cannot read: gw build warns and writes an empty map; gw keys fails', async () => {
    const g = gatewayOf([keys('a', { file: 'missing.keys' })], ['a']);
    const built = await renderKeyMaps(g, ctx(), 'warn');
    expect(built.diagnostics.map((d) => [d.code, d.severity])).toEqual([['GW_KEYS_UNREAD', 'warning']]);
    expect(built.diagnostics[0]!.message).toContain('"s.a": cannot read the keys file missing.keys');
    expect(built.files[0]!.contents.split('\n').filter((l) => l.startsWith('"'))).toEqual([]);
    const keysRun = await renderKeyMaps(g, ctx(), 'fail');
    expect(keysRun.diagnostics.map((d) => [d.code, d.severity])).toEqual([['GW_AUTH_SECRET', 'error']]);
  });

  it('a key that appears twice is an error, naming the line, never the key', async () => {
    const maps = await renderKeyMaps(gatewayOf([keys('a', { file: 'twice.keys' })], ['a']), ctx(), 'warn');
    expect(maps.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['GW_AUTH_SECRET', '"s.a": the keys file line 2 repeats the key of line 1'],
    ]);
    expect(JSON.stringify(maps)).not.toContain(ALICE);
  });
});

describe('gw-auth.js looks keys up in the maps', async () => {
  // Two schemes read the same header: a key of one must not open the other's routes.
  const g = gatewayOf([keys('a', { file: 'a.keys' }), keys('b', { env: 'B_KEYS' })], ['a', 'b']);
  const { files } = await nginxTarget.render(g, {});
  const maps = includedMaps([...files, ...(await renderKeyMaps(g, ctx({ B_KEYS: `bob:${BARE}x` }), 'fail')).files]);
  const text = (name: string) => files.find((f) => f.path === `nginx/conf.d/${name}`)!.contents;
  const module = loadNjsModule(text('gw-auth.js'), text('gw-auth-config.js'), { env: {} });
  const auth = planAuth(g);
  const check = async (i: number, key: string) => {
    const r = njsRequest([['X-Key', key]], { gw_auth: String(auth.routes.get(g.routes[i]!)!.policy) }, maps);
    await module.exports.check!(r);
    return [r.status, r.variables.gw_consumer];
  };

  it("a key finds its scheme's consumer; a bare key passes with none", async () => {
    expect(await check(0, ALICE)).toEqual([204, 'alice']);
    expect(await check(0, BARE)).toEqual([204, '']);
    expect(await check(1, `${BARE}x`)).toEqual([204, 'bob']);
  });

  it('a key of another scheme, or none of any, is refused (401)', async () => {
    expect((await check(1, ALICE))[0]).toBe(401);
    expect((await check(0, `${BARE}x`))[0]).toBe(401);
    expect((await check(0, 'k-unknown-0123456789'))[0]).toBe(401);
  });

  it('gw-auth-config.js names no key source: nginx reads no keys file or variable', () => {
    expect(text('gw-auth-config.js')).not.toMatch(/a\.keys|B_KEYS/);
    expect(files.find((f) => f.path === 'nginx/nginx.conf')!.contents).not.toContain('B_KEYS');
  });
});
