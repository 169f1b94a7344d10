#!/usr/bin/env node
// Benchmark: what routing costs nginx in the config `gw build --target nginx` generates for
// GitHub's REST API spec (1,223 operations), next to nginx with one catch-all
// `location / { proxy_pass ...; }`, in one run, on loopback. Same nginx binary, same main/http
// settings (taken from the generated nginx.conf), same keep-alive upstream block, one worker
// pinned to CPU 0; wrk and the upstream (an nginx answering `200 "$request_method $request_uri"`)
// share CPU 1. Every request of the load is one route of the model with its parameters filled in,
// checked first to reach the upstream with the right method and path. Method: docs/targets/nginx.md.
//
//   npm run bench:nginx                        (builds dist/ first; about 2 minutes)
//   BENCH_ROUNDS=1 BENCH_DURATION=3 node bench/nginx-routes.js   (a smoke run; dist/ has to be built)
//   BENCH_KEEP=1 node bench/nginx-routes.js    (keep the temp folder: configs, Lua script, logs)
//   node bench/nginx-routes.js --profile       (also: perf record of the generated config's worker, when perf works)

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as kit from './lib/loopback.mjs';
import { parseNginxConf, printNginxConf, regexLevels, replayRequest, serverTree, word } from './lib/nginx-conf.mjs';
import { OCTOKIT_OPENAPI_VERSION, ensureOctokit, pickSpecFile } from './lib/octokit-spec.mjs';
import { POLICY_KEYS, policiesVariant } from './lib/nginx-policies-variant.mjs';
import { requestsFromModel } from './lib/route-requests.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GW_BIN = join(ROOT, 'bin', 'run.js');
const RESULTS = join(ROOT, 'bench', 'results', 'nginx-routes.json');
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5) | 0);
const DURATION_S = Math.max(1, Number(process.env.BENCH_DURATION ?? 4) | 0);
const WARMUP_S = 1;
const PROFILE_S = 5;
const HIGH_C = 50;
const NGINX_CPU = '0';
const LOAD_CPU = '1'; // wrk and the upstream nginx
const GOAL = 0.9;
const DISTURBED_PCT = 10; // a run whose nginx CPU was this busy with other programs is flagged
const BUDGET_MS = 150_000; // no new round starts after 2.5 minutes
const KEEP = process.env.BENCH_KEEP === '1';
const PROFILE = process.argv.includes('--profile');
const started = performance.now();

const elapsedS = () => ((performance.now() - started) / 1000).toFixed(0);
const log = (text) => console.log(`[${elapsedS().padStart(3)}s] ${text}`);
function die(message, extra) {
  process.stderr.write(`\nbench/nginx-routes.js: FAILED: ${message}\n`);
  if (extra) process.stderr.write(extra.endsWith('\n') ? extra : `${extra}\n`);
  process.exit(1);
}
kit.installExitHandlers('bench/nginx-routes.js');
const priority = kit.prioritiseSession();

