import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGw, tempDir } from '../helpers/cli.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/** Issue 10, "The CLI, as a new user met it" (items 18-21): the built CLI, spawned. */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

const gw = (...args: string[]) => runGw(args, { cwd: dir });

describe('item 18: gw import with no arguments finds specs by parsing them', () => {
  it('finds minified JSON and YAML whose openapi key comes late; skips fragments with a nested openapi key', async () => {
    const alpha = oas30('Alpha', { '/a': { get: { operationId: 'getA' } } });
    const beta = oas30('Beta', { '/b': { get: { operationId: 'getB' } } });
    const { openapi, ...betaRest } = beta as { openapi: string };
    const long = { info: { title: 'Gamma', version: '1', description: 'x'.repeat(5000) } };
    const { openapi: _, ...gamma } = { ...oas30('Gamma', { '/c': { get: { operationId: 'getC' } } }), ...long } as { openapi: string; info: object };
    await gw('init', '--yes');
    await writeFiles(dir, {
      // Minified, the `openapi` key last: nothing starts a line with `openapi:`.
      'specs/alpha.json': JSON.stringify({ ...betaRest, ...alpha, openapi: '3.0.3' }).replace(/\n/g, ''),
      // YAML whose `openapi:` comes after a 5 KB description.
      'specs/gamma.yaml': { ...gamma, openapi: '3.0.3' },
      // Flow-style YAML on one line.
      'specs/beta.yml': `{${JSON.stringify(betaRest).slice(1, -1)}, openapi: ${openapi}}\n`,
      // A $ref target with a property called `openapi`: not a document of its own.
      'specs/fragments.yaml': { Thing: { type: 'object', properties: { openapi: { type: 'string' }, swagger: { type: 'string' } } } },
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
  it('gw import reports a broken $ref (with did-you-mean), a duplicate operationId and an x-gw typo together', async () => {
    await gw('init', '--yes');
    await writeFiles(dir, {
      'svc.yaml': oas30(
        'Svc',
        {
          '/things': { get: { operationId: 'list', responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Thng' } } } } } } },
          '/things/{id}': { get: { operationId: 'list', 'x-gw': { retrys: 1 } } },
        },
        { components: { schemas: { Thing: { type: 'object' } } } },
      ),
    });
    const r = await gw('import', 'svc.yaml');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error GW_SPEC_REF_UNRESOLVED $ref "#/components/schemas/Thng" points at something that does not exist');
    expect(r.stderr).toContain('hint: did you mean "#/components/schemas/Thing"?');
    expect(r.stderr).toContain('error GW_SPEC_INVALID "svc.yaml" uses operationId "list" twice');
    expect(r.stderr).toContain('error GW_XGW_UNKNOWN_KEY x-gw: unknown key "retrys"');
    expect(r.stderr).toContain('✖ 3 errors, 0 warnings');
    expect(await readFile(join(dir, 'gw.yaml'), 'utf8')).not.toContain('svc');
  });
});
