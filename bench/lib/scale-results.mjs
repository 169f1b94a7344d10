// The results file of bench/scale.js (bench/results/scale.json): the machine, the method, the
// gateway, every sample and every summary, and the goals.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineInfo } from './loopback.mjs';
import { withoutList } from './scale-load.mjs';

const REFERENCE =
  'bench/lib/ref-validate.cjs: one node process validating every spec file of the gateway in turn with ' +
  'new SwaggerParser().validate(file), the copy gw loads';

/** Versions of the tools (nginx, wrk, swagger-parser) and of gw (commit, local changes, targets) in `root`. */
export function runInfo(tools, root, targets) {
  const first = (cmd, args, stream) => (spawnSync(cmd, args, { encoding: 'utf8' })[stream] ?? '').split('\n')[0].trim();
  const swaggerParserPkg = join(root, 'node_modules/@apidevtools/swagger-parser/package.json');
  const git = (args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim();
  return {
    versions: {
      nginx: first(tools.nginx, ['-v'], 'stderr').replace(/^nginx version: /, ''),
      wrk: first(tools.wrk, ['-v'], 'stdout'),
      swaggerParser: JSON.parse(readFileSync(swaggerParserPkg, 'utf8')).version,
    },
    gw: {
      commit: git(['rev-parse', '--short', 'HEAD']) || undefined,
      uncommittedChanges: git(['status', '--porcelain', '--', 'src', 'templates', 'bin', 'package.json']) !== '',
      targets,
    },
  };
}

/** What was measured and how, as one object to write as JSON. */
export function scaleResults(x) {
  const { settings: c, rounds, phase, requests, services, routesPer } = x;
  return {
    benchmark: 'gw at scale: one gateway of many real public specs, each under its own prefix (issue 13)',
    date: new Date().toISOString(),
    subset: x.subset ?? false,
    ok: x.failures.length === 0,
    failures: x.failures,
    machine: machineInfo(),
    tools: x.versions,
    gw: x.gw,
    method: {
      measure: x.measure,
      priority: x.priority,
      rounds: x.roundsDone,
      tasks: Object.fromEntries(rounds.tasks.map((t) => [t.id, t.label])),
      timeouts: { taskS: c.taskTimeoutMs / 1000, nginxTestS: c.nginxTimeoutMs / 1000 },
      reference: REFERENCE,
      gwYaml: x.gwYaml,
      rateLimitVariant:
        `the same gw.yaml with settings.rateLimit ${JSON.stringify(c.rateLimit)} (scope: route, ` +
        `the default); gw build --target nginx, once (the model's warnings print whatever the target)`,
      nginxT: 'nginx -t -p <out>/nginx -c <out>/nginx/nginx.conf (the generated nginx.conf as it is), each round',
      githubHttps: x.githubHttps,
      load:
        `each round: gw serve --port 0 --log-format off --json (CPU ${c.proxyCpu}; in round 1, when that ` +
        `start loaded every spec, a second start from its start-up cache, without load), then nginx with the ` +
        `generated config (one worker, no access log, CPU ${c.proxyCpu}) when nginx -t passes; wrk -t1 ` +
        `-c${c.connections} -d${c.seconds}s after ${c.warmupS} s of warm-up (CPU ${c.loadCpu}), the upstream ` +
        `nginx answering 200 "METHOD URI" (CPU ${c.loadCpu})`,
    },
    gateway: {
      ...x.gatewayFacts,
      package: x.package,
      settlePasses: x.settlePasses,
      list: services.map((s) => ({
        id: s.id,
        file: s.file,
        openapi: s.openapi,
        bytes: s.bytes,
        operations: s.operations,
        routes: routesPer[s.id] ?? 0,
        excludedOperations: s.excludeOperations,
      })),
      excludedServices: x.excludedServices,
    },
    table: x.rows,
    reference: { files: rounds.state.refFiles },
    output: {
      buildPrinted: rounds.state.printed.build,
      rateLimitBuild: rounds.state.printed.rateLimit,
      sizes: x.findings.sizes,
    },
    nginxT: { summary: x.findings.nginxT, runs: rounds.state.nginxT },
    githubHttps: { summary: x.findings.githubT, runs: rounds.state.githubT },
    load: {
      requests: {
        made: requests.requests.length,
        getRoutes: requests.getRoutes,
        perService: requests.perService,
        skipped: requests.skipped.length,
        parameterValues: requests.parameterValues,
      },
      checks: Object.fromEntries(Object.entries(phase.state.checks).map(([k, v]) => [k, withoutList(v)])),
      gwServe: { summary: x.findings.serve, runs: phase.state.serveRuns },
      nginx: { summary: x.findings.nginx, runs: phase.state.nginxRuns },
    },
    goals: x.goals,
  };
}
