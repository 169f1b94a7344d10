import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, runGw, tempDir } from '../helpers/cli.js';
import { writeShopProject } from '../scenarios/project.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('gw-build-'));
  await writeShopProject(
    dir,
    { users: 'http://127.0.0.1:9001', orders: 'http://127.0.0.1:9002', catalog: 'http://127.0.0.1:9003' },
    8080,
  );
});
afterEach(async () => cleanup());

const gw = (...args: string[]) => runGw(args, { cwd: dir, timeoutMs: 60_000 });

/** Every file under a folder with its bytes, to prove nothing moved. */
function snapshot(root: string): Record<string, string> {
  if (!existsSync(root)) return {};
  const out: Record<string, string> = {};
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true }))
    if (e.isFile()) out[join(e.parentPath, e.name)] = readFileSync(join(e.parentPath, e.name), 'utf8');
  return out;
}

/** The scenario project's memory-store limits, accepted as one Envoy bucket per route. */
async function acceptSharedRateLimits(): Promise<void> {
  const yaml = await readFile(join(dir, 'gw.yaml'), 'utf8');
  await writeFile(join(dir, 'gw.yaml'), `${yaml}build:\n  envoy: { sharedRateLimits: true }\n`);
}

describe('gw build', () => {
  it("refuses Envoy's one bucket per route for a memory-store rate limit, unless gw.yaml accepts it", async () => {
    const refused = await gw('build', '--target', 'envoy');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('error GW_ENVOY_SHARED_RATE_LIMIT envoy: GET /catalog/products/featured');
    expect(refused.stderr).toMatch(/--> specs\/catalog\.json at #\/paths\/~1products~1featured\/get/);
    expect(refused.stderr).toContain('hint: set rateLimitStore.redis in gw.yaml');
    await acceptSharedRateLimits();
    const accepted = await gw('build', '--target', 'envoy');
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stderr).toMatch(/^(warning GW_TARGET_INEXACT\[| {2})envoy\.local-rate-limit/m);
  });

  it('renders every target into dist/ with a summary of the files written, and is deterministic', async () => {
    await acceptSharedRateLimits();
    const r = await gw('build');
    expect(r.code, r.stderr).toBe(0);
    for (const f of [
      'nginx/nginx.conf',
      'nginx/conf.d/gw.conf',
      'node/server.mjs',
      'node/README.md',
      'node/Dockerfile',
    ]) {
      expect(existsSync(join(dir, 'dist', f)), f).toBe(true);
      expect(r.stdout).toContain(f);
    }
    expect(r.stderr).toMatch(/wrote \d+ files for .*nginx.* to /);
    const first = snapshot(join(dir, 'dist'));
    expect((await gw('build')).code).toBe(0);
    expect(snapshot(join(dir, 'dist'))).toEqual(first);
  });

  it('--check exits 0 after a build and 1 after a spec edit, naming the files that differ', async () => {
    expect((await gw('build', '--target', 'nginx')).code).toBe(0);
    const clean = await gw('build', '--target', 'nginx', '--check');
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stderr).toContain('up to date');

    const spec = join(dir, 'specs', 'users.yaml');
    await writeFile(spec, (await readFile(spec, 'utf8')).replace('/users/me:', '/users/self:'));
    const before = snapshot(join(dir, 'dist'));
    const stale = await gw('build', '--target', 'nginx', '--check');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('error GW_BUILD_STALE nginx/conf.d/gw.conf differs from what the specs give now');
    expect(stale.stderr).not.toContain('nginx/nginx.conf differs');
    expect(snapshot(join(dir, 'dist')), '--check writes nothing').toEqual(before);

    const json = await gw('build', '--target', 'nginx', '--check', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).stale).toEqual([{ path: 'nginx/conf.d/gw.conf', why: 'differs' }]);
  });

  it('--target limits the targets, --out picks the folder, --json lists the files', async () => {
    const r = await gw('build', '--target', 'nginx', '--out', 'deploy', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; out: string; files: { path: string; bytes: number }[] };
    expect(out.ok).toBe(true);
    expect(out.out).toBe(join(dir, 'deploy'));
    expect(out.files.map((f) => f.path)).toEqual([
      'nginx/conf.d/gw-auth-config.js',
      'nginx/conf.d/gw-auth.js',
      'nginx/conf.d/gw.conf',
      'nginx/keys/catalog.apiKey.map',
      'nginx/keys/users.apiKey.map',
      'nginx/nginx.conf',
    ]);
    expect(readdirSync(join(dir, 'deploy'))).toEqual(['nginx']);
  });

  it('an unknown target is a usage error with a suggestion, exit 2', async () => {
    const r = await gw('build', '--target', 'ngnix');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error GW_BUILD_TARGET there is no build target "ngnix"');
    expect(r.stderr).toContain('did you mean "nginx"?');
  });

  it('a spec error writes nothing and leaves the previous output as it was', async () => {
    expect((await gw('build', '--target', 'nginx')).code).toBe(0);
    const before = snapshot(join(dir, 'dist'));
    await writeFile(join(dir, 'specs', 'users.yaml'), 'swagger: "2.0"\ninfo: [broken\n');
    const r = await gw('build', '--target', 'nginx');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('GW_SPEC_SYNTAX');
    expect(snapshot(join(dir, 'dist'))).toEqual(before);
  });

  // gw build checks specs against the OpenAPI schema on a helper thread while it imports and renders.
  it("a spec failing the OpenAPI schema check gives gw validate's diagnostics, and nothing is written", async () => {
    const invalid = join(ROOT, 'test', 'golden', 'invalid', 'type-list-in-openapi-3.0');
    for (const f of ['gw.yaml', 'svc.yaml']) await writeFile(join(dir, f), await readFile(join(invalid, f), 'utf8'));
    const r = await gw('build');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(await readFile(join(invalid, 'expected', 'diagnostics.txt'), 'utf8'));
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('a target failing on the helper thread fails the build with its own diagnostic; nothing is written', async () => {
    await mkdir(join(dir, 'tpl', 'envoy'), { recursive: true });
    await writeFile(join(dir, 'tpl', 'envoy', 'envoy.yaml.hbs'), '# main\nadmin: {{adminn}}\n');
    const r = await gw('build', '--templates', 'tpl');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error GW_TEMPLATE_RENDER template failed: "adminn" is not a field of the view here');
    expect(r.stderr).toMatch(/--> .*tpl\/envoy\/envoy\.yaml\.hbs:2:\d+/);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('an output folder that cannot be written is GW_BUILD_WRITE, and nothing half-written is left', async () => {
    await writeFile(join(dir, 'blocked'), 'a file where the output folder should be');
    const r = await gw('build', '--target', 'nginx', '--out', 'blocked/dist');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error GW_BUILD_WRITE cannot write the build output to');
    expect(r.stderr).toContain('the previous output was left as it was');
    expect(readFileSync(join(dir, 'blocked'), 'utf8')).toBe('a file where the output folder should be');
  });

  it("gw.yaml build.openapi.servers are the merged spec's servers", async () => {
    await writeFile(
      join(dir, 'gw.yaml'),
      (await readFile(join(dir, 'gw.yaml'), 'utf8')) +
        'build:\n  openapi:\n    servers: [{url: "https://api.shop.example", description: production}]\n',
    );
    const r = await gw('build', '--target', 'openapi');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'dist', 'openapi', 'openapi.json'), 'utf8')).servers).toEqual([
      { url: 'https://api.shop.example', description: 'production' },
    ]);
  });

  it('gw.yaml build.out and build.targets are the defaults', async () => {
    await writeFile(
      join(dir, 'gw.yaml'),
      `${await readFile(join(dir, 'gw.yaml'), 'utf8')}build:\n  out: generated\n  targets: [nginx]\n`,
    );
    const r = await gw('build');
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'generated'))).toEqual(['nginx']);
  });
});

