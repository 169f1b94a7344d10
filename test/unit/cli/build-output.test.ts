import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderTargets, selectTargets } from '../../../src/cli/build-output.js';
import { StagedOutput, writeOutput } from '../../../src/cli/staged-output.js';
import { StaleCheck } from '../../../src/cli/stale-check.js';
import { piecewiseFile } from '../../../src/targets/deferred-text.js';
import type { BuildHelper } from '../../../src/cli/build-helper.js';
import type { RenderedFile, Target } from '../../../src/targets/types.js';

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

  it('a file in pieces is written piece by piece, the same bytes as its text', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gw-write-'));
    dirs.push(out);
    const big = 'x'.repeat(700_000);
    const file = piecewiseFile('openapi/openapi.json', () => ['{"a": "', big, '✓', big, '😀"}\n']);
    const bytes = await writeOutput(out, [fake('openapi', [file])], [file]);
    expect(readFileSync(join(out, 'openapi', 'openapi.json'), 'utf8')).toBe(file.contents);
    expect(bytes).toEqual([Buffer.byteLength(file.contents)]);
  });

  it('files reach the sink as each target is rendered, on this thread or the helper, and are the same', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gw-write-'));
    dirs.push(out);
    const mine = fake('node', [{ path: 'node/server.mjs', contents: 'export const é = "✓";\n' }]);
    const theirs = { path: 'nginx/nginx.conf', contents: '# ü\n' };
    // A helper that claims nginx and answers its render when asked, after this thread rendered node.
    const helper: BuildHelper = {
      checkSchema: async () => [],
      shareRenders: (_g, _o, names, claims) => {
        Atomics.store(claims, names.indexOf('nginx'), 1);
        return async () => ({ target: 'nginx', result: { files: [theirs], diagnostics: [] } });
      },
      close: () => undefined,
    };
    const targets = [selectTargets(['nginx'])[0]!, mine];
    const output = new StagedOutput(out, targets);
    const added: string[] = [];
    const sink = {
      add: (files: readonly RenderedFile[]) => {
        added.push(...files.map((f) => f.path));
        return output.add(files);
      },
    };
    const rendered = await renderTargets({} as never, targets, {}, undefined, helper, sink);
    expect(rendered.files).toEqual([]);
    expect(added).toEqual(['node/server.mjs', 'nginx/nginx.conf']);
    const written = await output.commit();
    expect(written).toEqual([
      { path: 'node/server.mjs', bytes: Buffer.byteLength('export const é = "✓";\n') },
      { path: 'nginx/nginx.conf', bytes: Buffer.byteLength('# ü\n') },
    ]);
    expect(readFileSync(join(out, 'node', 'server.mjs'), 'utf8')).toBe('export const é = "✓";\n');
    expect(readFileSync(join(out, 'nginx', 'nginx.conf'), 'utf8')).toBe('# ü\n');
    expect(readdirSync(out).sort()).toEqual(['nginx', 'node']);
  });

  it('discarded, staged files leave nothing behind, not even the output folder it made', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gw-write-'));
    dirs.push(root);
    const output = new StagedOutput(join(root, 'a', 'dist'), [fake('node', [])]);
    await output.add([{ path: 'node/x.txt', contents: 'x' }]);
    await output.discard();
    expect(readdirSync(root)).toEqual([]);
  });

  it('discarded in an output folder that was there, only the staging goes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gw-write-'));
    dirs.push(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const output = new StagedOutput(out, [fake('node', [])]);
    await output.add([{ path: 'node/x.txt', contents: 'x' }]);
    await output.discard();
    expect(readdirSync(out)).toEqual(['keep.txt']);
  });
});

describe('StaleCheck', () => {
  it('compares files, in pieces or whole, with the disk; files gw no longer writes are stale too', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gw-check-'));
    dirs.push(out);
    const files = [
      { path: 'node/same.txt', contents: 'same ✓' },
      piecewiseFile('node/pieces.txt', () => ['pie', 'ces ', '😀']),
      piecewiseFile('node/longer.txt', () => ['abc', 'd']),
      piecewiseFile('node/shorter.txt', () => ['ab']),
      { path: 'node/missing.txt', contents: 'm' },
    ];
    await writeOutput(out, [fake('node', [])], [...files.slice(0, 4), { path: 'node/old.txt', contents: 'o' }]);
    writeFileSync(join(out, 'node', 'longer.txt'), 'abc');
    writeFileSync(join(out, 'node', 'shorter.txt'), 'abc');
    const check = new StaleCheck(out);
    await check.add(files);
    expect(await check.finish([fake('node', [])])).toEqual([
      { path: 'node/longer.txt', why: 'differs' },
      { path: 'node/missing.txt', why: 'missing' },
      { path: 'node/old.txt', why: 'not generated' },
      { path: 'node/shorter.txt', why: 'differs' },
    ]);
    expect(check.count).toBe(5);
  });
});
