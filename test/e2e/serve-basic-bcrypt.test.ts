import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runGw, tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { send, sendFrom } from '../helpers/http.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * Issue 10, item 10: HTTP basic with bcrypt on gw serve. A wrong password costs the same for a
 * user that does not exist (no user enumeration by timing); bcrypt runs on worker threads, so
 * checks in flight never hold up other requests; and a client that keeps sending wrong
 * credentials gets 429 (settings.auth.failureLimit, default 10 a minute per client address)
 * while other clients go on. Each client is its own loopback address (127.x.y.z).
 */
const PASSWORD = 'correct horse';
// Cost 10: about 0.1 s per check in bcryptjs, well above the noise of a loopback round trip.
const HASH = bcrypt.hashSync(PASSWORD, 10).replace(/^\$2b\$/, '$2y$');
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let dir: string;
let cleanup: () => Promise<void>;
let echo: EchoUpstream;
let gw: RunningGateway | undefined;

beforeAll(async () => (echo = await startEcho('svc')));
afterAll(async () => echo.close());
beforeEach(async () => ({ dir, cleanup } = await tempDir('gw-bcrypt-')));
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  await cleanup();
});

const SPEC = oas30(
  'Svc',
  {
    '/private': { get: { operationId: 'private', security: [{ staff: [] }] } },
    '/loose': { get: { operationId: 'loose', security: [{ staff: [] }] } },
    '/open': { get: { operationId: 'open', security: [] } },
  },
  { components: { securitySchemes: { staff: { type: 'http', scheme: 'basic' } } } },
);

