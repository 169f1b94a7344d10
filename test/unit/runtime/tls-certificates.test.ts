import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GwError } from '../../../src/diagnostics/gw-error.js';
import { resolveListen } from '../../../src/project/listen.js';
import type { ListenTls } from '../../../src/model/types.js';
import { loadTlsCertificates, sniPicker } from '../../../src/runtime/tls-certificates.js';
import { tempDir } from '../../helpers/cli.js';
import { makeTestCa } from '../../helpers/test-ca.js';

/** Certificates of gw.yaml `listen.tls` read at start (issue 14): every problem a GW_TLS_* naming the file. */
let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('gw-tls-unit-'));
  const ca = makeTestCa(dir);
  ca.server('api', ['api.example.com']);
  ca.server('admin', ['admin.example.com']);
  writeFileSync(join(dir, 'garbage.pem'), 'not a certificate\n');
  copyFileSync(join(dir, 'api.pem'), join(dir, 'api-copy.pem'));
}, 30_000);
afterAll(() => cleanup());

const ctx = () => ({ baseDir: dir, baseDirName: "gw.yaml's folder" });
const tlsOf = (certificates: { cert: string; key: string; serverNames?: string[] }[]): ListenTls =>
  resolveListen({ tls: { certificates } }).tls!;

async function problems(tls: ListenTls, now?: number): Promise<string[]> {
  try {
    const loaded = await loadTlsCertificates(tls, ctx(), now);
    return loaded.warnings.map((d) => `${d.severity} ${d.code} ${d.message}`);
  } catch (err) {
    if (!(err instanceof GwError)) throw err;
    return err.diagnostics.map((d) => `${d.severity} ${d.code} ${d.message}`);
  }
}

describe('loadTlsCertificates', () => {
  it('reads good certificates into one context each', async () => {
    const loaded = await loadTlsCertificates(
      tlsOf([
        { cert: 'api.pem', key: 'api.key' },
        { cert: 'admin.pem', key: 'admin.key', serverNames: ['admin.example.com'] },
      ]),
      ctx(),
    );
    expect(loaded.contexts).toHaveLength(2);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.pick('ADMIN.example.com')).toBe(1);
  });
  it('names every unreadable, malformed or mismatched file, all at once', async () => {
    expect(
      await problems(
        tlsOf([
          { cert: 'missing.pem', key: 'api.key' },
          { cert: 'garbage.pem', key: 'api.key', serverNames: ['a.example'] },
          { cert: 'api.pem', key: 'garbage.pem', serverNames: ['b.example'] },
          { cert: 'api-copy.pem', key: 'admin.key', serverNames: ['c.example'] },
        ]),
      ),
    ).toEqual([
      'error GW_TLS_CERTIFICATE cannot read the certificate file missing.pem ' +
        `(${join(dir, 'missing.pem')}): it does not exist`,
      'error GW_TLS_CERTIFICATE the certificate file garbage.pem holds no PEM certificate',
      'error GW_TLS_CERTIFICATE the key file garbage.pem holds no private key gw can use (not PEM, or encrypted)',
      'error GW_TLS_CERTIFICATE the key admin.key does not belong to the certificate api-copy.pem',
    ]);
  });
  it('a certificate past its dates is a warning, not an error', async () => {
    const inTenYears = Date.now() + 10 * 365 * 86_400_000;
    const [warning] = await problems(tlsOf([{ cert: 'api.pem', key: 'api.key' }]), inTenYears);
    expect(warning).toMatch(
      /^warning GW_TLS_EXPIRED the certificate api\.pem expired on \d{4}-\d\d-\d\dT.*: clients will refuse it$/,
    );
    const [early] = await problems(tlsOf([{ cert: 'api.pem', key: 'api.key' }]), Date.now() - 86_400_000);
    expect(early).toMatch(/^warning GW_TLS_EXPIRED the certificate api\.pem is not valid before /);
  });
});

describe('sniPicker', () => {
  const pick = sniPicker([
    { cert: 'default', key: '', serverNames: [] },
    { cert: 'wild', key: '', serverNames: ['*.example.com'] },
    { cert: 'deeper', key: '', serverNames: ['*.eu.example.com'] },
    { cert: 'exact', key: '', serverNames: ['api.eu.example.com', 'example.com'] },
  ]);
  it.each([
    ['no name', undefined, 0],
    ['an unknown name', 'other.test', 0],
    ['a wildcard', 'shop.example.com', 1],
    ['the longest wildcard', 'x.eu.example.com', 2],
    ['an exact name before any wildcard', 'api.eu.example.com', 3],
    ['the bare domain is no wildcard match', 'example.com', 3],
    ['case and a trailing dot do not count', 'SHOP.Example.com.', 1],
  ])('%s', (_what, name, want) => expect(pick(name)).toBe(want));
});
