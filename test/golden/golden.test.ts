import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { buildGateway } from '../../src/cli/load-gateway.js';
import { isGwError } from '../../src/diagnostics/gw-error.js';
import { formatDiagnostics } from '../../src/diagnostics/print.js';
import { parseProject } from '../../src/project/load.js';

/**
 * Golden cases: each folder holds gw.yaml and specs; expected/ holds one file per output
 * (model.json, diagnostics.txt), so a diff shows which stage moved. Review every change to
 * them; regenerate with UPDATE_GOLDEN=1 npx vitest run test/golden.
 */
const HERE = new URL('.', import.meta.url).pathname;
const UPDATE = process.env.UPDATE_GOLDEN === '1';

async function render(caseDir: string, text?: string): Promise<{ model: string; diagnostics: string }> {
  const file = join(caseDir, 'gw.yaml');
  try {
    const project = parseProject(text ?? readFileSync(file, 'utf8'), file, 'gw.yaml');
    const { gateway, diagnostics } = await buildGateway(project);
    return {
      model: `${JSON.stringify(gateway, null, 2)}\n`,
      diagnostics: formatDiagnostics(diagnostics, { color: false, all: true }),
    };
  } catch (err) {
    if (!isGwError(err)) throw err;
    return { model: '', diagnostics: formatDiagnostics(err.diagnostics, { color: false, all: true }) };
  }
}

async function compare(caseDir: string, name: string, actual: string): Promise<void> {
  const file = join(caseDir, 'expected', name);
  if (UPDATE) {
    await mkdir(join(caseDir, 'expected'), { recursive: true });
    await writeFile(file, actual);
    return;
  }
  expect(existsSync(file), `${file} is missing: run UPDATE_GOLDEN=1 npx vitest run test/golden and review it`).toBe(
    true,
  );
  expect(actual, `${name} differs from ${file}`).toBe(readFileSync(file, 'utf8'));
}

const folders = (root: string) =>
  readdirSync(join(HERE, root))
    .filter((d) => existsSync(join(HERE, root, d, 'gw.yaml')))
    .sort();

describe('golden cases: the model', () => {
  for (const name of folders('cases')) {
    const dir = join(HERE, 'cases', name);
    it(name, async () => {
      const out = await render(dir);
      await compare(dir, 'model.json', out.model);
      await compare(dir, 'diagnostics.txt', out.diagnostics);
    });
    it(`${name}: services in reverse order give byte-identical output`, async () => {
      const doc = parseDocument(readFileSync(join(dir, 'gw.yaml'), 'utf8'));
      const services = doc.get('services') as { items: unknown[] };
      services.items.reverse();
      const reversed = await render(dir, doc.toString());
      const forward = await render(dir);
      expect(reversed.model).toBe(forward.model);
      expect(reversed.diagnostics.replace(/#\/services\/\d+/g, '')).toBe(
        forward.diagnostics.replace(/#\/services\/\d+/g, ''),
      );
    });
  }
});

describe('golden invalid cases: the full diagnostics text', () => {
  for (const name of folders('invalid')) {
    const dir = join(HERE, 'invalid', name);
    it(name, async () => {
      const out = await render(dir);
      expect(out.diagnostics).toMatch(/^error GW_/m);
      await compare(dir, 'diagnostics.txt', out.diagnostics);
    });
  }
});