/** A project with one bcrypt user, ann; `yaml` adds gw.yaml keys at the top level (after services). */
async function serve(yaml = ''): Promise<RunningGateway> {
  await writeFiles(dir, { 'svc.yaml': SPEC, 'secrets/staff.htpasswd': `ann:${HASH}\n` });
  await writeFile(
    join(dir, 'gw.yaml'),
    'version: 1\nname: t\nservices:\n  - name: svc\n    spec: svc.yaml\n' +
      `    upstreams: ["${echo.url}"]\ncredentials:\n` +
      `  svc.staff: { htpasswd: { file: secrets/staff.htpasswd } }\n${yaml}`,
  );
  gw = await startGwServe(dir);
  return gw;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Milliseconds from sending to the whole answer, which must be 401. */
async function timed401(from: string, authorization: string): Promise<number> {
  const started = performance.now();
  const a = await sendFrom(from, gw!.url, 'GET', '/private', { authorization });
  expect(a.status).toBe(401);
  return performance.now() - started;
}

describe('issue 10 item 10: basic auth with bcrypt', () => {
  it('answers a user that does not exist as slowly as a wrong password of one that does (medians of 5)', async () => {
    await serve();
    const known: number[] = [];
    const unknown: number[] = [];
    // Alternating, each from its own address (so the failure limit stays out of it).
    for (let i = 0; i < 5; i++) {
      known.push(await timed401(`127.0.2.${i + 1}`, basic('ann', `wrong-${i}`)));
      unknown.push(await timed401(`127.0.3.${i + 1}`, basic('nobody', `wrong-${i}`)));
    }
    // Checking the premise: a bcrypt check of cost 10 takes a while.
    expect(median(known)).toBeGreaterThan(10);
    expect(median(unknown)).toBeGreaterThanOrEqual(0.5 * median(known));
  });

  it('keeps a public request fast while 20 wrong bcrypt passwords are being checked', async () => {
    await serve();
    const wrong = Array.from({ length: 20 }, (_, i) =>
      sendFrom(`127.0.4.${i + 1}`, gw!.url, 'GET', '/private', { authorization: basic('ann', `guess-${i}`) }),
    );
    await new Promise((r) => setTimeout(r, 30));
    const started = performance.now();
    const open = await send(gw!.url, 'GET', '/open');
    const took = performance.now() - started;
    expect(open.status).toBe(200);
    expect(took).toBeLessThan(300);
    // Each guess is refused: 401, or 503 if the queue of checks was full.
    for (const a of await Promise.all(wrong)) expect([401, 503]).toContain(a.status);
    expect(
      (await sendFrom('127.0.4.99', gw!.url, 'GET', '/private', { authorization: basic('ann', PASSWORD) })).status,
    ).toBe(200);
  });

  it('answers 429 with Retry-After after 10 wrong passwords from a client; other clients are unaffected', async () => {
    await serve();
    const attacker = '127.0.5.1';
    for (let i = 0; i < 10; i++)
      expect(
        (await sendFrom(attacker, gw!.url, 'GET', '/private', { authorization: basic('ann', `guess-${i}`) })).status,
      ).toBe(401);
    const blocked = await sendFrom(attacker, gw!.url, 'GET', '/private', { authorization: basic('ann', 'guess-10') });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['content-type']).toBe('application/problem+json');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(JSON.parse(blocked.body)).toMatchObject({ status: 429, code: 'GW_HTTP_TOO_MANY_AUTH_FAILURES' });
    // Blocked means blocked: the right password does not get through either, so guessing it is useless.
    expect(
      (await sendFrom(attacker, gw!.url, 'GET', '/private', { authorization: basic('ann', PASSWORD) })).status,
    ).toBe(429);
    // Without credentials, or on a public route, the client is answered as usual.
    expect((await sendFrom(attacker, gw!.url, 'GET', '/private')).status).toBe(401);
    expect((await sendFrom(attacker, gw!.url, 'GET', '/open')).status).toBe(200);
    // Another client.
    expect(
      (await sendFrom('127.0.5.2', gw!.url, 'GET', '/private', { authorization: basic('ann', PASSWORD) })).status,
    ).toBe(200);
    expect(
      (await sendFrom('127.0.5.2', gw!.url, 'GET', '/private', { authorization: basic('ann', 'typo') })).status,
    ).toBe(401);
  });

  it('takes auth.failureLimit from gw.yaml (model.json shows it per route); false turns it off', async () => {
    const yaml = 'settings:\n  auth: { failureLimit: { failures: 2, window: 1m } }\n';
    const opLevel = '    operations:\n      loose: { auth: { failureLimit: false } }\n';
    await writeFiles(dir, { 'svc.yaml': SPEC, 'secrets/staff.htpasswd': `ann:${HASH}\n` });
    await writeFile(
      join(dir, 'gw.yaml'),
      'version: 1\nname: t\nservices:\n  - name: svc\n    spec: svc.yaml\n' +
        `    upstreams: ["${echo.url}"]\n${opLevel}credentials:\n` +
        `  svc.staff: { htpasswd: { file: secrets/staff.htpasswd } }\n${yaml}`,
    );
    const model = await runGw(['model', '--json'], { cwd: dir });
    expect(model.code).toBe(0);
    const routes = JSON.parse(model.stdout).routes as { id: string; settings: { auth: { failureLimit: unknown } } }[];
    expect(Object.fromEntries(routes.map((r) => [r.id, r.settings.auth.failureLimit]))).toEqual({
      'svc.private': { failures: 2, windowMs: 60_000 },
      'svc.loose': null,
      'svc.open': { failures: 2, windowMs: 60_000 },
    });
    gw = await startGwServe(dir);
    for (let i = 0; i < 4; i++)
      expect(
        (await sendFrom('127.0.6.1', gw.url, 'GET', '/loose', { authorization: basic('ann', `guess-${i}`) })).status,
      ).toBe(401);
    for (let i = 0; i < 2; i++)
      expect(
        (await sendFrom('127.0.6.2', gw.url, 'GET', '/private', { authorization: basic('ann', `guess-${i}`) })).status,
      ).toBe(401);
    expect(
      (await sendFrom('127.0.6.2', gw.url, 'GET', '/private', { authorization: basic('ann', 'guess-2') })).status,
    ).toBe(429);
  });
});
