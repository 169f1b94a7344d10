import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { GwError } from '../../diagnostics/gw-error.js';
import { loadTemplates } from '../templates.js';
import type { RenderedFile, Target } from '../types.js';
import { buildNodeView } from './view.js';

/**
 * gw's runtime bundled into one ES module by scripts/bundle-runtime.js (`npm run build`), relative to the gw package.
 */
export const RUNTIME_BUNDLE = 'dist/node-runtime/gw-runtime.mjs';
// From src/targets/node/ and dist/targets/node/ alike, three levels up is the package.
const PACKAGE_ROOT = new URL('../../../', import.meta.url);

/**
 * The node target: node/server.mjs (the model embedded, plus which variable overrides which
 * upstream), gw's runtime bundle copied verbatim beside it, a README, a Dockerfile and a
 * package.json. `node server.mjs` runs exactly what `gw serve` runs; no npm install.
 */
export const nodeTarget: Target = {
  name: 'node',
  description: "a Node.js gateway (server.mjs + gw's bundled runtime, the same proxy as gw serve; no npm install)",
  async render(gateway, options) {
    const { view, diagnostics } = buildNodeView(gateway, { packAbove: options.node?.packAbove });
    const runtime = await readRuntimeBundle();
    const templates = await loadTemplates('node', options, {});
    const files: RenderedFile[] = [
      { path: 'node/Dockerfile', contents: templates.render('Dockerfile', view) },
      { path: 'node/README.md', contents: templates.render('README.md', view) },
      { path: 'node/gw-runtime.mjs', contents: runtime, copiedFrom: RUNTIME_BUNDLE },
      { path: 'node/package.json', contents: templates.render('package.json', view) },
      { path: 'node/server.mjs', contents: templates.render('server.mjs', view), mode: 0o755 },
    ];
    return { files, diagnostics };
  },
};

async function readRuntimeBundle(): Promise<string> {
  const file = fileURLToPath(new URL(RUNTIME_BUNDLE, PACKAGE_ROOT));
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw GwError.of('GW_BUILD_RUNTIME_MISSING', `the node runtime bundle ${RUNTIME_BUNDLE} does not exist`, {
      locations: [{ file }],
      hints: ['run `npm run build` in the gw folder (it bundles the runtime after compiling), then build again'],
      cause: err,
    });
  }
}
