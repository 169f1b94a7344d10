import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import {
  BUNDLED_TEMPLATES,
  loadPrecompiledTemplates,
  loadTemplates,
  PRECOMPILED_TEMPLATES,
  TEMPLATE_OPTIONS,
  templatesStamp,
  type PrecompiledTemplates,
} from '../../../src/targets/templates.js';
import { TARGET_NAMES } from '../../../src/targets/types.js';

const require = createRequire(import.meta.url);
const DOCKERFILE_VIEW = { name: 'shop', containerPort: 8080, nodeImage: 'node:20-slim' };

/** A precompiled set whose Dockerfile.hbs entry claims `source` but prints `instead`. */
function fakePrecompiled(source: string, instead: string): PrecompiledTemplates {
  const spec = new Function(
    `return ${Handlebars.precompile(instead, { ...TEMPLATE_OPTIONS })}`,
  )() as TemplateSpecification;
  return new Map([['Dockerfile.hbs', { source, spec }]]);
}

describe('precompiled templates (scripts/compile-templates.js -> dist/compiled-templates/)', () => {
  for (const target of TARGET_NAMES) {
    it.skipIf(!existsSync(join(PRECOMPILED_TEMPLATES, `${target}.cjs`)) && !process.env.CI)(
      `${target}: one entry per bundled file, made from its text, with this Handlebars`,
      () => {
        const mod = require(join(PRECOMPILED_TEMPLATES, `${target}.cjs`)) as { gwStamp: string };
        expect(mod.gwStamp).toBe(templatesStamp());
        const precompiled = loadPrecompiledTemplates(target)!;
        const bundled = readdirSync(join(BUNDLED_TEMPLATES, target)).filter((f) => f.endsWith('.hbs'));
        expect([...precompiled.keys()].sort()).toEqual(bundled.sort());
        for (const name of bundled)
          expect(precompiled.get(name)!.source, name).toBe(readFileSync(join(BUNDLED_TEMPLATES, target, name), 'utf8'));
      },
    );
  }

  it('a file whose text is the one an entry was made from renders from that entry', async () => {
    const text = readFileSync(join(BUNDLED_TEMPLATES, 'node', 'Dockerfile.hbs'), 'utf8');
    const templates = await loadTemplates('node', {}, {}, fakePrecompiled(text, 'precompiled for {{name}}'));
    expect(templates.render('Dockerfile', DOCKERFILE_VIEW)).toBe('precompiled for shop');
  });

  it('a file whose text differs (an edited template, an override) compiles from its own text', async () => {
    const templates = await loadTemplates(
      'node',
      {},
      {},
      fakePrecompiled('not the text on disk', 'precompiled for {{name}}'),
    );
    const out = templates.render('Dockerfile', DOCKERFILE_VIEW);
    expect(out).toContain('# The "shop" API gateway on Node.js.');
    expect(out).toContain('FROM node:20-slim');
  });

  it('precompiled and compiled here render the same, strict mode included', async () => {
    const compiled = await loadTemplates('node', {}, {}, new Map());
    const precompiled = await loadTemplates(
      'node',
      {},
      {},
      fakePrecompiled(
        readFileSync(join(BUNDLED_TEMPLATES, 'node', 'Dockerfile.hbs'), 'utf8'),
        readFileSync(join(BUNDLED_TEMPLATES, 'node', 'Dockerfile.hbs'), 'utf8'),
      ),
    );
    expect(precompiled.render('Dockerfile', DOCKERFILE_VIEW)).toBe(compiled.render('Dockerfile', DOCKERFILE_VIEW));
    for (const set of [compiled, precompiled]) {
      expect(() => set.render('Dockerfile', { name: 'shop', containerPort: 8080 })).toThrow(
        expect.objectContaining({ diagnostics: [expect.objectContaining({ code: 'GW_TEMPLATE_RENDER' })] }),
      );
    }
  });
});

describe('a templates folder that does not exist', () => {
  it('is GW_TEMPLATE_NOT_FOUND, with an example path that names a real template of the target', async () => {
    const failure = await loadTemplates('nginx', { templatesDir: join(BUNDLED_TEMPLATES, 'nowhere') }, {}).then(
      () => undefined,
      (e: { diagnostics: { code: string; hints: string[] }[] }) => e.diagnostics[0]!,
    );
    expect(failure?.code).toBe('GW_TEMPLATE_NOT_FOUND');
    const example = failure!.hints.join(' ').match(/my-templates\/nginx\/(\S+\.hbs)/)?.[1];
    expect(example && existsSync(join(BUNDLED_TEMPLATES, 'nginx', example)), `hint names ${example}`).toBe(true);
  });
});