describe('gw routes on a project with policies', () => {
  it("shows each route's effective auth and rate limit", async () => {
    const r = await gw('routes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^GET\s+\/catalog\/products\/featured\s+catalog\s+\S+\s+public\s+2\/1h per header x-client-id$/m,
    );
    expect(r.stdout).toMatch(
      /^DELETE\s+\/users\/\{userId\}\s+users\s+\S+\s+apiKey\(header X-Api-Key\) AND basic\s+-$/m,
    );
    const json = JSON.parse((await gw('routes', '--json')).stdout) as { id: string; rateLimit: string }[];
    expect(json.find((x) => x.id === 'catalog.listFeaturedProducts')!.rateLimit).toBe('2/1h per header x-client-id');
  });
});

describe('gw build on a terminal', () => {
  // `script` (util-linux, in every Debian; .ci/run installs bsdutils) gives gw a real terminal.
  it('shows progress per target', async () => {
    const r = spawnSync('/usr/bin/script', ['-qec', `${process.execPath} ${BIN} build --target nginx`, '/dev/null'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 60_000,
    });
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toContain('rendering nginx');
    expect(r.stdout).toMatch(/✓ nginx 4 files/);
  });
});

describe('gw build --templates', () => {
  /** `gw build --target nginx --templates tpl` with these files in tpl/nginx/. */
  async function buildWith(files: Record<string, string>) {
    await mkdir(join(dir, 'tpl', 'nginx'), { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, 'tpl', 'nginx', name), text);
    return gw('build', '--target', 'nginx', '--templates', 'tpl');
  }

  it('a template of the same name replaces the bundled one', async () => {
    const r = await buildWith({
      'nginx.conf.hbs': '# our own main file for {{name}}\nevents {}\nhttp { include conf.d/gw.conf; }\n',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'dist', 'nginx', 'nginx.conf'), 'utf8')).toBe(
      '# our own main file for shop\nevents {}\nhttp { include conf.d/gw.conf; }\n',
    );
    expect(readFileSync(join(dir, 'dist', 'nginx', 'conf.d', 'gw.conf'), 'utf8')).toContain('generated by gw');
  });

  it('a broken override names the template file and line, and nothing is written', async () => {
    const r = await buildWith({ '_handler.hbs': 'one\ntwo\n{{#if forward}}\nthree\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error GW_TEMPLATE_SYNTAX template does not parse');
    expect(r.stderr).toMatch(/--> .*tpl\/nginx\/_handler\.hbs:\d+/);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('a field the view does not have names the file, line and column', async () => {
    const r = await buildWith({ 'nginx.conf.hbs': '# main\nlisten {{lisen}};\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error GW_TEMPLATE_RENDER template failed: "lisen" is not a field of the view here');
    expect(r.stderr).toMatch(/--> .*tpl\/nginx\/nginx\.conf\.hbs:2:\d+/);
    expect(r.stderr).not.toContain('[object Object]');
  });

  it('a file copied as it is (the njs program gw-auth.js) is replaced by a file of the same name', async () => {
    const r = await buildWith({
      'gw-auth.js': '// our own credential checks\n',
      'notes.txt': 'not a template: left alone, as before\n',
    });
    expect(r.code, r.stderr).toBe(0);
    const conf = join(dir, 'dist', 'nginx', 'conf.d');
    expect(readFileSync(join(conf, 'gw-auth.js'), 'utf8')).toBe('// our own credential checks\n');
    expect(readFileSync(join(conf, 'gw-auth-config.js'), 'utf8')).toContain('export default {"realm":"shop"');
  });

  it('gw-auth.js.hbs (its name before gw-auth.js was copied as it is) says what to name it now', async () => {
    const r = await buildWith({ 'gw-auth.js.hbs': '// {{name}}\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error GW_TEMPLATE_UNKNOWN');
    expect(r.stderr).toContain('hint: gw-auth.js is copied as it is, not rendered: name your copy "gw-auth.js"');
  });

  it('an override with no matching template is an error with a suggestion, and a missing folder too', async () => {
    const r = await buildWith({ 'gw.cnf.hbs': '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error GW_TEMPLATE_UNKNOWN');
    expect(r.stderr).toContain('did you mean "gw.conf.hbs"?');
    const missing = await gw('build', '--target', 'nginx', '--templates', 'nowhere');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error GW_TEMPLATE_NOT_FOUND the templates folder "nowhere" does not exist');
  });
});
