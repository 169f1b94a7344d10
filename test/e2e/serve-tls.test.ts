import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as connectH2 } from 'node:http2';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGw, tempDir } from '../helpers/cli.js';
import { startEcho, type EchoReport, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { closeTlsClients, sendTls, type TlsClient } from '../helpers/https.js';
import { oas30, writeFiles } from '../helpers/specs.js';
import { makeTestCa, type TestCa } from '../helpers/test-ca.js';

/**
 * gw serve terminating TLS (issue 14, items 1 and 2): certificates picked by SNI, ALPN offering h2 and http/1.1,
 * the redirect from http, renewals read without dropping connections, and every bad file a GW_TLS_* at start.
 */
let dir: string;
let cleanup: () => Promise<void>;
let ca: TestCa;
let echo: EchoUpstream;
let gw: RunningGateway;
const fingerprint = (file: string) => new X509Certificate(readFileSync(join(dir, file))).fingerprint256;

function gwYaml(listen: string): string {
  return `version: 1
name: tls
listen: ${listen}
services:
  - name: items
    spec: items.yaml
    upstreams: ["${echo.url}"]
`;
}

const CERTS = `certificates:
      - { cert: certs/api.pem, key: certs/api.key }
      - { cert: certs/admin.pem, key: certs/admin.key, serverNames: [admin.example.test] }`;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('gw-serve-tls-'));
  ca = makeTestCa(dir);
  for (const name of ['api', 'admin', 'renewed']) ca.server(name, [`${name}.example.test`, '127.0.0.1']);
  await writeFiles(dir, { 'items.yaml': oas30('Items', { '/items': { get: {}, post: {} } }) });
  for (const f of ['api.pem', 'api.key', 'admin.pem', 'admin.key'])
    await writeFiles(dir, { [`certs/${f}`]: readFileSync(join(dir, f), 'utf8') });
  echo = await startEcho('items');
  await writeFiles(dir, {
    'gw.yaml': gwYaml(`\n  host: 127.0.0.1\n  port: 0\n  redirectHttp: 0\n  tls:\n    ${CERTS}`),
  });
  gw = await startGwServe(dir);
}, 60_000);
afterAll(async () => {
  closeTlsClients();
  await gw?.stop();
  await echo?.close();
  await cleanup?.();
});

const client = (protocol: TlsClient['protocol'], servername?: string): TlsClient => ({
  ca: ca.root,
  protocol,
  ...(servername ? { servername } : {}),
});

describe('gw serve over TLS', () => {
  it('says https in its ready line', () => expect(gw.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/));
  it.each(['http/1.1', 'h2'] as const)(
    'answers over %s with the default certificate when no name is sent',
    async (p) => {
      const a = await sendTls(gw.url, client(p), 'GET', '/items');
      expect([a.status, a.protocol, a.certificate]).toEqual([
        200,
        p === 'h2' ? 'HTTP/2' : 'HTTP/1.1',
        fingerprint('api.pem'),
      ]);
      const report = JSON.parse(a.body) as EchoReport;
      expect(report.headers['x-forwarded-proto']).toBe('https');
      expect(report.headers.host).toMatch(/^127\.0\.0\.1:\d+$/);
    },
  );
  it("answers its own problems over h2 as over HTTP/1.1, without Node's warnings on stderr", async () => {
    const a = await sendTls(gw.url, client('h2'), 'GET', '/nowhere');
    expect([a.status, JSON.parse(a.body).code, a.headers['content-type']]).toEqual([
      404,
      'GW_HTTP_NOT_FOUND',
      'application/problem+json',
    ]);
    await new Promise((r) => setTimeout(r, 100));
    expect(gw.output().stderr).not.toMatch(/Warning/);
  });
  it('sends the certificate of the name asked for (SNI)', async () => {
    const a = await sendTls(gw.url, client('h2', 'admin.example.test'), 'GET', '/items');
    expect(a.certificate).toBe(fingerprint('admin.pem'));
    const other = await sendTls(gw.url, client('http/1.1', 'api.example.test'), 'GET', '/items');
    expect(other.certificate).toBe(fingerprint('api.pem'));
  });
  it('forwards an h2 request body that has no Content-Length', async () => {
    const session = connectH2(gw.url, { ca: ca.root });
    const report = await new Promise<EchoReport>((resolve, reject) => {
      const stream = session.request({ ':method': 'POST', ':path': '/items' });
      let body = '';
      stream.on('data', (c) => (body += c));
      stream.on('end', () => resolve(JSON.parse(body) as EchoReport));
      stream.on('error', reject);
      stream.write('part one, ');
      setTimeout(() => stream.end('part two'), 50);
    });
    session.close();
    expect([report.method, report.bytes]).toEqual(['POST', 18]);
  });
  it('redirects http to the same URL on https with 308', async () => {
    const ready = JSON.parse(gw.output().stdout.split('\n')[0]!) as { redirect: string };
    const res = await fetch(`${ready.redirect}/items?x=1`, { redirect: 'manual' });
    const port = new URL(gw.url).port;
    expect([res.status, res.headers.get('location')]).toEqual([308, `https://127.0.0.1:${port}/items?x=1`]);
  });
  it('refuses a TLS version under the minimum', async () => {
    const refused = await new Promise<string>((resolve) => {
      const u = new URL(gw.url);
      const s = connectTls({
        host: u.hostname,
        port: Number(u.port),
        ca: ca.root,
        maxVersion: 'TLSv1.1',
        minVersion: 'TLSv1',
      });
      s.on('secureConnect', () => resolve('connected'));
      s.on('error', (err: Error & { code?: string }) => resolve(err.code ?? err.message));
    });
    expect(refused).not.toBe('connected');
  });
});

