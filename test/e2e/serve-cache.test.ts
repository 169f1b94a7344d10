import { existsSync } from 'node:fs';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGw, tempDir } from '../helpers/cli.js';
import { startGwServe } from '../helpers/gw-serve.js';
import { send } from '../helpers/http.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * gw serve's start-up cache (docs/serve.md, "Start-up cache"): a second start with the same gw,
 * gw.yaml and spec bytes serves the stored model, exactly as the first; any change, and every
 * error, goes through a full load.
 */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

const CACHE = () => join(dir, 'dist', '.gw-cache', 'serve.json.gz');
const LONG_AGO = new Date('2024-01-01T00:00:00Z');
const FILES = ['gw.yaml', 'specs/shop.yaml', 'schemas/order.yaml'];

/** Validated orders whose body schema is in another file, and a route refused for want of credentials (a warning). */
async function writeProject(): Promise<void> {
  const body = { content: { 'application/json': { schema: { $ref: '../schemas/order.yaml' } } } };
  const paths = {
    '/orders': { post: { operationId: 'createOrder', requestBody: { required: true, ...body } } },
    // maxLength 3: "long" is refused (400) until an edit allows it (then 502: nothing listens upstream).
    '/secret': { get: { operationId: 'secret', security: [{ key: [] }] } },
  };
  const components = { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } } };
  await writeFiles(dir, {
    'gw.yaml': [
      'version: 1',
      'name: shop',
      'services:',
      '  - name: shop',
      '    spec: specs/shop.yaml',
      '    upstreams: [http://127.0.0.1:9]',
      '    settings:',
      '      validate: true',
      '',
    ].join('\n'),
    'specs/shop.yaml': oas30('Shop', paths, { components }),
    'schemas/order.yaml': { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 3 } } },
  });
  await age();
}

/** Files written in the second before a start may change while they are read: the cache skips them. */
async function age(): Promise<void> {
  for (const f of FILES) await utimes(join(dir, f), LONG_AGO, LONG_AGO);
}

/** One start: its ready line, its warnings, its routes and its answer to a body the schema refuses. */
async function serveOnce(args: string[] = []) {
  const served = await startGwServe(dir, ['--admin-port', '0', ...args]);
  try {
    const ready = JSON.parse(served.output().stdout.split('\n')[0]!) as { cached?: boolean };
    const routes = (await send(served.admin!, 'GET', '/__gw/routes')).body;
    const refused = await send(served.url, 'POST', '/orders', { 'content-type': 'application/json' }, '{"id":"long"}');
    const warnings = served.output().stderr;
    const { requestId: _id, ...problem } = JSON.parse(refused.body) as Record<string, unknown>;
    return { cached: ready.cached, routes, warnings, refused: { status: refused.status, problem } };
  } finally {
    await served.stop();
  }
}

describe('gw serve start-up cache', () => {
  it('a second start serves the stored model: the same routes, warnings and answers', async () => {
    await writeProject();
    const first = await serveOnce();
    expect(first.cached).toBe(false);
    expect(existsSync(CACHE())).toBe(true);
    expect(first.warnings).toContain('warning GW_AUTH_NO_CREDENTIALS');
    expect(first.refused.status).toBe(400);
    const second = await serveOnce();
    expect(second.cached).toBe(true);
    expect({ ...second, cached: false }).toEqual(first);
  });

  it('an edit of a file a $ref reaches is served at once; a broken one fails as without the cache', async () => {
    await writeProject();
    expect((await serveOnce()).cached).toBe(false);
    const order = join(dir, 'schemas/order.yaml');
    await writeFile(order, (await readFile(order, 'utf8')).replace('maxLength: 3', 'maxLength: 40'));
    await age();
    const edited = await serveOnce();
    expect(edited.cached).toBe(false);
    expect(edited.refused.status).toBe(502);
    expect((await serveOnce()).cached).toBe(true);

    await writeFile(order, 'type: object\nproperties: [1, 2]\n');
    await age();
    const broken = await runGw(['serve', '--port', '0'], { cwd: dir });
    const uncached = await runGw(['serve', '--port', '0', '--no-cache'], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('GW_SPEC_INVALID');
    expect(broken).toEqual(uncached);
  });

  it('--watch from the cache still watches every file a $ref reaches', async () => {
    await writeProject();
    expect((await serveOnce()).cached).toBe(false);
    const served = await startGwServe(dir, ['--watch']);
    try {
      expect(served.output().stdout).toContain('"cached":true');
      const post = () => send(served.url, 'POST', '/orders', { 'content-type': 'application/json' }, '{"id":"long"}');
      expect((await post()).status).toBe(400);
      const order = join(dir, 'schemas/order.yaml');
      await writeFile(order, (await readFile(order, 'utf8')).replace('maxLength: 3', 'maxLength: 40'));
      const deadline = Date.now() + 15_000;
      while (!served.output().stderr.includes('reloaded:') && Date.now() < deadline) await delay(100);
      expect(served.output().stderr).toContain('reloaded: 2 routes');
      expect((await post()).status).toBe(502);
    } finally {
      await served.stop();
    }
  });

  it('--no-cache neither reads nor writes it', async () => {
    await writeProject();
    expect((await serveOnce(['--no-cache'])).cached).toBe(false);
    expect(existsSync(CACHE())).toBe(false);
    expect((await serveOnce()).cached).toBe(false);
    expect((await serveOnce(['--no-cache'])).cached).toBe(false);
    expect((await serveOnce()).cached).toBe(true);
  });
});
