import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXAMPLE_SPECS, runGw, tempDir } from '../helpers/cli.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/** Issue 10, "The CLI, as a new user met it" (items 18-21): the built CLI, spawned. */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

const gw = (...args: string[]) => runGw(args, { cwd: dir });

describe('item 18: gw import with no arguments finds specs by parsing them', () => {
  it('finds minified JSON and YAML with a late openapi key; skips fragments with a nested openapi key', async () => {
    const alpha = oas30('Alpha', { '/a': { get: { operationId: 'getA' } } });
    const beta = oas30('Beta', { '/b': { get: { operationId: 'getB' } } });
    const { openapi, ...betaRest } = beta as { openapi: string };
    const long = { info: { title: 'Gamma', version: '1', description: 'x'.repeat(5000) } };
    const { openapi: _, ...gamma } = { ...oas30('Gamma', { '/c': { get: { operationId: 'getC' } } }), ...long } as {
      openapi: string;
      info: object;
    };
    await gw('init', '--yes');
    await writeFiles(dir, {
      // Minified, the `openapi` key last: nothing starts a line with `openapi:`.
      'specs/alpha.json': JSON.stringify({ ...betaRest, ...alpha, openapi: '3.0.3' }).replace(/\n/g, ''),
      // YAML whose `openapi:` comes after a 5 KB description.
      'specs/gamma.yaml': { ...gamma, openapi: '3.0.3' },
      // Flow-style YAML on one line.
      'specs/beta.yml': `{${JSON.stringify(betaRest).slice(1, -1)}, openapi: ${openapi}}\n`,
      // A $ref target with a property called `openapi`: not a document of its own.
      'specs/fragments.yaml': {
        Thing: { type: 'object', properties: { openapi: { type: 'string' }, swagger: { type: 'string' } } },
      },
    });
    const r = await gw('import');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^✔ added (\S+):/gm)).toEqual(['✔ added alpha:', '✔ added beta:', '✔ added gamma:']);
  });

  it('still reports a broken spec it finds, as a syntax error', async () => {
    await gw('init', '--yes');
    await writeFiles(dir, { 'specs/broken.yaml': 'openapi: 3.0.3\ninfo: {title: Broken, version: "1"\npaths: {}\n' });
    const r = await gw('import');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error GW_SPEC_SYNTAX "specs/broken.yaml" is not valid YAML or JSON');
    expect(await readFile(join(dir, 'gw.yaml'), 'utf8')).not.toContain('broken');
    await writeFile(join(dir, 'specs/broken.yaml'), 'just: yaml\n');
    expect((await gw('import')).stderr).toContain('no OpenAPI documents found in "specs"');
  });
});

describe('item 20: every problem of a spec in one run', () => {
  it('gw import reports a broken $ref (did-you-mean), a duplicate operationId and an x-gw typo together', async () => {
    await gw('init', '--yes');
    await writeFiles(dir, {
      'svc.yaml': oas30(
        'Svc',
        {
          '/things': {
            get: {
              operationId: 'list',
              responses: {
                '200': {
                  description: 'ok',
                  content: { 'application/json': { schema: { $ref: '#/components/schemas/Thng' } } },
                },
              },
            },
          },
          '/things/{id}': { get: { operationId: 'list', 'x-gw': { retrys: 1 } } },
        },
        { components: { schemas: { Thing: { type: 'object' } } } },
      ),
    });
    const r = await gw('import', 'svc.yaml');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error GW_SPEC_REF_UNRESOLVED $ref "#/components/schemas/Thng" points at something that does not exist',
    );
    expect(r.stderr).toContain('hint: did you mean "#/components/schemas/Thing"?');
    expect(r.stderr).toContain('error GW_SPEC_INVALID "svc.yaml" uses operationId "list" twice');
    expect(r.stderr).toContain('error GW_XGW_UNKNOWN_KEY x-gw: unknown key "retrys"');
    expect(r.stderr).toContain('✖ 3 errors, 0 warnings');
    expect(await readFile(join(dir, 'gw.yaml'), 'utf8')).not.toContain('svc');
  });
});

