import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../src/cli/load-gateway.js';
import { loadProject } from '../../src/project/load.js';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { send, sendFrom } from '../helpers/http.js';
import { startNodeTarget, writeNodeTarget, type RunningNodeTarget } from '../helpers/node-target.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * Issue 10, item 10, in the generated Node gateway: its runtime is one bundled file
 * (scripts/bundle-runtime.js), so the bcrypt pool's worker thread has to come out of that file.
 * Started as `node node/server.mjs` from a folder with no node_modules above it.
 */
const PASSWORD = 'correct horse';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
let echo: EchoUpstream;
let gw: RunningNodeTarget;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const t = await tempDir('gw-node-bcrypt-');
  cleanup = t.cleanup;
  echo = await startEcho('svc');
  const spec = oas30(
    'Svc',
    {
      '/private': { get: { operationId: 'private', security: [{ staff: [] }] } },
      '/open': { get: { operationId: 'open', security: [] } },
    },
    { components: { securitySchemes: { staff: { type: 'http', scheme: 'basic' } } } },
  );
  await writeFiles(t.dir, {
    'svc.yaml': spec,
    // Cost 10: about 0.1 s per check, 2 s for twenty.
    'secrets/staff.htpasswd': `ann:${bcrypt.hashSync(PASSWORD, 10)}\n`,
    'gw.yaml':
      'version: 1\nname: t\nservices:\n  - name: svc\n    spec: svc.yaml\n' +
      `    upstreams: ["${echo.url}"]\ncredentials:\n` +
      '  svc.staff: { htpasswd: { file: secrets/staff.htpasswd } }\n',
  });
  const { gateway } = await buildGateway(await loadProject(join(t.dir, 'gw.yaml')));
  const out = join(t.dir, 'out');
  await writeNodeTarget(gateway, out);
  gw = await startNodeTarget(out, { GW_BASE_DIR: t.dir });
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
  await cleanup?.();
});

describe('the node gateway: issue 10 item 10, bcrypt off the event loop', () => {
  it('keeps a public request fast while 20 wrong bcrypt passwords are checked, and lets the right one in', async () => {
    const wrong = Array.from({ length: 20 }, (_, i) =>
      sendFrom(`127.0.7.${i + 1}`, gw.url, 'GET', '/private', { authorization: basic('ann', `guess-${i}`) }),
    );
    await new Promise((r) => setTimeout(r, 30));
    const started = performance.now();
    expect((await send(gw.url, 'GET', '/open')).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(300);
    for (const a of await Promise.all(wrong)) expect([401, 503]).toContain(a.status);
    const right = await sendFrom('127.0.7.99', gw.url, 'GET', '/private', { authorization: basic('ann', PASSWORD) });
    expect(right.status).toBe(200);
    expect(JSON.parse(right.body).headers['x-consumer']).toBe('ann');
  });
});
