// The load half of bench/scale.js: request paths spread over the whole route table, `gw serve`
// and nginx running the generated config started in front of one upstream, each checked path by
// path, then measured with wrk. Processes come from lib/loopback.mjs (pinned, stopped by PID).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as kit from './loopback.mjs';
import { wrapGeneratedNginx } from './policy-project.mjs';
import { requestsFromModel } from './route-requests.mjs';

/**
 * About `count` GET requests, one per route, taken at even steps over the whole table (so every service gets its
 * share).
 */
export function spreadRequests(routes, count) {
  const gets = routes.filter((r) => r.method === 'GET');
  const step = Math.max(1, gets.length / count);
  const picked = new Set();
  for (let i = 0; i < gets.length && picked.size < count; i += step) picked.add(gets[Math.floor(i)].id);
  const made = requestsFromModel({ routes }, { pick: (r) => picked.has(r.id) });
  const perService = {};
  for (const r of made.requests) {
    const service = r.route.split('.')[0];
    perService[service] = (perService[service] ?? 0) + 1;
  }
  return { ...made, getRoutes: gets.length, perService };
}

/**
 * Sends every request once through `url`: those answered 2xx by the upstream (the echo upstream
 * answers "METHOD URI") make the load; the others are tallied by status with examples.
 */
export async function checkRequests(url, requests) {
  const answers = await kit.sendAll(url, requests);
  const ok = [];
  const refused = {};
  const examples = [];
  let wrongUpstream = 0;
  answers.forEach((a, i) => {
    const r = requests[i];
    if (a.status >= 200 && a.status < 300) {
      ok.push(r);
      if (a.body !== `${r.method} ${r.upstreamPath}`) wrongUpstream++;
      return;
    }
    let code;
    try {
      code = JSON.parse(a.body).code;
    } catch {}
    const key = `${a.status}${code ? ` ${code}` : ''}`;
    refused[key] = (refused[key] ?? 0) + 1;
    if (examples.length < 8) examples.push({ request: `${r.method} ${r.path}`, route: r.route, answer: key });
  });
  return { sent: requests.length, ok, status2xx: ok.length, wrongUpstream, refused, examples };
}

/** `gw serve --json` on the project, pinned to `cpu`: time to its ready line and memory right after. */
async function startGwServe(tools, { gwBin, config, cwd, cpu, readyTimeoutMs }) {
  const args = [gwBin, 'serve', '--config', config, '--host', '127.0.0.1', '--port', '0'];
  args.push('--log-format', 'off', '--drain-timeout', '1', '--json');
  const e = await kit.startReadyNode(tools, { name: 'gw serve', args, cpu, cwd, readyTimeoutMs });
  e.memoryAfterReady = kit.memoryOf(e.pid);
  return e;
}

/**
 * nginx with the generated config (nginx/ of a build), pinned to `cpu`: its main and http
 * settings as generated except one worker, no access log and keep-alive without a request limit,
 * as in bench/proxy.js; the wrapper is written beside conf.d/ so the includes resolve.
 */
async function startGeneratedNginx(tools, { nginxDir, runDir, listenPort, cpu, die }) {
  const common = kit.nginxMain(runDir);
  const httpCommon = `  access_log off;\n  keepalive_requests 1000000;\n${kit.nginxTempPaths(runDir)}`;
  const conf = wrapGeneratedNginx(readFileSync(join(nginxDir, 'nginx.conf'), 'utf8'), { common, httpCommon });
  const file = join(nginxDir, 'bench-nginx.conf');
  const t = performance.now();
  const e = kit.startNginx({ name: 'generated nginx', dir: runDir, conf, cpu, tools, die, file });
  e.url = `http://127.0.0.1:${listenPort}`;
  try {
    await kit.waitHttp(`${e.url}/__gw_probe`, e, die, 120_000);
  } catch (err) {
    await kit.stopProcess(e);
    throw err;
  }
  e.startupMs = performance.now() - t;
  e.memoryAfterReady = kit.memoryOf(e.pid);
  return e;
}

/** One gw serve start for the results: whether its model came from the start-up cache, and its load run. */
function startOf(e, run) {
  const cached = e.ready.cached === true;
  return { startupMs: e.startupMs, memoryAfterReady: e.memoryAfterReady, routes: e.ready.routes, cached, run };
}

const startLine = (e) =>
  `ready in ${(e.startupMs / 1000).toFixed(1)} s, ${e.memoryAfterReady.rssMiB} MB` +
  `${e.ready.cached ? ' (from its start-up cache)' : ''}`;

