import { readFile, utimes, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildGateway } from '../../../src/cli/load-gateway.js';
import { readServeCache, type Servable, serveCacheFile, writeServeCache } from '../../../src/cli/serve-cache.js';
import { runtimeSubset } from '../../../src/model/runtime-subset.js';
import { loadProject, type Project } from '../../../src/project/load.js';
import { tempDir } from '../../helpers/cli.js';
import { oas30, writeFiles } from '../../helpers/specs.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

const GW_YAML = `version: 1
name: shop
services:
  - name: orders
    spec: specs/orders.yaml
    upstreams: [http://127.0.0.1:9001]
    settings:
      validate: true
`;
const ORDER = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 8 } } };
const LONG_AGO = new Date('2024-01-01T00:00:00Z');

/** An OpenAPI document whose one operation takes a request body of the schema at `ref`. */
function specWithBody(ref: string): object {
  return oas30('Orders', {
    '/orders': { post: { requestBody: { content: { 'application/json': { schema: { $ref: ref } } } } } },
  });
}

/** A project whose spec takes its request body schema from another file, every file written long ago. */
async function writeProject(): Promise<void> {
  const spec = specWithBody('order.yaml');
  await writeFiles(dir, { 'gw.yaml': GW_YAML, 'specs/orders.yaml': spec, 'specs/order.yaml': ORDER });
  await age('gw.yaml', 'specs/orders.yaml', 'specs/order.yaml');
}

async function age(...files: string[]): Promise<void> {
  for (const f of files) await utimes(join(dir, f), LONG_AGO, LONG_AGO);
}

/** A full load, as gw serve makes it, stored in the cache. */
async function loadAndStore(project: Project, mockServices: string[] = []): Promise<Servable> {
  const startedAt = Date.now();
  const built = await buildGateway(project, { mockServices: new Set(mockServices) });
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const servable = { gateway: runtimeSubset(built.gateway), warnings: [], files: built.files };
  await writeServeCache({ project, mockServices }, servable, { remote: built.remote, startedAt });
  return servable;
}

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('gw serve start-up cache', () => {
  it('gives back what the last full load stored, request schemas included', async () => {
    await writeProject();
    const project = await loadProject(join(dir, 'gw.yaml'));
    const stored = await loadAndStore(project);
    expect(stored.files).toEqual([join(dir, 'specs/order.yaml'), join(dir, 'specs/orders.yaml')]);
    const read = await readServeCache({ project, mockServices: [] });
    expect(read).toEqual(plain(stored));
    expect(JSON.stringify(read?.gateway.services[0]?.components ?? read?.gateway.routes[0]?.api)).toContain(
      'maxLength',
    );
  });

  it('is not used once a byte of gw.yaml, a spec or a file its $refs reach changed', async () => {
    await writeProject();
    const project = await loadProject(join(dir, 'gw.yaml'));
    await loadAndStore(project);
    for (const file of ['specs/order.yaml', 'specs/orders.yaml', 'gw.yaml']) {
      const before = await readFile(join(dir, file), 'utf8');
      await writeFile(join(dir, file), `${before}\n`);
      await age(file);
      expect(await readServeCache({ project, mockServices: [] }), file).toBeUndefined();
      await writeFile(join(dir, file), before);
      await age(file);
      expect(await readServeCache({ project, mockServices: [] }), file).toBeDefined();
    }
  });

  it('keeps each set of mocked services apart, and is per gw.yaml name (diagnostics name it)', async () => {
    await writeProject();
    const project = await loadProject(join(dir, 'gw.yaml'));
    await loadAndStore(project);
    expect(serveCacheFile({ project, mockServices: ['orders'] })).not.toBe(
      serveCacheFile({ project, mockServices: [] }),
    );
    expect(await readServeCache({ project, mockServices: ['orders'] })).toBeUndefined();
    const mocked = await loadAndStore(project, ['orders']);
    expect(mocked.gateway.services[0]?.mock).toBe(true);
    expect((await readServeCache({ project, mockServices: ['orders'] }))?.gateway.services[0]?.mock).toBe(true);
    expect((await readServeCache({ project, mockServices: [] }))?.gateway.services[0]?.mock).toBe(false);
    const elsewhere = await loadProject(join(dir, 'gw.yaml'), join(dir, 'specs'));
    expect(await readServeCache({ project: elsewhere, mockServices: [] })).toBeUndefined();
  });

  it('lives in the build folder of gw.yaml (build.out, else dist)', async () => {
    await writeProject();
    const project = await loadProject(join(dir, 'gw.yaml'));
    expect(serveCacheFile({ project, mockServices: [] })).toBe(join(dir, 'dist', '.gw-cache', 'serve.json.gz'));
    await writeFile(join(dir, 'gw.yaml'), `${GW_YAML}build:\n  out: out/gw\n`);
    const moved = await loadProject(join(dir, 'gw.yaml'));
    expect(serveCacheFile({ project: moved, mockServices: [] })).toBe(
      join(dir, 'out', 'gw', '.gw-cache', 'serve.json.gz'),
    );
  });

  it('stores nothing built from a URL, or from a file modified while it was read', async () => {
    await writeProject();
    const project = await loadProject(join(dir, 'gw.yaml'));
    const built = await buildGateway(project);
    const servable = { gateway: runtimeSubset(built.gateway), warnings: [], files: built.files };
    const key = { project, mockServices: [] };
    await writeServeCache(key, servable, { remote: true, startedAt: Date.now() });
    expect(await readServeCache(key)).toBeUndefined();
    await writeFile(join(dir, 'specs/order.yaml'), JSON.stringify(ORDER));
    await writeServeCache(key, servable, { remote: false, startedAt: Date.now() - 200 });
    expect(await readServeCache(key)).toBeUndefined();
  });

  it('knows a load is remote when a spec, or a file its $refs reach, comes from a URL', async () => {
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/yaml');
      res.end(req.url === '/order.yaml' ? stringify(ORDER) : stringify(specWithBody('order.yaml')));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await writeProject();
      const local = await buildGateway(await loadProject(join(dir, 'gw.yaml')));
      expect(local.remote).toBe(false);
      await writeFiles(dir, { 'specs/orders.yaml': specWithBody(`${base}/order.yaml`) });
      const referenced = await buildGateway(await loadProject(join(dir, 'gw.yaml')));
      expect(referenced.files).toEqual([join(dir, 'specs/orders.yaml')]);
      expect(referenced.remote).toBe(true);
      await writeFile(join(dir, 'gw.yaml'), GW_YAML.replace('specs/orders.yaml', `${base}/orders.yaml`));
      const fetched = await buildGateway(await loadProject(join(dir, 'gw.yaml')));
      expect(fetched.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(fetched.remote).toBe(true);
    } finally {
      server.close();
    }
  });

  it('a damaged cache file is a full load, not an error', async () => {
    await writeProject();
    const project = await loadProject(join(dir, 'gw.yaml'));
    await loadAndStore(project);
    await writeFile(serveCacheFile({ project, mockServices: [] }), 'not gzip');
    expect(await readServeCache({ project, mockServices: [] })).toBeUndefined();
  });
});
