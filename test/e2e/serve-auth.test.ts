import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGw, tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { send } from '../helpers/http.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * gw serve with credentials: start-up errors, hot reload of secrets, a JWKS URL, the access log. Scenarios for every
 * plane are in scenarios/auth-scenarios.ts.
 */
let dir: string;
let cleanup: () => Promise<void>;
let echo: EchoUpstream;
let gw: RunningGateway | undefined;
const servers: Server[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('gw-auth-'));
  echo = await startEcho('svc');
});
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  await echo.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await cleanup();
});

const SPEC = oas30(
  'Svc',
  {
    '/keyed': { get: { operationId: 'keyed', security: [{ key: [] }] } },
    '/queried': { get: { operationId: 'queried', security: [{ qkey: [] }] } },
    '/token': { get: { operationId: 'token', security: [{ jwt: ['read'] }] } },
    '/open': { get: { operationId: 'open', security: [] } },
  },
  {
    components: {
      securitySchemes: {
        key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        qkey: { type: 'apiKey', in: 'query', name: 'api_key' },
        jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
    },
  },
);

async function project(credentials: string): Promise<void> {
  await writeFiles(dir, { 'svc.yaml': SPEC });
  await writeFile(
    join(dir, 'gw.yaml'),
    'version: 1\nname: t\nservices:\n  - name: svc\n    spec: svc.yaml\n' +
      `    upstreams: ["${echo.url}"]\ncredentials:\n${credentials}`,
  );
}

async function waitFor(text: string, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!gw!.output().stderr.includes(text) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

describe('gw serve: credentials at start-up', () => {
  it('an unreadable keys file is GW_AUTH_SECRET naming the file, exit 1, no stack, nothing listening', async () => {
    await project(
      '  svc.key: { keys: { file: secrets/missing.keys } }\n  svc.qkey: { keys: { env: GW_TEST_UNSET_KEYS } }\n',
    );
    const r = await runGw(['serve', '--port', '0'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error GW_AUTH_SECRET "svc.key": cannot read the keys file secrets/missing.keys ' +
        `(${join(dir, 'secrets/missing.keys')}): it does not exist`,
    );
    expect(r.stderr).toContain("hint: relative files are resolved against gw.yaml's folder");
    expect(r.stderr).toContain(
      'error GW_AUTH_SECRET "svc.qkey": the environment variable GW_TEST_UNSET_KEYS that holds the keys is not set',
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('gw serve: hot reload rebuilds the checkers', () => {
  it('an edited keys file takes effect without a restart; a broken one keeps the last good keys', async () => {
    const [k1, k2] = [randomBytes(12).toString('hex'), randomBytes(12).toString('hex')];
    await writeFiles(dir, { 'secrets/keys.txt': `first:${k1}\n` });
    await project('  svc.key: { keys: { file: secrets/keys.txt } }\n');
    gw = await startGwServe(dir, ['--watch']);
    expect((await send(gw.url, 'GET', '/keyed', { 'x-api-key': k1 })).status).toBe(200);
    expect((await send(gw.url, 'GET', '/keyed', { 'x-api-key': k2 })).status).toBe(401);

    await writeFile(join(dir, 'secrets/keys.txt'), `second:${k2}\n`);
    await waitFor('reloaded');
    expect((await send(gw.url, 'GET', '/keyed', { 'x-api-key': k1 })).status).toBe(401);
    const second = await send(gw.url, 'GET', '/keyed', { 'x-api-key': k2 });
    expect(second.status).toBe(200);
    expect(JSON.parse(second.body).headers['x-consumer']).toBe('second');

    await writeFile(join(dir, 'secrets/keys.txt'), `a:${k1}\nb:${k1}\n`);
    await waitFor('GW_SERVE_RELOAD');
    expect(gw.output().stderr).toContain(
      'error GW_AUTH_SECRET "svc.key": the file secrets/keys.txt line 2 repeats the key of line 1',
    );
    expect(gw.output().stderr).not.toContain(k1);
    expect((await send(gw.url, 'GET', '/keyed', { 'x-api-key': k2 })).status).toBe(200);
  });
});

describe('gw serve: JWKS from a URL', () => {
  it('fetches the keys once, verifies tokens, and answers 401 (not a crash) while the URL is unreachable', async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] };
    let fetches = 0;
    const idp = createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    servers.push(idp);
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    const port = (idp.address() as { port: number }).port;
    await project(`  svc.jwt: { jwt: { jwks: { url: "http://127.0.0.1:${port}/jwks.json" }, audience: api } }\n`);
    gw = await startGwServe(dir);
    const sign = (claims: object) =>
      new SignJWT({ aud: 'api', sub: 'svc-client', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setExpirationTime('5m')
        .sign(pair.privateKey);
    const ok = await send(gw.url, 'GET', '/token', { authorization: `Bearer ${await sign({ scope: 'read' })}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).headers['x-consumer']).toBe('svc-client');
    expect((await send(gw.url, 'GET', '/token', { authorization: `Bearer ${await sign({})}` })).status).toBe(403);
    expect(fetches).toBe(1);

    // A gateway whose JWKS URL refuses connections still starts and answers.
    await gw.stop();
    await project(`  svc.jwt: { jwt: { jwks: { url: "http://127.0.0.1:1/jwks.json" }, audience: api } }\n`);
    gw = await startGwServe(dir);
    const refused = await send(gw.url, 'GET', '/token', { authorization: `Bearer ${await sign({ scope: 'read' })}` });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="t", error="invalid_token"');
    expect((await send(gw.url, 'GET', '/open')).status).toBe(200);
  });
});

describe('gw serve: the access log', () => {
  it('names the consumer, and never shows a query key', async () => {
    const key = randomBytes(12).toString('hex');
    await project(`  svc.key: { keys: { env: GW_TEST_KEYS } }\n  svc.qkey: { keys: { env: GW_TEST_KEYS } }\n`);
    gw = await startGwServe(dir, [], undefined, { GW_TEST_KEYS: `alice:${key}` });
    await send(gw.url, 'GET', '/keyed', { 'x-api-key': key, 'x-request-id': 'log-1' });
    await send(gw.url, 'GET', `/queried?a=1&api_key=${key}`, { 'x-request-id': 'log-2' });
    await send(gw.url, 'GET', '/queried?api_key=wrong', { 'x-request-id': 'log-3' });
    await new Promise((r) => setTimeout(r, 100));
    const lines = gw
      .output()
      .stdout.split('\n')
      .filter((l) => l.includes('"requestId":"log-'));
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => [e.requestId, e.status, e.consumer, e.path, e.code])).toEqual([
      ['log-1', 200, 'alice', '/keyed', null],
      ['log-2', 200, 'alice', '/queried?a=1&api_key=***', null],
      ['log-3', 401, null, '/queried?api_key=***', 'GW_HTTP_UNAUTHORIZED'],
    ]);
    expect(gw.output().stdout).not.toContain(key);
  });
});

describe('docs/auth.md: the example runs', () => {
  it('the golden case 10-auth serves with its secrets in place: OR, AND, scopes, public, cookie keys', async () => {
    const { cp } = await import('node:fs/promises');
    const { createHash } = await import('node:crypto');
    await cp(join(process.cwd(), 'test/golden/cases/10-auth'), dir, {
      recursive: true,
      filter: (f) => !f.includes('expected'),
    });
    const oidc = await generateKeyPair('RS256', { extractable: true });
    const partnerKey = randomBytes(12).toString('hex');
    const exportKey = randomBytes(12).toString('hex');
    const password = randomBytes(9).toString('base64url');
    const jwtSecret = randomBytes(32).toString('hex');
    await writeFiles(dir, {
      'secrets/partners.keys': `acme:${partnerKey}\n`,
      'secrets/staff.htpasswd': `ann:{SHA}${createHash('sha1').update(password).digest('base64')}\n`,
      'secrets/oidc-jwks.json': { keys: [{ ...(await exportJWK(oidc.publicKey)), kid: 'o1' }] },
    });
    gw = await startGwServe(dir, ['--mock-missing'], undefined, {
      BILLING_EXPORT_KEYS: `reports:${exportKey}`,
      BILLING_JWT_SECRET: jwtSecret,
    });
    const basic = `Basic ${Buffer.from(`ann:${password}`).toString('base64')}`;
    const oidcToken = (scope: string) =>
      new SignJWT({ scope, sub: 'clerk' })
        .setProtectedHeader({ alg: 'RS256', kid: 'o1' })
        .setIssuer('https://login.example.org')
        .setAudience('billing-admin')
        .setExpirationTime('5m')
        .sign(oidc.privateKey);
    const serviceToken = await new SignJWT({ sub: 'payments' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://billing.example')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(jwtSecret));

    expect((await send(gw.url, 'GET', '/status')).status).toBe(200);
    const none = await send(gw.url, 'GET', '/invoices');
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).detail).toBe(
      'this operation needs a bearer token with the scope invoices:read, or an API key in the ' +
        'X-Partner-Key header, or HTTP basic credentials',
    );
    expect(none.headers['www-authenticate']).toBe(
      'Bearer realm="billing-gw", ApiKey realm="billing-gw", in="header", name="X-Partner-Key", Basic ' +
        'realm="billing-gw", charset="UTF-8"',
    );
    expect((await send(gw.url, 'GET', '/invoices', { 'x-partner-key': partnerKey })).status).toBe(200);
    expect((await send(gw.url, 'GET', '/invoices', { authorization: basic })).status).toBe(200);
    expect((await send(gw.url, 'POST', '/invoices', { 'x-partner-key': partnerKey })).status).toBe(401);
    expect(
      (await send(gw.url, 'POST', '/invoices', { 'x-partner-key': partnerKey, authorization: basic })).status,
    ).toBe(201);
    expect((await send(gw.url, 'POST', '/invoices', { authorization: `Bearer ${serviceToken}` })).status).toBe(201);
    expect((await send(gw.url, 'GET', '/exports', { cookie: `theme=dark; billing_key=${exportKey}` })).status).toBe(
      200,
    );
    expect((await send(gw.url, 'GET', `/exports?api_key=${exportKey}`)).status).toBe(200);
    const readOnly = await send(gw.url, 'DELETE', '/invoices/42', {
      authorization: `Bearer ${await oidcToken('invoices:read')}`,
    });
    expect(readOnly.status).toBe(403);
    expect(readOnly.headers['www-authenticate']).toBe(
      'Bearer realm="billing-gw", error="insufficient_scope", scope="invoices:read invoices:void"',
    );
    expect(JSON.parse(readOnly.body).detail).toBe(
      'the credentials are valid but lack the scopes this operation needs: invoices:read invoices:void',
    );
    expect(
      (
        await send(gw.url, 'DELETE', '/invoices/42', {
          authorization: `Bearer ${await oidcToken('invoices:read invoices:void')}`,
        })
      ).status,
    ).toBe(204);
  });
});
