#!/usr/bin/env node
// The openapi target on real specs: GitHub's REST API (@octokit/openapi), Digdir's Dialogporten
// API (@digdir/dialogporten-schema) and rclone's remote-control API (rclone-openapi), merged into one gateway under
// three prefixes, rendered, and the merged openapi.json validated with swagger-parser. Prints sizes, names settled,
// warnings and times. The specs are fetched on demand into bench/.cache (never dependencies). Runs gw from dist/ by
// default; GW_DIST=/some/dist points elsewhere (a
// `npx tsc -p tsconfig.json --outDir /tmp/x` build), GW_DIST=src runs the sources through tsx.
//
//   node bench/openapi-real.js            (after npm run build)
//   GW_DIST=src npx tsx bench/openapi-real.js

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packFile } from './lib/npm-pack-file.mjs';
import { OCTOKIT_OPENAPI_VERSION, ensureOctokit, pickSpecFile } from './lib/octokit-spec.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REAL_CACHE = join(ROOT, 'bench', '.cache', 'real');
/** Pinned: bump on purpose. */
export const REAL_SPECS = [
  // (@blockfrost/openapi@0.1.93 was tried: its spec fails swagger-parser's own check, `type: 'null'` in 3.0.3.)
  { name: 'dialogporten', pkg: '@digdir/dialogporten-schema', version: '1.118.6', file: 'swagger.verified.json' },
  // (@directus/specs@15.2.0 too: a requestBody schema that is not an object.)
  { name: 'rclone', pkg: 'rclone-openapi', version: '1.75.0', file: 'openapi.json' },
];

function die(message) {
  process.stderr.write(`bench/openapi-real.js: FAILED: ${message}\n`);
  process.exit(1);
}

/**
 * Installs the pinned packages into bench/.cache/real unless they are there (all at once: npm --prefix --no-save drops
 * what it is not told).
 */
export function ensureRealSpecs({ log = console.log } = {}) {
  const missing = REAL_SPECS.filter((s) => {
    const pkg = join(REAL_CACHE, 'node_modules', s.pkg, 'package.json');
    return !existsSync(pkg) || JSON.parse(readFileSync(pkg, 'utf8')).version !== s.version;
  });
  if (missing.length === 0) return;
  log(`installing ${REAL_SPECS.map((s) => `${s.pkg}@${s.version}`).join(', ')} into bench/.cache/real ...`);
  mkdirSync(REAL_CACHE, { recursive: true });
  const r = spawnSync(
    process.platform === 'win32' ? 'npm.cmd' : 'npm',
    [
      'install',
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--prefix',
      REAL_CACHE,
      ...REAL_SPECS.map((s) => `${s.pkg}@${s.version}`),
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
      timeout: 240_000,
    },
  );
  if (r.status !== 0) throw new Error(`npm install into bench/.cache/real failed (status ${r.status})`);
}

/** The three spec files (absolute paths), fetching what is missing. */
export function realSpecFiles({ log = console.log } = {}) {
  ensureOctokit({
    log,
    die: (m) => {
      throw new Error(m);
    },
  });
  ensureRealSpecs({ log });
  return [
    {
      name: 'github',
      file: pickSpecFile({
        die: (m) => {
          throw new Error(m);
        },
      }).file,
    },
    ...REAL_SPECS.map((s) => ({ name: s.name, file: join(REAL_CACHE, 'node_modules', s.pkg, s.file) })),
  ];
}

/** The same three files fetched with `npm pack` (one file each, no install): what the test suite uses. */
export function packedSpecFiles() {
  return [
    { name: 'github', file: packFile('@octokit/openapi', OCTOKIT_OPENAPI_VERSION, 'generated/api.github.com.json') },
    ...REAL_SPECS.map((s) => ({ name: s.name, file: packFile(s.pkg, s.version, s.file) })),
  ];
}

/** gw's modules, from dist (or GW_DIST), or from src when GW_DIST=src. */
async function loadGw(dist) {
  const base = dist === 'src' ? join(ROOT, 'src') : resolve(dist);
  const ext = dist === 'src' ? '.ts' : '.js';
  const mod = (p) => import(pathToFileURL(join(base, p + ext)).href);
  const [{ buildGateway }, { parseProject }, { openapiTarget }] = await Promise.all([
    mod('cli/load-gateway'),
    mod('project/load'),
    mod('targets/openapi/index'),
  ]);
  return { buildGateway, parseProject, openapiTarget };
}