/** node bin/run.js ARGS in `cwd`; resolves with exit code, output and wall time. */
function gw(args, cwd) {
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(process.execPath, [GW_BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('close', (code) =>
      resolve({
        code,
        ms: performance.now() - t,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

// ---------------------------------------------------------------- set-up

if (!existsSync(join(ROOT, 'dist', 'commands', 'index.js')))
  die('dist/ is missing: run `npm run build` first (or `npm run bench:nginx`)');
if (os.cpus().length < 2)
  die(`this benchmark pins nginx to CPU 0 and the load to CPU 1; this machine has ${os.cpus().length} CPU`);
const tools = kit.ensureTools({ die, log });
// Other work on the machine (a test run, an editor's language server) lands on the measured CPU and
// disturbs a run by 10-20 %: everything else moves to the load side's CPU until the script exits.
const isolation = kit.isolateCpu(tools, NGINX_CPU, LOAD_CPU);
const nginxVersion = spawnSync(tools.nginx, ['-v'], { encoding: 'utf8' })
  .stderr.trim()
  .replace(/^nginx version: /, '');
const wrkVersion = (spawnSync(tools.wrk, ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '').trim();
const gitHead =
  spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() || undefined;
const gitDirty =
  spawnSync('git', ['status', '--porcelain', '--', 'src/targets/nginx', 'templates/nginx', 'src/model'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout?.trim() !== '';

ensureOctokit({ die, log });
const spec = pickSpecFile({ die });
log(
  `node ${process.version}; ${os.cpus()[0]?.model} x${os.cpus().length}; ${nginxVersion}; ${wrkVersion}; nginx ` +
    `under test on CPU ${NGINX_CPU}, wrk + upstream on CPU ${LOAD_CPU}; ${isolation}`,
);

const tmp = mkdtempSync(join(os.tmpdir(), 'gw-bench-nginx-'));
process.on('exit', () => {
  if (KEEP) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
});

const ports = {
  upstream: await kit.freePort(),
  gw: await kit.freePort(),
  gwJit: await kit.freePort(),
  catchall: await kit.freePort(),
  catchallGw: await kit.freePort(),
  exact: await kit.freePort(),
  gwPol: await kit.freePort(),
};
const project = join(tmp, 'project');
mkdirSync(project);
writeFileSync(
  join(project, 'gw.yaml'),
  `version: 1
name: bench-nginx
listen:
  host: 127.0.0.1
  port: ${ports.gw}
services:
  - name: github
    spec: ${JSON.stringify(spec.file)}
    upstreams: ["http://127.0.0.1:${ports.upstream}"]
`,
);
const built = await gw(['build', '--target', 'nginx', '--out', 'out'], project);
if (built.code !== 0) die(`gw build --target nginx failed (exit ${built.code})`, built.stderr.slice(-3000));
const modelRun = await gw(['model', '--json'], project);
if (modelRun.code !== 0) die(`gw model --json failed (exit ${modelRun.code})`, modelRun.stderr.slice(-3000));
const model = JSON.parse(modelRun.stdout);
const genDir = join(project, 'out', 'nginx');
const gwConfText = readFileSync(join(genDir, 'conf.d', 'gw.conf'), 'utf8');
const gwConf = parseNginxConf(gwConfText);
log(
  `gw build --target nginx: ${(built.ms / 1000).toFixed(1)}s, ${model.routes.length} routes -> conf.d/gw.conf ` +
    `${(gwConfText.length / 1e6).toFixed(2)} MB, ${countLocations(gwConf)} locations`,
);

function countLocations(directives) {
  const out = { exact: 0, prefix: 0, regex: 0 };
  const walk = (ds) => {
    for (const d of ds) {
      if (d.name === 'location') {
        const m = d.args.length > 1 ? d.args[0].value : '';
        if (m === '=') out.exact++;
        else if (m.startsWith('~')) out.regex++;
        else out.prefix++;
      }
      if (d.block) walk(d.block);
    }
  };
  walk(directives);
  return `${out.exact} exact, ${out.prefix} prefix, ${out.regex} regex`;
}

// ---------------------------------------------------------------- the configs

// main and http settings: the generated nginx.conf's, for every variant, except one worker, files in
// the temp folder, no access log (the catch-all has none) and keep-alive without a request limit.
const generatedMain = parseNginxConf(readFileSync(join(genDir, 'nginx.conf'), 'utf8'));
function wrapper(dir, include, extraMain = []) {
  const replaced = new Set(extraMain.map((d) => d.name));
  const mainKeep = [
    ...generatedMain.filter(
      (d) =>
        !['worker_processes', 'pid', 'error_log', 'events', 'http', 'daemon', 'user'].includes(d.name) &&
        !replaced.has(d.name),
    ),
    ...extraMain,
  ];
  const events = generatedMain.find((d) => d.name === 'events')?.block ?? [
    { name: 'worker_connections', args: [word('4096')], block: null },
  ];
  const httpKeep = (generatedMain.find((d) => d.name === 'http')?.block ?? []).filter(
    (d) => !['include', 'access_log', 'keepalive_requests'].includes(d.name) && !d.name.endsWith('_temp_path'),
  );
  return `${kit.nginxMain(dir).replace(/events \{.*\}\n$/s, '')}${printNginxConf(mainKeep)}events {
${printNginxConf(events, '    ')}}
http {
${printNginxConf(httpKeep, '    ')}    access_log off;
    # wrk would reconnect every 1,000 requests with nginx's default.
    keepalive_requests 1000000;
${kit.nginxTempPaths(dir)}    include ${include};
}
`;
}

const upstreamBlock = gwConf.find((d) => d.name === 'upstream');
if (!upstreamBlock) die('the generated gw.conf has no upstream block (is the service pointed at an IP address?)');
const upstreamName = upstreamBlock.args[0].value;
const server = gwConf.find((d) => d.name === 'server');
const listenArgs = server.block.find((d) => d.name === 'listen').args;
const listenAt = (port) => ({ name: 'listen', args: [word(`127.0.0.1:${port}`), ...listenArgs.slice(1)], block: null });
const find = (ds, pred) => {
  for (const d of ds) {
    if (pred(d)) return d;
    const inner = d.block && find(d.block, pred);
    if (inner) return inner;
  }
  return undefined;
};

const VARIANTS = [
  {
    id: 'gw',
    label: 'gw build config',
    what:
      `conf.d/gw.conf as generated (${model.routes.length} routes as exact, ^~ prefix, nested regex ` +
      `locations and dispatch branches)`,
    port: ports.gw,
    conf: () => gwConf,
  },
  // The generated nginx.conf sets pcre_jit: this variant shows what it is worth (or, for an older generator, what it
  // would be).
  ...(() => {
    const jitOn = generatedMain.some((d) => d.name === 'pcre_jit' && d.args[0]?.value === 'on');
    const flip = jitOn ? 'off' : 'on';
    return [
      {
        id: 'gwJit',
        label: `gw config, pcre_jit ${flip}`,
        what:
          `the same gw.conf, with \`pcre_jit ${flip};\` in the main context (a what-if: the generated ` +
          `nginx.conf has pcre_jit ${jitOn ? 'on' : 'off'})`,
        port: ports.gwJit,
        main: [{ name: 'pcre_jit', args: [word(flip)], block: null }],
        conf: () =>
          gwConf.map((d) =>
            d === server
              ? { ...server, block: server.block.map((x) => (x.name === 'listen' ? listenAt(ports.gwJit) : x)) }
              : d,
          ),
      },
    ];
  })(),
  {
    id: 'catchall',
    label: 'catch-all location',
    what:
      `the same upstream block; server { listen ...; location / { proxy_pass http://${upstreamName}; ` +
      `proxy_http_version 1.1; proxy_set_header Connection ""; } }`,
    port: ports.catchall,
    conf: () => [
      upstreamBlock,
      {
        name: 'server',
        args: [],
        block: [
          listenAt(ports.catchall),
          {
            name: 'location',
            args: [word('/')],
            block: [
              { name: 'proxy_pass', args: [word(`http://${upstreamName}`)], block: null },
              { name: 'proxy_http_version', args: [word('1.1')], block: null },
              { name: 'proxy_set_header', args: [word('Connection'), { raw: '""', value: '' }], block: null },
            ],
          },
        ],
      },
    ],
  },
  {
    id: 'catchallGw',
    label: 'catch-all + gw server',
    what:
      'gw.conf with every location replaced by one catch-all that sets $gw_route/$gw_service/$gw_host and ' +
      "proxy_passes: gw's headers, X-Request-Id maps and error pages, without its routing",
    skipWhy: 'the generated config has no `set $gw_host` to copy',
    port: ports.catchallGw,
    conf: () => {
      const setHost = find(server.block, (d) => d.name === 'set' && d.args[0]?.value === '$gw_host');
      if (!setHost) return undefined;
      const block = server.block.filter((d) => d.name !== 'location' && d.name !== 'listen');
      const catchAll = {
        name: 'location',
        args: [word('/')],
        block: [
          { name: 'set', args: [word('$gw_route'), word('catch-all')], block: null },
          { name: 'set', args: [word('$gw_service'), word('github')], block: null },
          setHost,
          { name: 'proxy_pass', args: [word(`http://${upstreamName}`)], block: null },
        ],
      };
      // Keep the internal error pages (error_page's targets) and the location that declares gw's variables.
      const errors = server.block.filter(
        (d) =>
          d.name === 'location' &&
          d.args[0]?.value === '=' &&
          /^\/__gw_(error\/|declare$)/.test(d.args[1]?.value ?? ''),
      );
      return gwConf.map((d) =>
        d === server ? { ...server, block: [listenAt(ports.catchallGw), ...block, catchAll, ...errors] } : d,
      );
    },
  },
  {
    id: 'exact',
    label: 'exact location per path',
    what:
      "a what-if without any search: gw.conf's server settings, and for every path of the load a " +
      '`location = <path>` holding the directives of the location the generated config ends in ' +
      '(its method check, sets, rewrite, proxy_pass); what one location per route costs by itself',
    port: ports.exact,
    conf: () => {
      const block = server.block.filter((d) => d.name !== 'location' && d.name !== 'listen');
      // gw's internal and named locations (error pages, other methods' routes, shared forwarding), not the dispatch
      // branches.
      const internal = server.block.filter(
        (d) => d.name === 'location' && /^(\/__gw_(?!d\/)|@)/.test(d.args.at(-1)?.value ?? ''),
      );
      const byPath = new Map();
      for (const r of allRequests) {
        if (byPath.has(r.path)) continue;
        const x = replayRequest(serverTree(gwConf), r.method, r.path);
        if (x.outcome !== 'proxy_pass') continue;
        byPath.set(r.path, { name: 'location', args: [word('='), word(r.path)], block: x.final.directives });
      }
      return gwConf.map((d) =>
        d === server ? { ...server, block: [listenAt(ports.exact), ...block, ...byPath.values(), ...internal] } : d,
      );
    },
  },
];

// ---------------------------------------------------------------- requests

const { requests: allRequests, skipped, parameterValues } = requestsFromModel(model);
const byMethod = {};
for (const r of allRequests) byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
log(
  `${allRequests.length} requests, one per route (${Object.entries(byMethod)
    .map(([m, n]) => `${m} ${n}`)
    .join(
      ', ',
    )}); parameter values: ${JSON.stringify(parameterValues)}${skipped.length ? `; skipped ${skipped.length}` : ''}`,
);

// ---------------------------------------------------------------- start everything

const upstreamDir = join(tmp, 'upstream');
const upstream = kit.startNginx({
  name: 'upstream nginx',
  dir: upstreamDir,
  cpu: LOAD_CPU,
  tools,
  die,
  conf: `${kit.nginxMain(upstreamDir)}http {
    access_log off;
    keepalive_requests 1000000;
${kit.nginxTempPaths(upstreamDir)}    server {
        listen 127.0.0.1:${ports.upstream};
        location / {
            default_type text/plain;
            return 200 "$request_method $request_uri";
        }
    }
}
`,
});
await kit.waitHttp(`http://127.0.0.1:${ports.upstream}/probe`, upstream, die);

const running = {};
const notes = [];
{
  const args = { tmp, specFile: spec.file, upstreamPort: ports.upstream, port: ports.gwPol, gw };
  const policy = await policiesVariant(args);
  if (policy.id) VARIANTS.push({ ...policy, conf: () => parseNginxConf(policy.text()) });
  else notes.push(`the policies variant: skipped (${policy.skipWhy})`);
}
for (const v of VARIANTS) {
  const conf = v.conf();
  if (!conf) {
    notes.push(`${v.label}: skipped (${v.skipWhy})`);
    continue;
  }
  const dir = join(tmp, v.id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'server.conf'), v.id === 'gw' ? gwConfText : v.text ? v.text() : printNginxConf(conf));
  v.prepare?.(dir);
  const t = performance.now();
  const e = kit.startNginx({
    name: v.label,
    dir,
    cpu: NGINX_CPU,
    tools,
    die,
    conf: wrapper(dir, join(dir, 'server.conf'), v.main),
  });
  e.url = `http://127.0.0.1:${v.port}`;
  await kit.waitHttp(`${e.url}/__gw_probe`, e, die);
  e.startMs = kit.round(performance.now() - t);
  running[v.id] = e;
}
const variants = VARIANTS.filter((v) => running[v.id]);
log(
  `started: upstream (pid ${upstream.pid}) on ${ports.upstream}; ` +
    variants
      .map((v) => `${v.label} (pid ${running[v.id].pid}) on ${v.port}, answering in ${running[v.id].startMs} ms`)
      .join('; '),
);

// ---------------------------------------------------------------- checks before measuring

const tree = serverTree(gwConf);
const checks = {};
const excluded = [];
const wrongUpstream = [];
let replayAgrees = 0;
{
  const answers = await kit.sendAll(running.gw.url, allRequests);
  answers.forEach((a, i) => {
    const r = allRequests[i];
    if (a.status < 200 || a.status > 299)
      excluded.push({ method: r.method, path: r.path, route: r.route, status: a.status, body: a.body.slice(0, 200) });
    else if (a.body !== `${r.method} ${r.upstreamPath}`)
      wrongUpstream.push({
        method: r.method,
        path: r.path,
        route: r.route,
        expected: `${r.method} ${r.upstreamPath}`,
        got: a.body.slice(0, 200),
      });
    const replay = replayRequest(tree, r.method, r.path);
    if (replay.outcome === 'proxy_pass' && a.body === `${r.method} ${replay.upstreamUri}`) replayAgrees++;
  });
  checks.gw = {
    sent: allRequests.length,
    status2xx: allRequests.length - excluded.length,
    upstreamGotExpectedPath: allRequests.length - excluded.length - wrongUpstream.length,
  };
  log(
    `generated config: ${checks.gw.status2xx}/${allRequests.length} answered 2xx, ` +
      `${checks.gw.upstreamGotExpectedPath} reached the upstream with the expected method and path; the replay ` +
      `of nginx's location search agrees on ${replayAgrees}`,
  );
  for (const e of excluded.slice(0, 8))
    log(`  !! ${e.method} ${e.path} (${e.route}) -> ${e.status} ${e.body.replace(/\s+/g, ' ').slice(0, 120)}`);
  for (const w of wrongUpstream.slice(0, 8))
    log(`  !! ${w.method} ${w.path}: upstream got "${w.got}", expected "${w.expected}"`);
  if (excluded.length > allRequests.length * 0.05)
    die(
      `${excluded.length} of ${allRequests.length} requests did not get a 2xx from the generated config: the ` +
        `figure would be meaningless`,
    );
}
const loadRequests = allRequests.filter((r) => !excluded.some((e) => e.method === r.method && e.path === r.path));
for (const v of variants.filter((x) => x.id !== 'gw')) {
  const answers = await kit.sendAll(running[v.id].url, loadRequests, v.headers);
  const bad = answers.filter((a) => a.status < 200 || a.status > 299).length;
  checks[v.id] = { sent: loadRequests.length, status2xx: loadRequests.length - bad };
  if (bad) die(`${v.label}: ${bad} of ${loadRequests.length} requests not 2xx`);
}
const script = join(tmp, 'requests.lua');
writeFileSync(script, kit.wrkScript(loadRequests, 'bench/nginx-routes.js'));
// The policies variant's load: the same requests, each with the API key.
for (const v of variants.filter((x) => x.headers)) {
  v.script = join(tmp, `requests-${v.id}.lua`);
  writeFileSync(v.script, kit.wrkScript(loadRequests, 'bench/nginx-routes.js', v.headers));
}

// What the location search costs each request in the generated config (replayed in JS, see lib/nginx-conf.mjs).
const replays = loadRequests.map((r) => ({ r, x: replayRequest(tree, r.method, r.path) }));
const regexStats = (pick) => {
  const v = replays.map(pick).sort((a, b) => a - b);
  return {
    mean: kit.round(v.reduce((a, b) => a + b, 0) / v.length, 1),
    p50: v[v.length >> 1],
    p90: v[Math.floor(v.length * 0.9)],
    max: v.at(-1),
  };
};
const perTopSegment = {};
for (const { r, x } of replays) {
  const key = `/${r.path.split('/')[1]}`;
  perTopSegment[key] ??= { requests: 0, locationRegexes: 0 };
  const s = perTopSegment[key];
  s.requests++;
  s.locationRegexes += x.locationRegexes;
}
// Where the regex tests happen: per level of the location tree (a ^~ prefix or a regex nest), summed over the load.
const levelWidth = regexLevels(tree);
const levelTests = new Map();
for (const { x } of replays) for (const [at, n] of x.byLevel) levelTests.set(at, (levelTests.get(at) ?? 0) + n);
const totalTests = replays.reduce((n, e) => n + e.x.locationRegexes, 0);
const analysis = {
  method:
    "JS replay of nginx's location search (ngx_http_core_find_location) and rewrite-phase directives " +
    'over the parsed gw.conf, per request of the load',
  locationRegexesPerRequest: regexStats((e) => e.x.locationRegexes),
  allRegexesPerRequest: regexStats((e) => e.x.locationRegexes + e.x.ifRegexes + e.x.rewriteRegexes),
  internalRedirects: { requests: replays.filter((e) => e.x.redirects > 0).length, of: replays.length },
  heaviestTopSegments: Object.entries(perTopSegment)
    .map(([segment, s]) => ({
      segment,
      requests: s.requests,
      meanLocationRegexes: kit.round(s.locationRegexes / s.requests, 1),
      shareOfAllRegexTests: kit.round(
        (100 * s.locationRegexes) / replays.reduce((n, e) => n + e.x.locationRegexes, 0),
        1,
      ),
    }))
    .sort((a, b) => b.shareOfAllRegexTests - a.shareOfAllRegexTests)
    .slice(0, 6),
  busiestLevels: [...levelTests]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([location, tests]) => ({
      location,
      regexChildren: levelWidth.get(location),
      shareOfAllRegexTests: kit.round((100 * tests) / totalTests, 1),
      meanTestsPerRequestEntering: kit.round(tests / replays.filter((e) => e.x.byLevel.has(location)).length, 1),
    })),
  worstRequests: replays
    .sort((a, b) => b.x.locationRegexes - a.x.locationRegexes)
    .slice(0, 6)
    .map(({ r, x }) => ({
      request: `${r.method} ${r.path}`,
      locationRegexes: x.locationRegexes,
      allRegexes: x.locationRegexes + x.ifRegexes + x.rewriteRegexes,
      locations: x.locations,
    })),
};
log(
  'busiest levels of the location tree (share of all regex tests; regex children tried in order): ' +
    analysis.busiestLevels
      .slice(0, 4)
      .map((l) => `${l.location} ${l.shareOfAllRegexTests}% (${l.regexChildren})`)
      .join('; '),
);
log(
  `location search in the generated config, per request: regex locations tried mean ` +
    `${analysis.locationRegexesPerRequest.mean}, p50 ${analysis.locationRegexesPerRequest.p50}, p90 ` +
    `${analysis.locationRegexesPerRequest.p90}, max ${analysis.locationRegexesPerRequest.max}; all regexes (with ` +
    `method checks and rewrites) mean ${analysis.allRegexesPerRequest.mean}; ` +
    `${analysis.internalRedirects.requests} requests take an internal redirect`,
);

// ---------------------------------------------------------------- the runs

/** One wrk run with nginx's own CPU time (master + worker, /proc) and both CPUs' busy share around it. */
async function measured(e, { connections, seconds, script: file, label }) {
  const cpu0 = kit.cpuSecondsOf(e.pid);
  const stat0 = kit.cpuTimes();
  const run = await kit.runWrk(tools, { cpu: LOAD_CPU, url: e.url, connections, seconds, script: file, label, die });
  const stat1 = kit.cpuTimes();
  const cpu1 = kit.cpuSecondsOf(e.pid);
  const busy = kit.busyPct(stat0, stat1, NGINX_CPU);
  return {
    ...run,
    cpuUsPerRequest: kit.round(((cpu1 - cpu0) * 1e6) / run.requests, 2),
    nginxCpuBusyPct: kit.round(busy, 1),
    // Share of CPU 0 spent in processes other than this nginx, or stolen by the host: other work on the
    // machine disturbing the run (the kernel's interrupt work for the loopback traffic is not counted).
    otherLoadPct: kit.round(kit.busyPct(stat0, stat1, NGINX_CPU, 'tasks') - (100 * (cpu1 - cpu0)) / run.seconds, 1),
    loadCpuBusyPct: kit.round(kit.busyPct(stat0, stat1, LOAD_CPU), 1),
  };
}

const samples = Object.fromEntries(variants.map((v) => [v.id, []]));
const anomalies = [];
const disturbed = [];
let roundsDone = 0;
for (let round = 1; round <= ROUNDS; round++) {
  if (round > 1 && performance.now() - started > BUDGET_MS) {
    log(`time budget: stopping after ${roundsDone} of ${ROUNDS} rounds`);
    break;
  }
  // Rotate the order each round, and reverse it every other round, so no variant always runs first or after the same
  // one.
  const rotated = variants.map((_, i) => variants[(i + round - 1) % variants.length]);
  const order = round % 2 ? rotated : rotated.reverse();
  for (const v of order) {
    const e = running[v.id];
    await kit.runWrk(tools, {
      cpu: LOAD_CPU,
      url: e.url,
      connections: HIGH_C,
      seconds: WARMUP_S,
      script: v.script ?? script,
      label: `r${round} ${v.id} warm-up`,
      die,
    });
    const high = await measured(e, {
      connections: HIGH_C,
      seconds: DURATION_S,
      script: v.script ?? script,
      label: `r${round} ${v.id} c${HIGH_C}`,
    });
    const sample = { round, saturated: high };
    for (const run of [high]) {
      if (run.non2xx || run.socketErrors)
        anomalies.push(`${v.label} ${run.label}: ${run.non2xx} non-2xx, ${run.socketErrors} socket errors`);
      if (run.otherLoadPct > DISTURBED_PCT)
        disturbed.push(`${v.label} ${run.label}: CPU ${NGINX_CPU} was ${run.otherLoadPct}% busy with other programs`);
    }
    if (e.exited) die(`${v.label} exited during round ${round}`, e.stderr);
    samples[v.id].push(sample);
    log(
      `  r${round} ${v.label.padEnd(22)} c${HIGH_C}: ${String(Math.round(high.rps)).padStart(6)} req/s p50 ` +
        `${high.p50us} p99 ${high.p99us} us, ${high.cpuUsPerRequest} CPU us/req (CPU ${NGINX_CPU} ` +
        `${high.nginxCpuBusyPct}%, others ${high.otherLoadPct}%; CPU ${LOAD_CPU} ${high.loadCpuBusyPct}%)`,
    );
  }
  roundsDone++;
}

// ---------------------------------------------------------------- --profile: where the generated config's worker
// spends its time

let profile;
if (PROFILE) profile = await perfProfiles();

/** perf record of one variant's worker under c50: CPU time per request, split by library and by function. */
async function perfProfile(perf, id) {
  const e = running[id];
  const worker = kit.childPids(e.pid)[0];
  if (!worker) return { skipped: 'no worker pid' };
  const data = join(tmp, `perf-${id}.data`);
  const rec = spawn(
    perf,
    ['record', '-F', '1999', '-o', data, '-p', String(worker), '--', 'sleep', String(PROFILE_S)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const recEntry = kit.track(`perf record ${id}`, rec);
  await kit.sleep(200);
  const run = await measured(e, {
    connections: HIGH_C,
    seconds: PROFILE_S - 1,
    script,
    label: `profile ${id} c${HIGH_C}`,
  });
  await new Promise((r) => (recEntry.exited ? r() : rec.once('exit', r)));
  const report = (sort) => {
    const rep = spawnSync(
      perf,
      ['report', '-i', data, '--stdio', '--sort', sort, '-F', `overhead,${sort}`, '--percent-limit', '0.3'],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    if (rep.status !== 0) return undefined;
    return rep.stdout
      .split('\n')
      .map((l) => /^\s+([\d.]+)%\s+(.*?)\s*$/.exec(l))
      .filter(Boolean)
      .map((m) => ({
        what: m[2].replace(/\s+/g, ' '),
        pct: Number(m[1]),
        usPerRequest: kit.round((Number(m[1]) / 100) * run.cpuUsPerRequest, 2),
      }))
      .sort((a, b) => b.pct - a.pct);
  };
  const byDso = report('dso');
  const bySymbol = report('dso,sym');
  if (!byDso || !bySymbol) return { skipped: 'perf report failed' };
  return {
    rps: run.rps,
    cpuUsPerRequest: run.cpuUsPerRequest,
    otherLoadPct: run.otherLoadPct,
    byDso,
    bySymbol: bySymbol.slice(0, 40),
  };
}

/**
 * Profiles the generated config and the catch-all (and the pcre_jit what-if), then lists where the generated config
 * spends more per request.
 */
async function perfProfiles() {
  const perf = kit.which('perf');
  if (!perf) return { skipped: 'perf is not installed (apt-get install linux-perf)' };
  const out = {};
  for (const v of variants) out[v.id] = await perfProfile(perf, v.id);
  if (!out.gw?.bySymbol || !out.catchall?.bySymbol) return out;
  for (const v of variants) {
    const p = out[v.id];
    if (!p.byDso) continue;
    p.userUsPerRequest = kit.round(
      p.byDso.filter((d) => !d.what.startsWith('[kernel')).reduce((n, d) => n + d.usPerRequest, 0),
      2,
    );
    log(
      `perf, ${v.label}: ${p.cpuUsPerRequest} CPU us/req at ${Math.round(p.rps)} req/s, ${p.userUsPerRequest} of ` +
        `it in user space; by library (us/req): ${p.byDso.map((d) => `${d.what} ${d.usPerRequest}`).join(', ')}`,
    );
  }
  // Kernel time per request is mostly loopback TCP, alike in every config and noisy on a shared VM: compare user space.
  const base = new Map(out.catchall.bySymbol.map((x) => [x.what, x.usPerRequest]));
  const extra = out.gw.bySymbol
    .filter((x) => !x.what.startsWith('[kernel'))
    .map((x) => ({
      what: x.what,
      gwUs: x.usPerRequest,
      catchAllUs: base.get(x.what) ?? 0,
      extraUs: kit.round(x.usPerRequest - (base.get(x.what) ?? 0), 2),
    }))
    .sort((a, b) => b.extraUs - a.extraUs);
  log(
    `perf: user-space functions where the generated config spends more per request than the catch-all (us/req: ` +
      `generated - catch-all):`,
  );
  for (const x of extra.slice(0, 12))
    log(`  +${x.extraUs.toFixed(2).padStart(5)}  ${x.what} (${x.gwUs} vs ${x.catchAllUs})`);
  out.extraPerRequest = extra.slice(0, 20);
  return out;
}

// ---------------------------------------------------------------- stop everything

const memory = {};
for (const v of variants) {
  const pids = [running[v.id].pid, ...kit.childPids(running[v.id].pid)];
  memory[v.id] = kit.round(
    pids.reduce((n, p) => n + Number(/VmRSS:\s+(\d+)/.exec(safeRead(`/proc/${p}/status`))?.[1] ?? 0), 0) / 1024,
    1,
  );
}
function safeRead(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
for (const v of variants) await kit.stopProcess(running[v.id]);
await kit.stopProcess(upstream);

// ---------------------------------------------------------------- report

const pick = (id, mode, key) => samples[id].map((s) => s[mode][key]);
const med = (id, mode, key) => kit.median(pick(id, mode, key));
/**
 * Per-round ratios of `key` between two variants (a/b, or b/a when `invert`), from rounds where neither run was
 * disturbed when there are any.
 */
function ratioOf(a, b, mode, key, invert = false) {
  const pairs = samples[a].map((s) => [s, samples[b].find((o) => o.round === s.round)]).filter(([, o]) => o);
  const all = pairs.map(([x, y]) => kit.round(invert ? y[mode][key] / x[mode][key] : x[mode][key] / y[mode][key], 3));
  const clean = pairs.filter(
    ([x, y]) => x[mode].otherLoadPct <= DISTURBED_PCT && y[mode].otherLoadPct <= DISTURBED_PCT,
  );
  const used = clean.length
    ? clean.map(([x, y]) => kit.round(invert ? y[mode][key] / x[mode][key] : x[mode][key] / y[mode][key], 3))
    : all;
  return {
    median: kit.median(used),
    runs: all,
    from: clean.length
      ? `${clean.length} undisturbed round(s) of ${pairs.length}`
      : `all ${pairs.length} rounds (none undisturbed)`,
  };
}
const rpsRatio = ratioOf('gw', 'catchall', 'saturated', 'rps');
const capacityRatio = ratioOf('gw', 'catchall', 'saturated', 'cpuUsPerRequest', true);
const loadBound = samples.catchall.some((s) => s.saturated.loadCpuBusyPct > 95);
const goalMet = rpsRatio.median >= GOAL && capacityRatio.median >= GOAL;
// API-key auth + a rate limit: the share of the same generated config's capacity (without policies) they keep.
const POLICY_GOAL = 0.6;
const policyRatio = samples.gwPol ? ratioOf('gwPol', 'gw', 'saturated', 'cpuUsPerRequest', true) : null;

const table = variants.map((v) => ({
  id: v.id,
  config: v.label,
  what: v.what,
  saturated: {
    reqPerSec: Math.round(med(v.id, 'saturated', 'rps')),
    vsCatchAll: v.id === 'catchall' ? 1 : ratioOf(v.id, 'catchall', 'saturated', 'rps').median,
    p50us: kit.round(med(v.id, 'saturated', 'p50us')),
    p99us: kit.round(med(v.id, 'saturated', 'p99us')),
    cpuUsPerRequest: kit.round(med(v.id, 'saturated', 'cpuUsPerRequest'), 2),
    capacityVsCatchAll:
      v.id === 'catchall' ? 1 : ratioOf(v.id, 'catchall', 'saturated', 'cpuUsPerRequest', true).median,
    nginxCpuBusyPct: kit.round(med(v.id, 'saturated', 'nginxCpuBusyPct')),
    loadCpuBusyPct: kit.round(med(v.id, 'saturated', 'loadCpuBusyPct')),
  },
  rssMiB: memory[v.id],
  answersAfterMs: running[v.id].startMs,
  runs: samples[v.id],
}));

const padL = (x, n) => String(x).padStart(n);
console.log(
  `\n${roundsDone} round(s), medians; wrk -t1 -c${HIGH_C} -d${DURATION_S}s over ${loadRequests.length} requests; ` +
    `latencies in microseconds`,
);
console.log(
  `${'config'.padEnd(23)}${padL('req/s', 8)}${padL('x', 6)}${padL('p50', 7)}${padL('p99', 7)}` +
    `${padL('CPU us/req', 12)}${padL('x', 6)}${padL(`CPU${NGINX_CPU} %`, 8)}${padL(`CPU${LOAD_CPU} %`, 8)}` +
    `${padL('RSS MiB', 9)}`,
);
for (const t of table) {
  const a = t.saturated;
  console.log(
    `${t.config.padEnd(23)}${padL(a.reqPerSec, 8)}${padL(a.vsCatchAll.toFixed(2), 6)}${padL(a.p50us, 7)}` +
      `${padL(a.p99us, 7)}${padL(a.cpuUsPerRequest.toFixed(2), 12)}${padL(a.capacityVsCatchAll.toFixed(2), 6)}` +
      `${padL(a.nginxCpuBusyPct, 8)}${padL(a.loadCpuBusyPct, 8)}${padL(t.rssMiB, 9)}`,
  );
}
console.log(
  `(x after req/s: this req/s / the catch-all's, per round, median; CPU us/req: nginx's own CPU time (master + ` +
    `worker) per request; x after it: catch-all CPU per request / this one's, the share of the catch-all's ` +
    `capacity this config keeps)`,
);
console.log(
  `\nreq/s ratio, generated / catch-all: ${rpsRatio.median.toFixed(2)} (from ${rpsRatio.from}; every round: ` +
    `${rpsRatio.runs.join(', ')})`,
);
console.log(
  `capacity ratio, catch-all / generated CPU per request: ${capacityRatio.median.toFixed(2)} (from ` +
    `${capacityRatio.from}; every round: ${capacityRatio.runs.join(', ')})`,
);
if (loadBound)
  console.log(
    `note: CPU ${LOAD_CPU} (wrk + upstream) was over 95% busy in catch-all c${HIGH_C} runs: there the load side ` +
      `set the pace, so the req/s ratio flatters the generated config and the capacity ratio is the stricter figure`,
  );
console.log(`goal: both ratios >= ${GOAL}: ${goalMet ? 'met' : 'NOT met'}`);
if (policyRatio)
  console.log(
    `capacity ratio, API-key auth (${POLICY_KEYS} keys) + rate limit: generated config's CPU per request / the ` +
      `same with the policies: ${policyRatio.median.toFixed(2)} (from ${policyRatio.from}; every round: ` +
      `${policyRatio.runs.join(', ')}); goal >= ${POLICY_GOAL}: ` +
      `${policyRatio.median >= POLICY_GOAL ? 'met' : 'NOT met'}`,
  );
if (disturbed.length)
  console.log(
    `disturbed runs (other programs on CPU ${NGINX_CPU}; left out of the ratios when undisturbed rounds ` +
      `exist):\n  ${disturbed.join('\n  ')}`,
  );
if (anomalies.length) console.log(`anomalies:\n  ${anomalies.join('\n  ')}`);
for (const n of notes) console.log(`note: ${n}`);

const results = {
  benchmark:
    'nginx with the config gw build generates for GitHub REST API (1,223 routes) vs a catch-all proxy_pass location',
  date: new Date().toISOString(),
  ok: anomalies.length === 0 && excluded.length === 0 && wrongUpstream.length === 0,
  goal: { ratio: GOAL, met: goalMet, rule: 'both the req/s ratio and the capacity ratio at or above it' },
  ratio: { reqPerSec: rpsRatio, capacity: capacityRatio, loadSideSaturatedInCatchAll: loadBound },
  policies: policyRatio && {
    keys: POLICY_KEYS,
    goal: POLICY_GOAL,
    met: policyRatio.median >= POLICY_GOAL,
    capacity: policyRatio,
    rule: "the gw variant's CPU per request / the gwPol variant's, per round, median",
  },
  machine: kit.machineInfo(),
  tools: { nginx: nginxVersion, wrk: wrkVersion },
  gw: {
    commit: gitHead,
    uncommittedNginxTargetChanges: gitDirty,
    routes: model.routes.length,
    buildMs: Math.round(built.ms),
    gwConfBytes: gwConfText.length,
    locations: countLocations(gwConf),
  },
  spec: { package: `@octokit/openapi@${OCTOKIT_OPENAPI_VERSION}`, file: spec.relative },
  method: {
    cpus:
      `nginx under test: one worker, taskset -c ${NGINX_CPU}; wrk -t1 and the upstream nginx: taskset -c ` +
      `${LOAD_CPU}${kit.NICE ? `; all of them at nice ${kit.NICE}, ${priority}` : ''}; ${isolation}`,
    upstream:
      'nginx, one worker, return 200 "$request_method $request_uri" (text/plain), keepalive_requests 1000000; ' +
      'the same process for every variant',
    shared:
      'main and http settings from the generated nginx.conf, except worker_processes 1, access_log off (the ' +
      'catch-all has none) and keepalive_requests 1000000; the generated upstream block (keepalive 32) for ' +
      'every variant',
    variants: Object.fromEntries(variants.map((v) => [v.id, v.what])),
    load:
      `one request per route of the model (method and path, parameters filled from their schemas), cycled by ` +
      `a wrk Lua script; per variant and round: ${WARMUP_S}s warm-up, then wrk -t1 -c${HIGH_C} -d${DURATION_S}s; ` +
      `the order of the variants rotates every round and is reversed every other round`,
    cpuPerRequest: "the nginx master + worker's utime+stime (/proc/PID/stat) over a run, divided by its requests",
    ratios:
      `req/s ratio: median of the per-round req/s ratios; capacity ratio: median of the per-round ratios ` +
      `of nginx CPU time per request (catch-all / generated); rounds where CPU ${NGINX_CPU} was more than ` +
      `${DISTURBED_PCT}% busy with other programs are left out when undisturbed rounds exist`,
    rounds: roundsDone,
  },
  disturbed,
  requests: {
    total: allRequests.length,
    byMethod,
    used: loadRequests.length,
    parameterValues,
    skipped,
    excluded,
    wrongUpstream,
    replayAgreesWithNginx: replayAgrees,
    examples: loadRequests.filter((_, i) => i % 150 === 0).map((r) => `${r.method} ${r.path}`),
  },
  checks,
  analysis,
  profile,
  table,
  anomalies,
  notes,
};
mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${relative(ROOT, RESULTS)}; total ${elapsedS()}s`);
process.exit(0);