describe('certificate renewal', () => {
  it('serves a renewed certificate to new connections and keeps the open ones', async () => {
    const open = connectH2(gw.url, { ca: ca.root });
    const ask = () =>
      new Promise<number>((resolve, reject) => {
        const s = open.request({ ':path': '/items' });
        s.on('response', (h) => resolve(Number(h[':status'])));
        s.on('error', reject);
        s.resume();
      });
    expect(await ask()).toBe(200);
    copyFileSync(join(dir, 'renewed.key'), join(dir, 'certs', 'api.key'));
    copyFileSync(join(dir, 'renewed.pem'), join(dir, 'certs', 'api.pem'));
    const deadline = Date.now() + 5_000;
    let seen = '';
    while (Date.now() < deadline) {
      closeTlsClients();
      seen = (await sendTls(gw.url, client('http/1.1'), 'GET', '/items')).certificate;
      if (seen === fingerprint('renewed.pem')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBe(fingerprint('renewed.pem'));
    expect(await ask()).toBe(200);
    open.close();
  });
  it('reports a renewal it cannot use and keeps serving the last good certificate', async () => {
    writeFileSync(join(dir, 'certs', 'admin.key'), 'not a key\n');
    const deadline = Date.now() + 5_000;
    while (!gw.output().stderr.includes('GW_SERVE_RELOAD') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(gw.output().stderr).toContain(
      'error GW_TLS_CERTIFICATE the key file certs/admin.key holds no private key gw can use (not PEM, or encrypted)',
    );
    expect(gw.output().stderr).toContain('the changed certificates cannot be used; still serving the last good ones');
    closeTlsClients();
    const a = await sendTls(gw.url, client('h2', 'admin.example.test'), 'GET', '/items');
    expect([a.status, a.certificate]).toEqual([200, fingerprint('admin.pem')]);
  });
});

describe('certificates that cannot be used stop the start', () => {
  it('names the files of a key that does not belong to its certificate, and of one missing', async () => {
    const { dir: bad, cleanup: done } = await tempDir('gw-serve-tls-bad-');
    await writeFiles(bad, {
      'items.yaml': oas30('Items', { '/items': { get: {} } }),
      'api.pem': readFileSync(join(dir, 'api.pem'), 'utf8'),
      'admin.key': readFileSync(join(dir, 'admin.key'), 'utf8'),
      'gw.yaml': gwYaml(
        '{ port: 0, tls: { certificates: [{cert: api.pem, key: admin.key}, ' +
          '{cert: gone.pem, key: admin.key, serverNames: [x.test]}] } }',
      ),
    });
    const r = await runGw(['serve', '--host', '127.0.0.1'], { cwd: bad });
    await done();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error GW_TLS_CERTIFICATE the key admin.key does not belong to the certificate api.pem');
    expect(r.stderr).toMatch(
      /error GW_TLS_CERTIFICATE cannot read the certificate file gone\.pem \(.*\/gone\.pem\): it does not exist/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('a minimum of TLS 1.3 refuses a TLS 1.2 client', async () => {
    const { dir: strict, cleanup: done } = await tempDir('gw-serve-tls13-');
    await writeFiles(strict, {
      'items.yaml': oas30('Items', { '/items': { get: {} } }),
      'c.pem': readFileSync(join(dir, 'admin.pem'), 'utf8'),
      'k.key': readFileSync(join(dir, 'admin.key'), 'utf8'),
      'gw.yaml': gwYaml('{ port: 0, tls: { cert: c.pem, key: k.key, minVersion: TLSv1.3 } }'),
    });
    const strictGw = await startGwServe(strict);
    const u = new URL(strictGw.url);
    const versions = await Promise.all(
      (['TLSv1.2', 'TLSv1.3'] as const).map(
        (v) =>
          new Promise<string>((resolve) => {
            const s = connectTls({ host: u.hostname, port: Number(u.port), ca: ca.root, minVersion: v, maxVersion: v });
            s.on('secureConnect', () => {
              resolve(s.getProtocol() ?? '');
              s.destroy();
            });
            s.on('error', () => resolve('refused'));
          }),
      ),
    );
    await strictGw.stop();
    await done();
    expect(versions).toEqual(['refused', 'TLSv1.3']);
  });
});

describe('h2c: cleartext HTTP/2 with prior knowledge', () => {
  let h2c: RunningGateway;
  let done: () => Promise<void>;
  beforeAll(async () => {
    const { dir: plain, cleanup: remove } = await tempDir('gw-serve-h2c-');
    done = remove;
    await writeFiles(plain, {
      'items.yaml': oas30('Items', { '/items': { get: {} } }),
      'gw.yaml': `${gwYaml('{ port: 0, h2c: true }')}edge: { timeouts: { send: 500ms } }\n`,
    });
    h2c = await startGwServe(plain);
  }, 30_000);
  afterAll(async () => {
    await h2c?.stop();
    await done?.();
  });

  it('answers HTTP/2 and HTTP/1.1 on one port, and logs the client of each', async () => {
    const session = connectH2(h2c.url);
    const viaH2 = await new Promise<{ status: number; report: EchoReport }>((resolve, reject) => {
      const s = session.request({ ':path': '/items' });
      let status = 0;
      let body = '';
      s.on('response', (h) => (status = Number(h[':status'])));
      s.on('data', (c) => (body += c));
      s.on('end', () => resolve({ status, report: JSON.parse(body) as EchoReport }));
      s.on('error', reject);
    });
    session.close();
    const viaH1 = await fetch(`${h2c.url}/items`);
    expect([viaH2.status, viaH2.report.headers['x-forwarded-for'], viaH1.status]).toEqual([200, '127.0.0.1', 200]);
    const logged = () =>
      h2c
        .output()
        .stdout.split('\n')
        .filter((l) => l.includes('"route":"items.get:/items"'));
    for (let i = 0; i < 50 && logged().length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    const lines = logged();
    expect(lines.map((l) => (JSON.parse(l) as { client: string }).client)).toEqual(['127.0.0.1', '127.0.0.1']);
  });
  it('cancels a stream whose client takes nothing of the answer for edge.timeouts.send', async () => {
    const session = connectH2(h2c.url);
    const started = Date.now();
    const code = await new Promise<number>((resolve) => {
      const s = session.request({ ':path': '/items', 'x-echo-bytes': String(8 * 1024 * 1024) });
      s.on('response', () => s.pause());
      s.on('close', () => resolve(s.rstCode ?? -1));
      s.on('error', () => undefined);
    });
    session.destroy();
    expect(code).toBe(8);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