describe('item 21: flags, help, gw routes filters, gw import --name', () => {
  it('a mistyped flag gets a "did you mean"', async () => {
    await gw('init', '--yes');
    const r = await gw('routes', '--jsn');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error GW_USAGE Nonexistent flag: --jsn');
    expect(r.stderr).toContain('hint: did you mean `--json`?');
    const short = await gw('import', 'a.yaml', '--prefx', '/a');
    expect(short.stderr).toContain('hint: did you mean `--prefix`?');
  });

  it('gw help <command> wraps whole paragraphs, never mid-phrase', async () => {
    for (const c of ['init', 'import', 'validate', 'routes', 'model', 'serve', 'build']) {
      const help = (await gw('help', c)).stdout;
      const description = help.split('\nDESCRIPTION\n')[1]!.split('\nEXAMPLES\n')[0]!;
      const lines = description.split('\n');
      lines.forEach((line, i) => {
        const next = lines[i + 1];
        if (!line.trim() || !next?.trim() || /^\s*[-|$]/.test(next) || /^\s{4}/.test(next)) return;
        const word = next.trim().split(/\s+/)[0]!;
        // A greedy wrap at 80 columns breaks a line only when the next word would not fit on it.
        expect(`${line} ${word}`.length, `gw help ${c}: "${line.trim()}" / "${next.trim()}"`).toBeGreaterThan(72);
      });
    }
  });

  it('gw routes --service and --path filter the table and the JSON', async () => {
    await cp(EXAMPLE_SPECS, join(dir, 'specs'), { recursive: true });
    await gw('init', '--yes');
    await gw('import');
    const byService = await gw('routes', '--service', 'orders', '--json');
    expect(byService.code).toBe(0);
    const paths = (JSON.parse(byService.stdout) as { service: string; path: string }[]).map(
      (r) => `${r.service} ${r.path}`,
    );
    expect(new Set(paths.map((p) => p.split(' ')[0]))).toEqual(new Set(['orders']));
    expect(paths).toHaveLength(6);

    const prefix = await gw('routes', '--path', '/users');
    expect(
      prefix.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s+/).slice(0, 2).join(' ')),
    ).toEqual([
      'GET /users',
      'POST /users',
      'GET /users/me',
      'GET /users/{userId}',
      'PATCH /users/{userId}',
      'DELETE /users/{userId}',
    ]);
    const glob = await gw('routes', '--path', '/orders/*/items', '--service', 'orders', '--json');
    expect((JSON.parse(glob.stdout) as { path: string }[]).map((r) => r.path)).toEqual(['/orders/{orderId}/items']);
    const deep = await gw('routes', '--path', '/products/**', '--json');
    expect((JSON.parse(deep.stdout) as { path: string }[]).map((r) => r.path)).toEqual([
      '/products/featured',
      '/products/{productId}',
      '/products/{productId}',
    ]);

    const unknown = await gw('routes', '--service', 'order');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error GW_USAGE --service "order" names no service of this gateway');
    expect(unknown.stderr).toContain('hint: did you mean "orders"?');
  });

  it('gw routes pads PATH to the width of most paths, not the longest', async () => {
    const long = `/${'very-long-segment/'.repeat(6)}end`;
    const paths: Record<string, Record<string, object>> = { [long]: { get: { operationId: 'long' } } };
    for (let i = 0; i < 12; i++) paths[`/r${i}`] = { get: { operationId: `r${i}` } };
    await writeFiles(dir, { 'a.yaml': oas30('Alpha', paths) });
    await gw('init', '--yes');
    await gw('import', 'a.yaml');
    const lines = (await gw('routes')).stdout.trim().split('\n');
    const service = (l: string) => l.indexOf('alpha');
    const short = lines.filter((l) => /\/r\d/.test(l));
    expect(new Set(short.map(service)).size).toBe(1); // the short paths line up
    expect(service(short[0]!)).toBeLessThan(60); // and are not pushed past the long one (PATH: at most 40 wide here)
    const longLine = lines.find((l) => l.includes(long))!;
    expect(longLine).toMatch(new RegExp(`${long}  alpha`)); // the long path is whole, two spaces before the next column
  });

  it('gw import a.yaml --name other refuses to rename the service a.yaml is recorded as', async () => {
    await writeFiles(dir, { 'a.yaml': oas30('Alpha', { '/a': { get: { operationId: 'getA' } } }) });
    await gw('init', '--yes');
    expect((await gw('import', 'a.yaml')).code).toBe(0);
    const before = await readFile(join(dir, 'gw.yaml'), 'utf8');
    const r = await gw('import', 'a.yaml', '--name', 'other');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error GW_USAGE "a.yaml" is already recorded as service "alpha"; --name other would rename it',
    );
    expect(r.stderr).toMatch(/--> gw\.yaml:\d+:\d+ at #\/services\/0\/name/);
    expect(r.stderr).toContain('hint: to rename the service, edit `name:` of its entry in gw.yaml');
    expect(await readFile(join(dir, 'gw.yaml'), 'utf8')).toBe(before);
    expect((await gw('import', 'a.yaml', '--name', 'alpha')).code).toBe(0);
  });
});