/** A check without its list of requests that passed, for the log and the results. */
export function withoutList(check) {
  return check && Object.fromEntries(Object.entries(check).filter(([k]) => k !== 'ok'));
}

/**
 * The load part of each round: `serve(r)` starts gw serve, `nginx(r)` nginx with the generated
 * config, each afresh; in the first round every request is sent once (gw serve's 2xx answers make
 * the wrk script, reused for nginx), then each gets a warm-up and one measured wrk run. `state`
 * holds the checks and every run; a gw serve that does not start is a failure, not the end.
 */
export function loadPhase(tools, o) {
  const state = { checks: {}, script: undefined, serveRuns: [], nginxRuns: [] };
  const measure = async (e, label) => {
    const run = (seconds, tag) =>
      kit.runWrk(tools, {
        cpu: o.loadCpu,
        url: e.url,
        connections: o.connections,
        seconds,
        script: state.script,
        label: `${label} ${tag}`,
        die: o.die,
      });
    await run(o.warmupS, 'warm-up');
    const measured = await run(o.seconds, `c${o.connections}`);
    return { ...measured, memoryAfter: kit.memoryOf(e.pid) };
  };
  const check = async (name, e, list) => {
    state.checks[name] = await checkRequests(e.url, list);
    const c = state.checks[name];
    o.log(`  ${name}: ${c.status2xx}/${c.sent} requests answered 2xx: ${JSON.stringify(withoutList(c)).slice(0, 400)}`);
  };
  const startOptions = {
    gwBin: o.gwBin,
    config: o.config,
    cwd: o.cwd,
    cpu: o.proxyCpu,
    readyTimeoutMs: o.readyTimeoutMs,
  };
  async function serve(r) {
    let e;
    try {
      e = await startGwServe(tools, startOptions);
    } catch (err) {
      o.failures.push(`round ${r}: ${err.message.slice(0, 800)}`);
      return o.log(`  r${r} gw serve did not start: ${err.message.slice(0, 300)}`);
    }
    if (!state.checks.gwServe) {
      await check('gwServe', e, o.requests);
      state.script = join(o.tmp, 'requests.lua');
      writeFileSync(state.script, kit.wrkScript(state.checks.gwServe.ok, 'bench/scale.js'));
    }
    const run = state.checks.gwServe.ok.length ? await measure(e, `r${r} gw-serve`) : undefined;
    state.serveRuns.push(startOf(e, run));
    o.log(`  r${r} gw serve: ${startLine(e)}${run ? `; ${Math.round(run.rps)} req/s` : ''}`);
    await kit.stopProcess(e, 'SIGTERM');
    // A first start loads every spec and stores gw serve's start-up cache (docs/serve.md): one more
    // start, without load, measures a start from it too.
    if (r !== 1 || e.ready.cached !== false) return;
    const again = await startGwServe(tools, startOptions).catch((err) => {
      o.failures.push(`round ${r}, second start: ${err.message.slice(0, 800)}`);
    });
    if (!again) return;
    state.serveRuns.push(startOf(again));
    o.log(`  r${r} gw serve, second start: ${startLine(again)}`);
    await kit.stopProcess(again, 'SIGTERM');
  }
  async function nginx(r) {
    if (!state.checks.gwServe?.ok.length) return;
    const fail = (message, extra = '') => {
      throw new Error(`${message}: ${extra.slice(-800)}`);
    };
    let e;
    try {
      e = await startGeneratedNginx(tools, {
        nginxDir: o.nginxDir(),
        runDir: join(o.tmp, `nginx-run-${r}`),
        listenPort: o.listenPort,
        cpu: o.proxyCpu,
        die: fail,
      });
    } catch (err) {
      o.failures.push(`round ${r}, generated nginx: ${err.message.slice(0, 800)}`);
      return o.log(`  r${r} generated nginx did not start: ${err.message.slice(0, 300)}`);
    }
    if (!state.checks.nginx) await check('nginx', e, state.checks.gwServe.ok);
    const run = await measure(e, `r${r} nginx`);
    state.nginxRuns.push({ startupMs: e.startupMs, memoryAfterReady: e.memoryAfterReady, run });
    o.log(`  r${r} generated nginx: answering in ${(e.startupMs / 1000).toFixed(1)} s; ${Math.round(run.rps)} req/s`);
    await kit.stopProcess(e);
  }
  return { serve, nginx, state };
}
