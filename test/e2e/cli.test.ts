import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { EXAMPLE_SPECS, ROOT, runGw, tempDir } from '../helpers/cli.js';
import { oas30, writeFiles } from '../helpers/specs.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

const gw = (...args: string[]) => runGw(args, { cwd: dir });

describe('gw --help, --version, help <command>', () => {
  it('prints help and version, and every command has a summary and examples', async () => {
    const help = await gw('--help');
    expect(help.code).toBe(0);
    for (const c of ['init', 'import', 'routes', 'model', 'validate']) {
      expect(help.stdout).toMatch(new RegExp(`^\\s+${c}\\s+\\S`, 'm'));
      const one = await gw('help', c);
      expect(one.code, c).toBe(0);
      expect(one.stdout, c).toContain('EXAMPLES');
      expect(one.stdout, c).toContain('DESCRIPTION');
    }
    const version = await gw('--version');
    expect(version.stdout).toMatch(/^gw\/\d+\.\d+\.\d+/);
  });

  it('answers a mistyped command with a usage error, a suggestion and exit 2', async () => {
    const r = await gw('valdate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error GW_USAGE "valdate" is not a gw command');
    expect(r.stderr).toContain('did you mean `gw validate`?');
  });

  it('answers an unknown flag with a usage error and exit 2', async () => {
    await gw('init', '--yes');
    const r = await gw('routes', '--colour');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('GW_USAGE');
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });
});

