import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runGw, tempDir } from '../helpers/cli.js';
import { startGwServe } from '../helpers/gw-serve.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * Warnings people read (docs/errors.md, "Many alike warnings"): alike warnings print once with a
 * count and examples, --verbose and --json list them all, gw.yaml `acknowledge` accepts intended
 * ones, and gw serve prints at start the warnings that change what clients get.
 */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

const gw = (...args: string[]) => runGw(args, { cwd: dir });
const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'];

/** Six literal paths each shadowing /items/{id}: six GW_ROUTE_SHADOWED warnings. */
async function shadowingProject(): Promise<void> {
  const paths: Record<string, Record<string, object>> = { '/items/{id}': { get: { operationId: 'getItem' } } };
  for (const n of NAMES) paths[`/items/${n}`] = { get: { operationId: `list${n.toUpperCase()}` } };
  await writeFiles(dir, { 'specs/shop.yaml': oas30('Shop', paths) });
  await gw('init', '--yes');
  expect((await gw('import', 'specs/shop.yaml', '--upstream', 'http://127.0.0.1:9')).code).toBe(0);
}

async function editConfig(edit: (config: Record<string, unknown>) => void): Promise<void> {
  const file = join(dir, 'gw.yaml');
  const config = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(config);
  await writeFile(file, stringify(config));
}

const blocks = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('warning ')).length;

describe('many alike warnings', () => {
  it('print once with a count and examples; --verbose and --json list them all', async () => {
    await shadowingProject();
    const grouped = await gw('validate');
    expect(grouped.code).toBe(0);
    expect(blocks(grouped.stderr)).toBe(1);
    expect(grouped.stderr).toContain('warning GW_ROUTE_SHADOWED GET /items/a (shop.listA)');
    expect(grouped.stderr.match(/^ {2}also: GET \/items\/[bc] /gm)).toHaveLength(2);
    expect(grouped.stderr).toContain('  and 3 more warnings like these (--verbose or --json lists them all)');
    expect(grouped.stderr).toMatch(/⚠ 0 errors, 6 warnings\n$/);

    const verbose = await gw('validate', '--verbose');
    expect(blocks(verbose.stderr)).toBe(6);
    const json = JSON.parse((await gw('validate', '--json')).stdout);
    expect(json.diagnostics).toHaveLength(6);
    expect(json.diagnostics[0].subjects).toEqual(['shop.listA', 'shop.getItem']);
  });
});

describe('gw.yaml acknowledge', () => {
  it('accepts intended warnings: quiet, --strict passes, --verbose and --json still show them', async () => {
    await shadowingProject();
    expect((await gw('validate', '--strict')).code).toBe(1);
    await editConfig((c) => {
      c.acknowledge = [{ code: 'GW_ROUTE_SHADOWED', routes: ['shop.list*', 'shop.getItem'], reason: 'by design' }];
    });
    const quiet = await gw('validate', '--strict');
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toContain('✔ no problems found (6 acknowledged in gw.yaml)');
    expect(blocks(quiet.stderr)).toBe(0);
    const verbose = await gw('validate', '--verbose');
    expect(verbose.stderr.match(/^ {2}acknowledged: by design$/gm)).toHaveLength(6);
    const json = JSON.parse((await gw('validate', '--strict', '--json')).stdout);
    expect(json.ok).toBe(true);
    expect(json.diagnostics.map((d: { acknowledged?: string }) => d.acknowledged)).toEqual(
      NAMES.map(() => 'by design'),
    );
  });

  it('narrows by route: a warning with a route outside the list still prints', async () => {
    await shadowingProject();
    await editConfig((c) => {
      c.acknowledge = [{ code: 'GW_ROUTE_SHADOWED', routes: ['shop.listA', 'shop.getItem'], reason: 'a only' }];
    });
    const out = await gw('validate');
    expect(out.stderr).toMatch(/⚠ 0 errors, 5 warnings \(1 acknowledged in gw\.yaml\)\n$/);
    expect(out.stderr).not.toContain('GET /items/a (shop.listA)');
  });

  it('reports a rule that accepts nothing, and refuses one naming an error code', async () => {
    await shadowingProject();
    await editConfig((c) => {
      c.acknowledge = [{ code: 'GW_SPEC_NO_OPERATIONS', reason: 'old' }];
    });
    const stale = await gw('validate');
    expect(stale.code).toBe(0);
    expect(stale.stderr).toContain(
      'warning GW_CONFIG_ACKNOWLEDGE_UNUSED the acknowledge rule for GW_SPEC_NO_OPERATIONS accepts no warning',
    );
    expect(stale.stderr).toMatch(/--> gw\.yaml:\d+:\d+ at #\/acknowledge\/0/);

    await editConfig((c) => {
      c.acknowledge = [{ code: 'GW_ROUTE_DUPLICATE', reason: 'no' }];
    });
    const bad = await gw('validate');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'error GW_CONFIG_INVALID acknowledge: "GW_ROUTE_DUPLICATE" is an error, and errors cannot be acknowledged',
    );
  });
});

