import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { renderOptionsOf } from '../../src/cli/build-output.js';
import { buildGateway } from '../../src/cli/load-gateway.js';
import { formatDiagnostics } from '../../src/diagnostics/print.js';
import type { Gateway } from '../../src/model/types.js';
import { parseProject } from '../../src/project/load.js';
import { TARGETS } from '../../src/targets/registry.js';
import type { RenderOptions, RenderResult, Target } from '../../src/targets/types.js';

/**
 * Golden cases per target: every case folder's model is rendered by every target, and each
 * rendered file is compared with `expected/<target>/...` (one file per output, so a diff shows
 * which target moved). Warnings a target gives go to `expected/<target>.diagnostics.txt`.
 * Review every change; regenerate with UPDATE_GOLDEN=1 npx vitest run test/golden/targets.test.ts
 */
const HERE = new URL('.', import.meta.url).pathname;
const UPDATE = process.env.UPDATE_GOLDEN === '1';

async function gatewayOf(caseDir: string, text?: string): Promise<Gateway | undefined> {
  const file = join(caseDir, 'gw.yaml');
  const project = parseProject(text ?? readFileSync(file, 'utf8'), file, 'gw.yaml');
  const { gateway, diagnostics } = await buildGateway(project);
  return diagnostics.some((d) => d.severity === 'error') ? undefined : gateway;
}

/** The case's gw.yaml `build` options, as `gw build` passes them to the targets. */
function optionsOf(caseDir: string): RenderOptions {
  const file = join(caseDir, 'gw.yaml');
  return renderOptionsOf(parseProject(readFileSync(file, 'utf8'), file, 'gw.yaml').config.build);
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

/** What golden files hold for a result: template output byte for byte; a copied file only by name. */
function goldenContents(result: RenderResult): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of result.files)
    out.set(f.path, f.copiedFrom !== undefined ? `(copied verbatim from gw's ${f.copiedFrom})\n` : f.contents);
  return out;
}

async function compareTarget(caseDir: string, target: Target, result: RenderResult): Promise<void> {
  const expectedDir = join(caseDir, 'expected');
  const files = goldenContents(result);
  const diagnosticsFile = join(expectedDir, `${target.name}.diagnostics.txt`);
  const diagnostics = result.diagnostics.length
    ? formatDiagnostics(result.diagnostics, { color: false, all: true })
    : '';
  if (UPDATE) {
    await rm(join(expectedDir, target.name), { recursive: true, force: true });
    for (const [path, contents] of files) {
      await mkdir(dirname(join(expectedDir, path)), { recursive: true });
      await writeFile(join(expectedDir, path), contents);
    }
    if (result.diagnostics.length) await writeFile(diagnosticsFile, diagnostics);
    else await rm(diagnosticsFile, { force: true });
    return;
  }
  const onDisk = listFiles(join(expectedDir, target.name)).map((p) => `${target.name}/${p}`);
  expect(
    [...files.keys()].sort(),
    `the files ${target.name} renders differ from ${expectedDir}/${target.name}`,
  ).toEqual(onDisk);
  for (const [path, contents] of files)
    expect(contents, `${path} differs from the golden file`).toBe(readFileSync(join(expectedDir, path), 'utf8'));
  expect(diagnostics, `${target.name}'s warnings differ from ${diagnosticsFile}`).toBe(
    existsSync(diagnosticsFile) ? readFileSync(diagnosticsFile, 'utf8') : '',
  );
}

const cases = readdirSync(join(HERE, 'cases'))
  .filter((d) => existsSync(join(HERE, 'cases', d, 'gw.yaml')))
  .sort();

describe('golden cases: every target', () => {
  for (const name of cases) {
    const dir = join(HERE, 'cases', name);
    for (const target of Object.values(TARGETS)) {
      it(`${name} → ${target.name}`, async () => {
        const gateway = await gatewayOf(dir);
        expect(gateway, `${name} has errors; golden cases with errors belong in test/golden/invalid`).toBeDefined();
        await compareTarget(dir, target, await target.render(gateway!, optionsOf(dir)));
      });
      it(`${name} → ${target.name}: services in reverse order give byte-identical files`, async () => {
        const doc = parseDocument(readFileSync(join(dir, 'gw.yaml'), 'utf8'));
        (doc.get('services') as { items: unknown[] }).items.reverse();
        const [forward, reversed] = await Promise.all([gatewayOf(dir), gatewayOf(dir, doc.toString())]);
        const a = goldenContents(await target.render(forward!, optionsOf(dir)));
        const b = goldenContents(await target.render(reversed!, optionsOf(dir)));
        expect([...b]).toEqual([...a]);
      });
    }
  }
});