describe('gw init', () => {
  it('writes a schema-checked gw.yaml and refuses to overwrite it without --force', async () => {
    const first = await gw('init', '--yes', '--name', 'shop', '--port', '9090');
    expect(first.code).toBe(0);
    const text = await readFile(join(dir, 'gw.yaml'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=.*schema\/gw\.schema\.json$/);
    expect(parse(text)).toMatchObject({ version: 1, name: 'shop', listen: { port: 9090 }, services: [] });

    const again = await gw('init', '--yes');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('GW_CONFIG_EXISTS');
    expect(again.stderr).toContain('--force');
    expect(await readFile(join(dir, 'gw.yaml'), 'utf8')).toBe(text);

    const forced = await gw('init', '--yes', '--force', '--name', 'other');
    expect(forced.code).toBe(0);
    expect(parse(await readFile(join(dir, 'gw.yaml'), 'utf8')).name).toBe('other');
  });

  it('rejects a bad --name as a usage error', async () => {
    const r = await gw('init', '--yes', '--name', 'My Gateway');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('GW_USAGE');
  });
});

describe('gw import + gw routes', () => {
  it('imports Swagger 2.0 YAML, OAS 3.0 JSON with multi-file $refs, OAS 3.1 YAML: a route per operation', async () => {
    await cp(EXAMPLE_SPECS, join(dir, 'specs'), { recursive: true });
    // The example ships 3.0 as YAML and 3.1 as JSON; flip them so both formats meet both versions.
    const orders = parse(await readFile(join(dir, 'specs/orders/openapi.yaml'), 'utf8'));
    await writeFile(join(dir, 'specs/orders/openapi.json'), JSON.stringify(orders, null, 2));
    const catalog = JSON.parse(await readFile(join(dir, 'specs/catalog.json'), 'utf8'));
    await writeFile(join(dir, 'specs/catalog.yaml'), stringify(catalog));
    const inputs = ['specs/users.yaml', 'specs/orders/openapi.json', 'specs/catalog.yaml'];

    expect((await gw('init', '--yes')).code).toBe(0);
    const imported = await gw('import', ...inputs);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/added users: specs\/users\.yaml, Swagger 2\.0, 7 operations/);
    expect(imported.stdout).toMatch(
      /added orders: specs\/orders\/openapi\.json, OpenAPI 3\.0\.3, 6 operations, 2 servers/,
    );
    expect(imported.stdout).toMatch(/added catalog: specs\/catalog\.yaml, OpenAPI 3\.1\.0, 6 operations/);

    const r = await gw('routes', '--json');
    expect(r.code).toBe(0);
    const routes = JSON.parse(r.stdout) as {
      method: string;
      path: string;
      service: string;
      upstream: { targets: string[] };
    }[];

    const expected: string[] = [];
    for (const [service, doc] of [
      ['users', parse(await readFile(join(dir, inputs[0]!), 'utf8'))],
      ['orders', orders],
      ['catalog', catalog],
    ] as const) {
      const rawPaths = doc.paths as Record<string, Record<string, unknown>>;
      for (const [p, item] of Object.entries(rawPaths)) {
        const ops = item.$ref ? parse(await readFile(join(dir, 'specs/orders', String(item.$ref)), 'utf8')) : item;
        for (const m of METHODS) if (ops[m]) expected.push(`${m.toUpperCase()} ${p} ${service}`);
      }
    }
    expect(routes.map((x) => `${x.method} ${x.path} ${x.service}`).sort()).toEqual(expected.sort());
    expect(routes).toHaveLength(19);
    for (const route of routes)
      expect(route.upstream.targets.length, `${route.method} ${route.path}`).toBeGreaterThan(0);
    const refund = routes.find((x) => x.path === '/orders/{orderId}/refunds')!;
    expect(refund.upstream.targets).toEqual(['http://payments.shop.internal:9000']);

    const table = await gw('routes');
    expect(table.stdout.split('\n')[0]).toMatch(/^METHOD\s+PATH\s+SERVICE\s+UPSTREAM\s+AUTH\s+RATE LIMIT$/);
    expect(readmeOutput('gw routes in examples/shop')).toBe(table.stdout);
    expect(table.stdout).toMatch(
      new RegExp(
        String.raw`PATCH\s+\/users\/\{userId\}\s+users\s+http:\/\/users\.shop\.internal:8080\/api\/v1\s+` +
          String.raw`apiKey\(header X-Api-Key\) OR basic`,
      ),
    );
  });

  it("keeps hand-written comments, key order and the user's settings when re-importing", async () => {
    await writeFiles(dir, {
      'a.yaml': oas30('Alpha', { '/a': { get: { operationId: 'getA' } } }),
      'b.yaml': oas30('Beta', { '/b': { get: { operationId: 'getB' } } }),
    });
    await gw('init', '--yes');
    await gw('import', 'a.yaml');
    const edited = (await readFile(join(dir, 'gw.yaml'), 'utf8'))
      .replace('version: 1', '# owned by the platform team\nversion: 1 # do not bump')
      .replace('  - name: alpha', '  # alpha is our oldest service\n  - name: alpha')
      .concat('    settings:\n      retries: 3 # flaky network\n');
    await writeFile(join(dir, 'gw.yaml'), edited);

    expect((await gw('import', 'b.yaml')).code).toBe(0);
    const reimport = await gw('import', 'a.yaml', '--prefix', '/alpha');
    expect(reimport.code).toBe(0);
    expect(reimport.stdout).toContain('updated alpha');
    const after = await readFile(join(dir, 'gw.yaml'), 'utf8');
    for (const comment of [
      '# owned by the platform team',
      'version: 1 # do not bump',
      '# alpha is our oldest service',
      'retries: 3 # flaky network',
    ]) {
      expect(after).toContain(comment);
    }
    const config = parse(after);
    expect(config.services).toEqual([
      { name: 'alpha', spec: 'a.yaml', settings: { retries: 3 }, prefix: '/alpha' },
      { name: 'beta', spec: 'b.yaml' },
    ]);
    expect((await gw('import', 'a.yaml')).stdout).toContain('unchanged alpha');
  });

  it('with no arguments imports every OpenAPI document of the specs folder, skipping $ref targets', async () => {
    await cp(EXAMPLE_SPECS, join(dir, 'specs'), { recursive: true });
    await gw('init', '--yes');
    const r = await gw('import');
    expect(r.code).toBe(0);
    const added = ['✔ added catalog:', '✔ added dashboard:', '✔ added orders:', '✔ added users:'];
    expect(r.stdout.match(/^✔ added (\S+):/gm)).toEqual(added);
    // dashboard.yaml is a gateway spec: no servers, and no GW_SERVICE_NO_UPSTREAM, as its one operation is a composite.
    expect(r.stderr).not.toContain('GW_SERVICE_NO_UPSTREAM');
    expect((await gw('import', './specs/users.yaml')).stdout).toContain('unchanged users: specs/users.yaml');
  });

  it('imports from a URL, following relative $refs over HTTP', async () => {
    const server = await serveFolder(EXAMPLE_SPECS);
    try {
      await gw('init', '--yes');
      const r = await gw('import', `${server.url}/orders/openapi.yaml`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const routes = JSON.parse((await gw('routes', '--json')).stdout);
      expect(routes).toHaveLength(6);
    } finally {
      server.server.close();
    }
  });
});

describe('relative servers of a spec served over HTTP', () => {
  it('resolve against the spec URL, port included', async () => {
    await writeFiles(join(dir, 'served'), {
      'rel.yaml': oas30('Rel', { '/ping': { get: { operationId: 'ping' } } }, { servers: [{ url: '/api/v2' }] }),
    });
    const server = await serveFolder(join(dir, 'served'));
    try {
      await gw('init', '--yes');
      expect((await gw('import', `${server.url}/rel.yaml`)).code).toBe(0);
      const [route] = JSON.parse((await gw('routes', '--json')).stdout);
      expect(route.upstream).toEqual({ id: 'rel', basePath: '/api/v2', targets: [server.url] });
      expect(route.upstreamPath).toBe('/api/v2/ping');
    } finally {
      server.server.close();
    }
  });
});

describe('conflicts between services', () => {
  it('reports GET /items claimed twice with both files and pointers, and passes once one has a --prefix', async () => {
    await writeFiles(dir, {
      'specs/orders.yaml': oas30('Orders', { '/items': { get: { operationId: 'listOrderItems' } } }),
      'specs/catalog.yaml': oas30('Catalog', { '/items': { get: { operationId: 'listItems' } } }),
    });
    await gw('init', '--yes');
    expect((await gw('import', 'specs/orders.yaml', 'specs/catalog.yaml')).code).toBe(0);
    const bad = await gw('validate');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'error GW_ROUTE_DUPLICATE GET /items is claimed by both catalog.listItems and orders.listOrderItems',
    );
    expect(bad.stderr).toMatch(/--> specs\/catalog\.yaml:\d+:\d+ at #\/paths\/~1items\/get/);
    expect(bad.stderr).toMatch(/--> specs\/orders\.yaml:\d+:\d+ at #\/paths\/~1items\/get/);
    expect(bad.stderr).toContain('--prefix');
    expect(bad.stderr).toMatch(/✖ 1 error, 0 warnings\n$/);
    expect(readmeOutput('gw validate with two services claiming GET /items')).toBe(bad.stderr);

    const json = JSON.parse((await gw('validate', '--json')).stdout);
    expect(json.ok).toBe(false);
    expect(json.diagnostics[0].code).toBe('GW_ROUTE_DUPLICATE');

    expect((await gw('import', 'specs/orders.yaml', '--prefix', '/orders')).code).toBe(0);
    const good = await gw('validate');
    expect(good.stderr).toContain('no problems found');
    expect(good.code).toBe(0);
  });
});

describe('bad input: a GW error with a location, exit 1, gw.yaml untouched', () => {
  const cases: {
    name: string;
    files: Record<string, string | object>;
    spec: string | (() => string);
    code: string;
    where: RegExp;
  }[] = [
    {
      name: 'an invalid spec',
      files: {
        'bad.yaml':
          'openapi: 3.0.3\ninfo:\n  title: Bad\n  version: "1"\npaths:\n  /x:\n    get:\n      summary: no responses\n',
      },
      spec: 'bad.yaml',
      code: 'GW_SPEC_INVALID',
      where: /bad\.yaml:7:5 at #\/paths\/~1x\/get/,
    },
    {
      name: 'a malformed YAML file',
      files: { 'broken.yaml': 'openapi: 3.0.3\ninfo:\n  title: "unterminated\n  version: 1\npaths: {}\n' },
      spec: 'broken.yaml',
      code: 'GW_SPEC_SYNTAX',
      where: /broken\.yaml:\d+:\d+/,
    },
    {
      name: 'a missing $ref target',
      files: {
        'main.yaml':
          'openapi: 3.0.3\ninfo: { title: Main, version: "1" }\npaths:\n  /x:\n    $ref: ./paths/missing.yaml\n',
      },
      spec: 'main.yaml',
      code: 'GW_SPEC_REF_UNRESOLVED',
      where: /main\.yaml:4:3 at #\/paths\/~1x/,
    },
    {
      name: 'an unreachable URL',
      files: {},
      spec: () => `http://127.0.0.1:${closedPort}/openapi.yaml`,
      code: 'GW_SPEC_FETCH',
      where: /--> http:\/\/127\.0\.0\.1:\d+\/openapi\.yaml/,
    },
    {
      name: 'a file that does not exist',
      files: {},
      spec: 'nope.yaml',
      code: 'GW_SPEC_NOT_FOUND',
      where: /--> nope\.yaml/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await writeFiles(dir, { ...c.files, 'good.yaml': oas30('Good', { '/ok': { get: {} } }) });
      await gw('init', '--yes');
      await gw('import', 'good.yaml');
      const before = await readFile(join(dir, 'gw.yaml'));
      const r = await gw('import', typeof c.spec === 'string' ? c.spec : c.spec());
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error ${c.code} `);
      expect(r.stderr).toMatch(c.where);
      expect(r.stderr).toContain('hint:');
      expect(r.stderr).not.toMatch(/undefined|\[object Object\]|\n\s+at .*:\d+:\d+\)/);
      expect(await readFile(join(dir, 'gw.yaml'))).toEqual(before);
    });
  }

  it('a typo in gw.yaml names the line and suggests the key', async () => {
    await gw('init', '--yes');
    const text = (await readFile(join(dir, 'gw.yaml'), 'utf8')).replace('listen:', 'listn:');
    await writeFile(join(dir, 'gw.yaml'), text);
    const r = await gw('routes');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error GW_CONFIG_INVALID gw.yaml: unknown key "listn"');
    expect(r.stderr).toMatch(/--> gw\.yaml:5:1 at #\/listn/);
    expect(r.stderr).toContain('did you mean "listen"?');
  });

  it('no gw.yaml: says how to make one', async () => {
    const r = await gw('validate');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('GW_CONFIG_NOT_FOUND');
    expect(r.stderr).toContain('gw init');
  });
});

/** A block of README.md marked `<!-- output: NAME -->`: the README shows real output. */
function readmeOutput(name: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = new RegExp(
    `<!-- output: ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -->\n\`\`\`\n([\\s\\S]*?)\`\`\``,
  ).exec(readme);
  if (!m) throw new Error(`README.md has no block marked "${name}"`);
  return m[1]!;
}

let closedPort = 1;
afterAll(() => undefined);
beforeEach(async () => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closedPort = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
});

async function serveFolder(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    try {
      const body = await readFile(join(root, decodeURIComponent(new URL(req.url!, 'http://x').pathname)));
      res.writeHead(200, { 'content-type': 'application/yaml' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}