/**
 * Twelve services of 24 routes each, every one behind an API key no credentials are given for, and
 * a per-route limit set gateway-wide (issue 13: the big gateway's default `gw build` output stays
 * under 60 lines).
 */
async function manyServicesProject(): Promise<void> {
  const services = Array.from({ length: 12 }, (_, i) => `svc${i}`);
  const files: Record<string, object> = {};
  for (const s of services) {
    const paths: Record<string, Record<string, object>> = {};
    for (let p = 0; p < 12; p++)
      paths[`/things${p}`] = { get: { operationId: `list${p}` }, post: { operationId: `add${p}` } };
    const auth = { components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } } } };
    files[`specs/${s}.yaml`] = oas30(s, paths, { ...auth, security: [{ key: [] }] });
  }
  await writeFiles(dir, files);
  const config = {
    version: 1,
    name: 'many',
    settings: { rateLimit: { requests: 100, window: '1m' } },
    build: { envoy: { sharedRateLimits: true } },
    services: services.map((s) => ({
      name: s,
      spec: `specs/${s}.yaml`,
      prefix: `/${s}`,
      upstreams: ['http://127.0.0.1:9'],
    })),
  };
  await writeFile(join(dir, 'gw.yaml'), stringify(config));
}

describe('the default output of gw build for a gateway of many services', () => {
  it('stays under 60 lines: target differences by kind, five places of a scheme warning, a count', async () => {
    await manyServicesProject();
    const build = await gw('build', '--out', 'out');
    expect(build.code).toBe(0);
    const lines = `${build.stdout}${build.stderr}`.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(60);
    // The targets' differences in one block, a line per kind: the rate limit's is one warning.
    expect(build.stderr).toMatch(/^warning GW_TARGET_INEXACT \d+ differences of the generated targets/m);
    expect(build.stderr).toMatch(/^ {2}nginx\.rate-limit-window: 1, e\.g\. nginx: rate limit 100 per 60000 ms/m);
    expect(build.stderr).toContain('  --> and 7 more places (--verbose or --json lists them all)');
    const verbose = await gw('build', '--out', 'out', '--verbose');
    expect(verbose.stderr).toContain('(a counter per route) on GET /svc0/things0, POST /svc0/things0');
    expect(
      verbose.stderr.match(/^ {2}--> specs\/svc\d+\.yaml.* at #\/components\/securitySchemes\/key$/gm),
    ).toHaveLength(12);
  });
});

describe("gw.yaml acknowledge: the targets' warnings of gw build", () => {
  it('gw build accepts GW_TARGET_INEXACT by kind and route; gw validate does not use or report the rule', async () => {
    await shadowingProject();
    await editConfig((c) => {
      c.settings = { validate: true };
      c.acknowledge = [
        { code: 'GW_ROUTE_SHADOWED', reason: 'by design' },
        {
          code: 'GW_TARGET_INEXACT',
          kind: 'envoy.validate',
          routes: ['shop.*'],
          reason: 'nginx checks nothing either',
        },
        { code: 'GW_TARGET_INEXACT', kind: 'envoy.mock-status', reason: 'stale' },
      ];
    });
    const validate = await gw('validate', '--strict');
    expect(validate.code).toBe(0);
    expect(validate.stderr).not.toContain('GW_CONFIG_ACKNOWLEDGE_UNUSED');
    const build = await gw('build', '--target', 'envoy', '--out', 'out', '--json');
    const found = JSON.parse(build.stdout).diagnostics as { code: string; kind?: string; acknowledged?: string }[];
    const validated = found.filter((d) => d.kind === 'envoy.validate');
    expect(validated).toHaveLength(NAMES.length + 1);
    expect(validated.every((d) => d.acknowledged === 'nginx checks nothing either')).toBe(true);
    const unused = found.filter((d) => d.code === 'GW_CONFIG_ACKNOWLEDGE_UNUSED');
    expect(unused.map((d) => (d as { message?: string }).message)).toEqual([
      'the acknowledge rule for GW_TARGET_INEXACT[envoy.mock-status] accepts no warning',
    ]);
    const text = await gw('build', '--target', 'envoy', '--out', 'out');
    expect(text.stderr).not.toContain('envoy.validate');
  });
});

describe('gw serve at start', () => {
  it('prints the warnings that change what clients get, and not the others', async () => {
    const paths = {
      '/items/{id}': { get: { operationId: 'getItem' } },
      '/items/a': { get: { operationId: 'listA', security: [{ key: [] }] } },
    };
    const components = { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } } };
    await writeFiles(dir, { 'specs/shop.yaml': oas30('Shop', paths, { components }) });
    await gw('init', '--yes');
    expect((await gw('import', 'specs/shop.yaml', '--upstream', 'http://127.0.0.1:9')).code).toBe(0);
    const served = await startGwServe(dir);
    try {
      const { stderr } = served.output();
      expect(stderr).toContain('warning GW_AUTH_NO_CREDENTIALS no credentials in gw.yaml for the security scheme');
      expect(stderr).not.toContain('GW_ROUTE_SHADOWED');
    } finally {
      await served.stop();
    }
  });
});