/** Merges the specs, renders the openapi target, validates the JSON; returns the figures. */
export async function runRealMerge({
  dist = process.env.GW_DIST ?? join(ROOT, 'dist'),
  log = console.log,
  specs = realSpecFiles({ log }),
} = {}) {
  const gw = await loadGw(dist);
  const dir = mkdtempSync(join(os.tmpdir(), 'gw-openapi-real-'));
  try {
    const yaml = ['version: 1', 'name: real', 'listen: {host: 127.0.0.1, port: 8080}', 'services:'];
    for (const s of specs)
      yaml.push(
        `  - {name: ${s.name}, spec: ${JSON.stringify(s.file)}, prefix: /${s.name}, upstreams: ["http://127.0.0.1:9"]}`,
      );
    const file = join(dir, 'gw.yaml');
    writeFileSync(file, `${yaml.join('\n')}\n`);
    const figures = { specs: specs.map((s) => ({ name: s.name, bytes: readFileSync(s.file).length })) };

    let t = performance.now();
    const { gateway, diagnostics } = await gw.buildGateway(
      gw.parseProject(readFileSync(file, 'utf8'), file, 'gw.yaml'),
    );
    figures.importMs = Math.round(performance.now() - t);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length)
      throw new Error(
        `the merge has errors: ${errors
          .slice(0, 5)
          .map((d) => `${d.code} ${d.message}`)
          .join('; ')}`,
      );

    t = performance.now();
    const result = await gw.openapiTarget.render(gateway, {});
    figures.renderMs = Math.round(performance.now() - t);
    const json = result.files.find((f) => f.path === 'openapi/openapi.json').contents;
    const yamlOut = result.files.find((f) => f.path === 'openapi/openapi.yaml').contents;
    const doc = JSON.parse(json);
    figures.output = {
      jsonBytes: json.length,
      yamlBytes: yamlOut.length,
      openapi: doc.openapi,
      paths: Object.keys(doc.paths).length,
      routes: gateway.routes.length,
    };
    figures.components = Object.fromEntries(
      Object.entries(doc.components ?? {}).map(([k, v]) => [k, Object.keys(v).length]),
    );
    figures.namespaced = Object.fromEntries(
      Object.entries(doc.components ?? {})
        .map(([k, v]) => [k, Object.keys(v).filter((n) => specs.some((s) => n.startsWith(`${s.name}_`)))])
        .filter(([, v]) => v.length > 0),
    );
    figures.warnings = result.diagnostics.length;

    const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
    t = performance.now();
    try {
      await new SwaggerParser().validate(structuredClone(doc));
      figures.valid = true;
    } catch (err) {
      figures.valid = false;
      figures.validationError = String(err?.message ?? err)
        .split('\n')
        .slice(0, 10)
        .join('\n');
    }
    figures.validateMs = Math.round(performance.now() - t);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = process.env.GW_DIST ?? join(ROOT, 'dist');
  if (dist !== 'src' && !existsSync(join(dist, 'targets', 'openapi', 'index.js')))
    die(`${dist} has no targets/openapi: run \`npm run build\`, or set GW_DIST`);
  try {
    const f = await runRealMerge({ dist });
    console.log(`specs: ${f.specs.map((s) => `${s.name} ${(s.bytes / 1e6).toFixed(2)} MB`).join(', ')}`);
    console.log(
      `import + merge: ${f.importMs} ms; openapi render: ${f.renderMs} ms; swagger-parser validate of the ` +
        `output: ${f.validateMs} ms`,
    );
    console.log(
      `output: OpenAPI ${f.output.openapi}, ${f.output.routes} operations in ${f.output.paths} paths; ` +
        `openapi.json ${(f.output.jsonBytes / 1e6).toFixed(2)} MB, openapi.yaml ` +
        `${(f.output.yamlBytes / 1e6).toFixed(2)} MB`,
    );
    console.log(`components: ${JSON.stringify(f.components)}`);
    console.log(`namespaced on clashes: ${JSON.stringify(f.namespaced)}`);
    console.log(`target warnings: ${f.warnings}`);
    console.log(f.valid ? 'swagger-parser: valid' : `swagger-parser: INVALID\n${f.validationError}`);
    if (!f.valid) process.exit(1);
  } catch (err) {
    die(err instanceof Error ? err.message : String(err));
  }
}
