#!/usr/bin/env node
// Benchmark: `gw import` and `gw routes --json` of GitHub's REST API spec (from @octokit/openapi)
// against swagger-parser's validate() of the same file alone. Each task runs in its own child
// process, so peak RSS is per task; the tasks alternate, round after round. See bench/README.md.
//
//   npm run bench:import                  (builds dist/ first)
//   BENCH_ROUNDS=3 node bench/import.js   (fewer rounds; BENCH_KEEP=1 keeps the temp folder)

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  OCTOKIT_OPENAPI_VERSION,
  ensureOctokit as ensureOctokitIn,
  pickSpecFile as pickSpecFileIn,
  readSpec,
} from './lib/octokit-spec.mjs';
import { machineInfo } from './lib/loopback.mjs';
import { MEASURE, runNode as runTimedNode } from './lib/timed-run.mjs';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5) | 0);
const KEEP = process.env.BENCH_KEEP === '1';
const BUDGET_MS = 330_000; // stop starting rounds after 5.5 min, whatever ROUNDS says
const CHILD_TIMEOUT_MS = 150_000;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results', 'import.json');
const GW_BIN = join(ROOT, 'bin', 'run.js');
const REF_SCRIPT = join(ROOT, 'bench', 'lib', 'ref-validate.cjs');
const LOCATE_SCRIPT = join(ROOT, 'bench', 'lib', 'locate-once.mjs');
const started = performance.now();

function die(message, extra) {
  process.stderr.write(`\nbench/import.js: FAILED: ${message}\n`);
  if (extra) process.stderr.write(extra.endsWith('\n') ? extra : `${extra}\n`);
  process.exit(1);
}

const firstLines = (text, n = 40) => {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(0, n).join('\n') + (lines.length > n ? `\n... (${lines.length - n} more lines)` : '');
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, digits) => Math.round(x * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------- 1. the spec

// Fetched on demand into bench/.cache/octokit by lib/octokit-spec.mjs (the pinned version lives there).
const ensureOctokit = () => ensureOctokitIn({ die });
const pickSpecFile = () => pickSpecFileIn({ die });

/** Operations under paths, and how many x-gw `exclude: true` keeps out (operation > path item > document). */
function countOperations(doc) {
  const ops = [];
  let excluded = 0;
  const docExclude = doc['x-gw']?.exclude;
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!item || typeof item !== 'object') continue;
    for (const m of METHODS) {
      const op = item[m];
      if (!op || typeof op !== 'object') continue;
      ops.push(`${m.toUpperCase()} ${path}`);
      if ((op['x-gw']?.exclude ?? item['x-gw']?.exclude ?? docExclude) === true) excluded++;
    }
  }
  return { operations: ops.length, excluded, keys: ops };
}

// ---------------------------------------------------------------- measuring one child

const runNode = (args, cwd) => runTimedNode(args, { cwd, timeoutMs: CHILD_TIMEOUT_MS });
const gw = (args, cwd) => runNode([GW_BIN, ...args], cwd);

// ---------------------------------------------------------------- main

if (!existsSync(join(ROOT, 'dist', 'commands', 'index.js')))
  die('dist/ is missing: run `npm run build` first (or `npm run bench:import`)');
const gwPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const spPkg = JSON.parse(
  readFileSync(join(ROOT, 'node_modules', '@apidevtools', 'swagger-parser', 'package.json'), 'utf8'),
);
const gitHead =
  spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() || undefined;
