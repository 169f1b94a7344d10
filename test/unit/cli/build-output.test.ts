import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderTargets, selectTargets, writeOutput } from '../../../src/cli/build-output.js';
import type { BuildHelper } from '../../../src/cli/build-helper.js';
import type { Target } from '../../../src/targets/types.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const fake = (name: Target['name'], files: { path: string; contents: string; mode?: number }[]): Target => ({
  name,
  description: name,
  render: async () => ({ files, diagnostics: [] }),
});

describe('writeOutput', () => {
  it('writes each file as UTF-8 and returns its size in bytes, in the order given', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gw-write-'));
    dirs.push(out);
    const files = [
      { path: 'node/a.txt', contents: 'plain' },
      { path: 'node/b.txt', contents: 'café ✓ 😀\n', mode: 0o755 },
    ];
    const bytes = await writeOutput(out, [fake('node', files)], files);
    expect(bytes).toEqual([5, Buffer.byteLength(files[1]!.contents)]);
    expect(readFileSync(join(out, 'node', 'b.txt'), 'utf8')).toBe(files[1]!.contents);
    expect(statSync(join(out, 'node', 'b.txt')).mode & 0o777).toBe(0o755);
  });

  it('files encoded while renderTargets waited for the helper are written the same', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gw-write-'));
    dirs.push(out);
    const mine = fake('node', [{ path: 'node/server.mjs', contents: 'export const é = "✓";\n' }]);
    const theirs = { path: 'nginx/nginx.conf', contents: '# ü\n' };
    // A helper that claims nothing itself and answers nginx's render when asked, after this thread rendered node.
    const helper: BuildHelper = {
      checkSchema: async () => [],
      shareRenders: () => async () => ({ target: 'nginx', result: { files: [theirs], diagnostics: [] } }),
      close: () => undefined,
    };
    const targets = [selectTargets(['nginx'])[0]!, mine];
    const claimsNginxFirst = {
      ...helper,
      shareRenders: (g: never, o: never, names: readonly string[], claims: Int32Array) => {
        Atomics.store(claims, names.indexOf('nginx'), 1);
        return helper.shareRenders(g, o, names as never, claims);
      },
    };
    const rendered = await renderTargets({} as never, targets, {}, undefined, claimsNginxFirst, {
      encodeWhileWaiting: true,
    });
    const bytes = await writeOutput(out, targets, rendered.files);
    expect(rendered.files.map((f) => f.path)).toEqual(['nginx/nginx.conf', 'node/server.mjs']);
    expect(bytes).toEqual(rendered.files.map((f) => Buffer.byteLength(f.contents)));
    expect(readFileSync(join(out, 'node', 'server.mjs'), 'utf8')).toBe('export const é = "✓";\n');
    expect(readFileSync(join(out, 'nginx', 'nginx.conf'), 'utf8')).toBe('# ü\n');
  });
});