const gitDirty =
  spawnSync('git', ['status', '--porcelain', '--', 'src', 'bin', 'package.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout?.trim() !== '';

ensureOctokit();
const spec = pickSpecFile();
const specBytes = readFileSync(spec.file).length;
const doc = await readSpec(spec.file);
const counted = countOperations(doc);
const expectedRoutes = counted.operations - counted.excluded;
console.log(
  `spec: @octokit/openapi@${OCTOKIT_OPENAPI_VERSION}/${spec.relative} (${(specBytes / 1e6).toFixed(1)} MB, ` +
    `OpenAPI ${doc.openapi ?? doc.swagger}, info.version ${doc.info?.version})`,
);
console.log(`      (its api.github.com files: ${spec.siblings.join(', ')}; the .deref one is skipped)`);
console.log(
  `operations in the spec: ${counted.operations} in ${Object.keys(doc.paths ?? {}).length} paths; excluded by ` +
    `x-gw: ${counted.excluded}; routes expected: ${expectedRoutes}`,
);
console.log(
  `swagger-parser ${spPkg.version} (gw depends on ${gwPkg.dependencies['@apidevtools/swagger-parser']}); node ` +
    `${process.version}; ${os.cpus()[0]?.model} x${os.cpus().length}`,
);
console.log(`measuring: ${MEASURE}`);
if (spPkg.version !== gwPkg.dependencies['@apidevtools/swagger-parser'])
  console.log('note: the installed swagger-parser is not the version package.json pins');

const tmp = mkdtempSync(join(os.tmpdir(), 'gw-bench-'));
process.on('exit', () => {
  if (KEEP) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
});
const specCopy = join(tmp, 'spec', basename(spec.file));
mkdirSync(dirname(specCopy));
copyFileSync(spec.file, specCopy); // gw.yaml then names it ../spec/..., and both sides read the same file

const TASKS = [
  { id: 'ref', label: 'reference: swagger-parser validate(file)' },
  { id: 'import', label: 'gw import FILE (fresh project)' },
  { id: 'routes', label: 'gw routes --json (same project)' },
  { id: 'startup', label: 'gw --version (startup alone)' },
  { id: 'locate', label: 'gw PointerLocator, 1st locate() (diagnosis)' },
];
const samples = Object.fromEntries(TASKS.map((t) => [t.id, []]));
const observed = { import: null, routes: null, ref: null };
const failures = [];
let lastProject;
let roundsDone = 0;

async function newProject(name) {
  const dir = join(tmp, name);
  mkdirSync(dir);
  const r = await gw(['init', '--yes'], dir);
  if (r.code !== 0) die(`gw init --yes failed (exit ${r.code})`, firstLines(r.stdout + r.stderr));
  return dir;
}

function checkRoutes(r, label) {
  let routes;
  try {
    routes = JSON.parse(r.stdout);
  } catch (err) {
    failures.push(`${label}: gw routes --json did not print JSON (exit ${r.code}): ${err.message}`);
    return undefined;
  }
  if (routes.length !== expectedRoutes)
    failures.push(
      `${label}: gw routes --json lists ${routes.length} routes, the spec has ${expectedRoutes} operations ` +
        `(after exclusions)`,
    );
  return routes;
}

/** One round: ref, gw import into a fresh project, gw routes --json there, gw --version. */
async function oneRound(name, record) {
  const dir = await newProject(name);
  const ref = await runNode([REF_SCRIPT, ROOT, specCopy], tmp);
  if (ref.code !== 0)
    failures.push(`${name}: reference validate failed (exit ${ref.code}): ${firstLines(ref.stderr, 5)}`);
  const imp = await gw(['import', specCopy], dir);
  if (imp.code !== 0) {
    die(`gw import failed on GitHub's spec (exit ${imp.code}); what it said:`, firstLines(imp.stdout + imp.stderr));
  }
  const routes = await gw(['routes', '--json'], dir);
  const list = checkRoutes(routes, name);
  const startup = await gw(['--version'], dir);
  // Diagnosis: the line:column lookup every diagnostic about the spec triggers (see bench/README.md).
  const firstPath = Object.keys(doc.paths ?? {})[0] ?? '';
  const locate = await runNode(
    [LOCATE_SCRIPT, ROOT, specCopy, `#/paths/${firstPath.replace(/~/g, '~0').replace(/\//g, '~1')}`],
    tmp,
  );
  if (locate.code !== 0)
    failures.push(`${name}: locate-once failed (exit ${locate.code}): ${firstLines(locate.stderr, 5)}`);
  if (record) {
    samples.locate.push(locate);
    samples.ref.push(ref);
    samples.import.push(imp);
    samples.routes.push(routes);
    samples.startup.push(startup);
  } else {
    observed.ref = ref;
    observed.import = imp;
    observed.routes = { ...routes, count: list?.length };
    observed.routeList = list;
  }
  lastProject = dir;
}

{
  console.log(`\nwarm-up round (not counted; its output is checked and reported)...`);
  let t = performance.now();
  await oneRound('warmup', false);
  let roundMs = performance.now() - t;
  for (let i = 1; i <= ROUNDS; i++) {
    if (performance.now() - started + roundMs * 1.2 > BUDGET_MS) {
      console.log(`time budget: stopping after ${roundsDone} of ${ROUNDS} rounds`);
      break;
    }
    t = performance.now();
    await oneRound(`round-${i}`, true);
    roundMs = performance.now() - t;
    roundsDone++;
    const last = (id) => samples[id].at(-1);
    console.log(
      `round ${i}/${ROUNDS}: ref ${(last('ref').ms / 1000).toFixed(2)}s ` +
        `${(last('ref').rssKiB / 1024).toFixed(0)}MB | import ${(last('import').ms / 1000).toFixed(2)}s ` +
        `${(last('import').rssKiB / 1024).toFixed(0)}MB | routes ${(last('routes').ms / 1000).toFixed(2)}s ` +
        `${(last('routes').rssKiB / 1024).toFixed(0)}MB | --version ${(last('startup').ms / 1000).toFixed(2)}s | ` +
        `locate ${(last('locate').ms / 1000).toFixed(2)}s ${(last('locate').rssKiB / 1024).toFixed(0)}MB`,
    );
  }

  // ------------------------------------------------------------ what gw said about the spec
  const validateText = await gw(['validate'], lastProject);
  const validateJson = await gw(['validate', '--json'], lastProject);
  let byCode = {};
  let validateOk;
  try {
    const v = JSON.parse(validateJson.stdout);
    validateOk = v.ok;
    for (const d of v.diagnostics ?? [])
      byCode[`${d.severity} ${d.code}`] = (byCode[`${d.severity} ${d.code}`] ?? 0) + 1;
  } catch (err) {
    byCode = { unparsed: `gw validate --json printed no JSON (exit ${validateJson.code}): ${err.message}` };
  }

  // Routes against the spec's METHOD path pairs (informational: gw may rewrite paths, e.g. a prefix).
  const specKeys = new Set(counted.keys);
  const routeKeys = new Set((observed.routeList ?? []).map((r) => `${r.method} ${r.path}`));
  const missing = [...specKeys].filter((k) => !routeKeys.has(k));
  const extra = [...routeKeys].filter((k) => !specKeys.has(k));

  // ------------------------------------------------------------ table
  const rows = TASKS.map((t) => {
    const s = samples[t.id];
    return {
      task: t.label,
      id: t.id,
      runs: s.length,
      medianS: round(median(s.map((x) => x.ms)) / 1000, 3),
      minS: round(Math.min(...s.map((x) => x.ms)) / 1000, 3),
      maxS: round(Math.max(...s.map((x) => x.ms)) / 1000, 3),
      medianPeakRssMB: round(median(s.map((x) => x.rssKiB)) / 1024, 1),
      wallS: s.map((x) => round(x.ms / 1000, 3)),
      peakRssMB: s.map((x) => round(x.rssKiB / 1024, 1)),
    };
  });
  const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
  const ratio = (id) => ({
    time: round(byId[id].medianS / byId.ref.medianS, 2),
    memory: round(byId[id].medianPeakRssMB / byId.ref.medianPeakRssMB, 2),
  });
  const ratios = { import: ratio('import'), routes: ratio('routes') };
  const extraRatios = { startup: ratio('startup'), locate: ratio('locate') };

  const pad = (s, n) => String(s).padEnd(n);
  const padL = (s, n) => String(s).padStart(n);
  console.log(`\n${roundsDone} rounds, medians (MB = MiB of peak RSS):`);
  console.log(
    `${pad('task', 44)}${padL('wall s', 8)}${padL('min-max s', 14)}${padL('peak MB', 9)}${padL('x time', 8)}` +
      `${padL('x mem', 7)}`,
  );
  for (const r of rows) {
    const q = ratios[r.id] ?? extraRatios[r.id];
    console.log(
      `${pad(r.task, 44)}${padL(r.medianS.toFixed(2), 8)}${padL(`${r.minS.toFixed(2)}-${r.maxS.toFixed(2)}`, 14)}` +
        `${padL(r.medianPeakRssMB.toFixed(0), 9)}${padL(q ? q.time.toFixed(2) : r.id === 'ref' ? '1.00' : '', 8)}` +
        `${padL(q ? q.memory.toFixed(2) : r.id === 'ref' ? '1.00' : '', 7)}`,
    );
  }
  console.log('(x time, x mem: gw / reference, by medians)');

  console.log(
    `\ncorrectness: spec operations ${counted.operations} (excluded ${counted.excluded}) -> expected ` +
      `${expectedRoutes} routes; gw routes --json listed ${observed.routes.count ?? 'nothing parseable'}`,
  );
  if (missing.length || extra.length) {
    console.log(
      `  METHOD+path pairs: ${missing.length} in the spec but not in the routes, ${extra.length} in the routes ` +
        `but not in the spec; e.g.`,
    );
    for (const k of missing.slice(0, 5)) console.log(`    spec only:   ${k}`);
    for (const k of extra.slice(0, 5)) console.log(`    routes only: ${k}`);
  } else console.log('  every METHOD+path of the spec is a route, and nothing else');

  const said = (label, r) => {
    const text = (r.stdout + r.stderr).trim();
    console.log(`\n--- ${label} (exit ${r.code}), first 40 lines:\n${text ? firstLines(text) : '(nothing)'}`);
  };
  said('gw import', observed.import);
  said('gw validate', validateText);
  const routesSaid = observed.routes.stderr.trim();
  if (routesSaid === (validateText.stdout + validateText.stderr).trim())
    console.log(`\n--- gw routes --json stderr (exit ${observed.routes.code}): the same text as gw validate above`);
  else
    console.log(
      `\n--- gw routes --json stderr (exit ${observed.routes.code}), first 40 ` +
        `lines:\n${firstLines(routesSaid || '(nothing)')}`,
    );
  console.log(
    `\ngw validate --json (exit ${validateJson.code}, ok ${validateOk}): diagnostics by code: ` +
      `${JSON.stringify(byCode)}`,
  );

  const results = {
    benchmark: 'gw import of GitHub REST API spec vs swagger-parser validate',
    date: new Date().toISOString(),
    ok: failures.length === 0,
    failures,
    machine: machineInfo(),
    gw: { version: gwPkg.version, commit: gitHead, uncommittedChanges: gitDirty },
    spec: {
      package: `@octokit/openapi@${OCTOKIT_OPENAPI_VERSION}`,
      file: spec.relative,
      bytes: specBytes,
      openapi: doc.openapi ?? doc.swagger,
      infoVersion: doc.info?.version,
      paths: Object.keys(doc.paths ?? {}).length,
      operations: counted.operations,
      excluded: counted.excluded,
    },
    reference: { library: `@apidevtools/swagger-parser@${spPkg.version}`, call: 'new SwaggerParser().validate(file)' },
    method:
      `${MEASURE}; one warm-up round, then ${roundsDone} rounds of ref, gw import (fresh \`gw init --yes\` ` +
      `project), gw routes --json, gw --version, and a diagnosis task (gw's PointerLocator locating one pointer ` +
      `in the spec), each in a fresh child process`,
    rounds: roundsDone,
    table: rows,
    ratios,
    extraRatios,
    correctness: {
      expectedRoutes,
      routesListed: observed.routes.count,
      specOnly: missing.length,
      routesOnly: extra.length,
    },
    diagnostics: {
      import: {
        exit: observed.import.code,
        lines: (observed.import.stdout + observed.import.stderr).trim().split('\n').length,
      },
      validateByCode: byCode,
    },
  };
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote bench/results/import.json; total ${((performance.now() - started) / 1000).toFixed(0)}s`);

  if (failures.length) die(failures.join('\n'));
}
