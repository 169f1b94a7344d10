#!/usr/bin/env node
// Benchmark: `gw serve` as a reverse proxy on GitHub's REST API spec (1,223 routes), against nginx
// as a reverse proxy and a bare node:http + undici proxy, in front of the same nginx echo upstream,
// under the same wrk load (paths spread over the whole GET route table). Loopback only: every
// server listens on 127.0.0.1 on a free port and is stopped by its PID at the end. See
// bench/README.md.
//
//   npm run bench:proxy                      (builds dist/ first; about 4 minutes)
//   BENCH_ROUNDS=1 BENCH_DURATION=3 node bench/proxy.js   (a quick smoke run; dist/ has to be built)
//   node bench/proxy.js --profile            (only: gw serve under the c50 load with node --cpu-prof,
//                                             top self-time functions -> bench/results/proxy-profile.json)
//   BENCH_KEEP=1 node bench/proxy.js         (keep the temp folder: configs, Lua script, logs)
//   npm run bench:proxy:policies             (= node bench/proxy.js --policies, or BENCH_POLICIES=1: API-key
//                                             auth and a rate limit on every route, gw serve against nginx
//                                             running the config `gw build --target nginx` generates for the
//                                             same project, next to the plain rows ->
// bench/results/proxy-policies.json;
//                                             BENCH_KEYS=N keys in the keys file, default 1000)
//
//   npm run bench:proxy -- --tls             (gw serve and nginx with the config `gw build` generates, both
//                                             terminating TLS: h2load over HTTP/2 and wrk over HTTPS/1.1 ->
//                                             proxy-tls.json in bench/results; `--duration N` seconds a run, 1 for
//                                             a smoke run that writes no results)
//
// CPUs: the proxy under test runs on CPU 0 (taskset -c 0); wrk and the upstream nginx share CPU 1.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { SourceMap } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './lib/loopback.mjs';
import { OCTOKIT_OPENAPI_VERSION, ensureOctokit, pickSpecFile, readSpec } from './lib/octokit-spec.mjs';
import { KEY_HEADER, projectYaml, securedSpec, wrapGeneratedNginx, writeKeys } from './lib/policy-project.mjs';
import { makeCertificate, runH2load, tlsProjectYaml } from './lib/tls-bench.mjs';
import https from 'node:https';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GW_BIN = join(ROOT, 'bin', 'run.js');
const BARE_PROXY = join(ROOT, 'bench', 'lib', 'bare-undici-proxy.mjs');
const RESULTS = join(ROOT, 'bench', 'results', 'proxy.json');
const PROFILE_RESULTS = join(ROOT, 'bench', 'results', 'proxy-profile.json');
const PROFILE_DIR = join(ROOT, 'bench', '.cache', 'profiles');

const PROFILE_ONLY = process.argv.includes('--profile') || process.env.BENCH_PROFILE === '1';
const POLICIES = process.argv.includes('--policies') || process.env.BENCH_POLICIES === '1';
const TLS = process.argv.includes('--tls') || process.env.BENCH_TLS === '1';
const TLS_RESULTS = join(ROOT, 'bench', 'results', 'proxy-tls.json');
const durationFlag = process.argv.indexOf('--duration');
// Keys in the keys file during the load. The generated nginx looks the key up in the key maps gw
// build writes (nginx/keys/*.map), so the count no longer sets its cost; KEY_SCAN measures
// one-connection latency of both gateways at several key counts (gw keys rewrites the maps each time).
const KEY_COUNT = Math.max(1, Number(process.env.BENCH_KEYS ?? 1000) | 0);
const KEY_SCAN = (process.env.BENCH_KEY_SCAN ?? '1,10,100,1000')
  .split(',')
  .map((x) => Number(x) | 0)
  .filter((x) => x > 0);
const POLICY_RESULTS = join(ROOT, 'bench', 'results', 'proxy-policies.json');
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2) | 0);
const DURATION_S = Math.max(
  1,
  Number(durationFlag > 0 ? process.argv[durationFlag + 1] : (process.env.BENCH_DURATION ?? 10)) | 0,
);
// A run shorter than 5 s is a smoke run: it checks the set-up and writes no results.
const SMOKE = DURATION_S < 5;
const WARMUP_S = Math.min(3, DURATION_S);
const HIGH_C = 50;
const LOW_C = 1;
const PROXY_CPU = '0';
const LOAD_CPU = '1'; // wrk and the upstream nginx
const KEEP = process.env.BENCH_KEEP === '1';
// No new round starts after 5.5 min (10 min with --policies: five proxies a round).
const BUDGET_MS = POLICIES ? 600_000 : 330_000;
const IS_ROOT = process.getuid?.() === 0;
const started = performance.now();

function die(message, extra) {
  process.stderr.write(`\nbench/proxy.js: FAILED: ${message}\n`);
  if (extra) process.stderr.write(extra.endsWith('\n') ? extra : `${extra}\n`);
  process.exit(1);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;
const elapsedS = () => ((performance.now() - started) / 1000).toFixed(0);
const log = (text) => console.log(`[${elapsedS().padStart(3)}s] ${text}`);

// ---------------------------------------------------------------- tools

function which(name, extra = []) {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const found = r.status === 0 ? r.stdout.trim() : '';
  return found || extra.find((p) => existsSync(p)) || '';
}

function findTools() {
  const found = { nginx: which('nginx', ['/usr/sbin/nginx']), wrk: which('wrk'), taskset: which('taskset') };
  // h2load (Debian's nghttp2-client) drives HTTP/2 for --tls.
  return TLS ? { ...found, h2load: which('h2load') } : found;
}

/** nginx, wrk and taskset; installed with apt-get when missing and running as root. */
function ensureTools() {
  let tools = findTools();
  const packages = { nginx: 'nginx', wrk: 'wrk', taskset: 'util-linux', h2load: 'nghttp2-client' };
  let missing = Object.keys(tools).filter((k) => !tools[k]);
  if (missing.length === 0) return tools;
  const pkgs = missing.map((k) => packages[k]);
  if (!IS_ROOT || !which('apt-get')) {
    die(
      `missing ${missing.join(', ')}; install ${pkgs.length > 1 ? 'them' : 'it'} first, e.g. \`sudo apt-get ` +
        `install -y ${pkgs.join(' ')}\` (this script installs them itself only when it runs as root on a machine ` +
        `with apt-get)`,
    );
  }
  log(`installing ${pkgs.join(' ')} with apt-get (missing: ${missing.join(', ')})...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const upd = spawnSync('apt-get', ['update'], { stdio: 'inherit', env, timeout: 180_000 });
  if (upd.status !== 0) die(`apt-get update failed (status ${upd.status})`);
  const inst = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], {
    stdio: 'inherit',
    env,
    timeout: 300_000,
  });
  if (inst.status !== 0) die(`apt-get install -y ${pkgs.join(' ')} failed (status ${inst.status})`);
  tools = findTools();
  missing = Object.keys(tools).filter((k) => !tools[k]);
  if (missing.length) die(`still missing after apt-get install: ${missing.join(', ')}`);
  return tools;
}

// ---------------------------------------------------------------- request paths from the spec

function resolveRef(doc, o) {
  for (let i = 0; o && typeof o === 'object' && typeof o.$ref === 'string' && i < 20; i++) {
    if (!o.$ref.startsWith('#/')) return {};
    o = o.$ref
      .slice(2)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((a, k) => a?.[k], doc);
  }
  return o ?? {};
}

const PATTERN_CANDIDATES = ['octocat', '1.0.0', `sha256:${'0123456789abcdef'.repeat(4)}`, 'main', '1', 'a'];

/** A plausible value for one path parameter: its first enum value, an integer, or a word. */
function sampleValue(doc, schema, index) {
  const s = resolveRef(doc, schema);
  if (Array.isArray(s.enum) && s.enum.length > 0) return { value: String(s.enum[0]), kind: 'enum' };
  const types = s.type
    ? [s.type].flat()
    : [...(s.oneOf ?? []), ...(s.anyOf ?? [])].flatMap((x) => resolveRef(doc, x).type);
  if (types[0] === 'integer' || types[0] === 'number') return { value: String(42 + 7 * index), kind: 'integer' };
  if (typeof s.pattern === 'string') {
    let re;
    try {
      re = new RegExp(s.pattern);
    } catch {
      re = undefined;
    }
    const hit = re && PATTERN_CANDIDATES.find((c) => re.test(c));
    if (hit) return { value: hit, kind: 'pattern' };
  }
  if (types[0] === 'boolean') return { value: 'true', kind: 'boolean' };
  return { value: 'octocat', kind: 'word' };
}

/** One concrete path per GET operation of the spec, its parameters filled in. */
function requestPaths(doc) {
  const out = [];
  const kinds = {};
  const seen = new Set();
  for (const [template, rawItem] of Object.entries(doc.paths ?? {})) {
    const item = resolveRef(doc, rawItem);
    const op = item.get;
    if (!op || typeof op !== 'object') continue;
    const params = new Map();
    for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])].map((x) => resolveRef(doc, x))) {
      if (p.in === 'path') params.set(p.name, p.schema ?? {});
    }
    let index = 0;
    const path = template.replace(/\{([^{}]+)\}/g, (_, name) => {
      const { value, kind } = sampleValue(doc, params.get(name) ?? {}, index++);
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      return encodeURIComponent(value);
    });
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ template, path });
  }
  return { paths: out, parameterValues: kinds };
}

// ---------------------------------------------------------------- processes

const children = new Map(); // pid -> { name, child, extraPids }

function track(name, child) {
  const entry = { name, child, extraPids: new Set(), exited: false, stderr: '' };
  children.set(child.pid, entry);
  child.on('exit', () => {
    entry.exited = true;
  });
  child.stderr?.on('data', (b) => {
    if (entry.stderr.length < 20_000) entry.stderr += b.toString('utf8');
  });
  return entry;
}

/** Last resort at exit (a failure, ^C): SIGTERM by PID to what is still running, SIGKILL to nginx workers. */
function killAllSync() {
  for (const [pid, e] of children) {
    if (!e.exited) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {}
    }
    for (const w of e.extraPids) killIfNginx(w);
  }
}

/** SIGKILL to a former nginx worker, only while that PID is still a live nginx process. */
function killIfNginx(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (comm === 'nginx' && state !== 'Z') process.kill(pid, 'SIGKILL');
  } catch {}
}
process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    process.stderr.write(`\nbench/proxy.js: ${sig}, stopping the servers it started\n`);
    process.exit(130);
  });
}

/** Child PIDs of a process (nginx's workers), from /proc. */
function childPids(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Resident memory (KiB) of a process and its children now, and the process's own peak. */
function memoryOf(pid) {
  const read = (p) => {
    try {
      const s = readFileSync(`/proc/${p}/status`, 'utf8');
      return { rss: Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? NaN), hwm: Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? NaN) };
    } catch {
      return { rss: NaN, hwm: NaN };
    }
  };
  const self = read(pid);
  const kids = childPids(pid).map(read);
  return {
    rssMiB: round((self.rss + kids.reduce((n, k) => n + k.rss, 0)) / 1024, 1),
    peakMiB: round(Math.max(self.hwm, ...kids.map((k) => k.hwm)) / 1024, 1),
  };
}

/** CPU seconds used by a process and its live children (nginx workers), from /proc/PID/stat. */
function cpuSecondsOf(pid) {
  const tick = 100; // USER_HZ on Linux
  const read = (p) => {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8');
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      return (Number(rest[11]) + Number(rest[12])) / tick;
    } catch {
      return 0;
    }
  };
  return read(pid) + childPids(pid).reduce((n, p) => n + read(p), 0);
}

/** Busy and total jiffies of each CPU, from /proc/stat. */
function cpuTimes() {
  const out = {};
  try {
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const m = /^cpu(\d+)\s+(.*)$/.exec(line);
      if (!m) continue;
      const v = m[2].split(/\s+/).map(Number);
      const idle = v[3] + (v[4] || 0);
      const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
      out[m[1]] = { busy: total - idle, total };
    }
  } catch {}
  return out;
}

/** Busy share (%) of one CPU between two cpuTimes() readings. */
function busyPct(before, after, cpu) {
  const b = before[cpu];
  const a = after[cpu];
  if (!a || !b || a.total === b.total) return NaN;
  return (100 * (a.busy - b.busy)) / (a.total - b.total);
}

async function stopProcess(entry, signal = 'SIGTERM', waitMs = 15_000) {
  if (!entry || entry.exited) return;
  for (const w of childPids(entry.child.pid)) entry.extraPids.add(w);
  const exited = new Promise((r) => entry.child.once('exit', (code, sig) => r({ code, sig })));
  entry.child.kill(signal);
  const t = setTimeout(() => {
    entry.child.kill('SIGKILL');
    for (const w of entry.extraPids) killIfNginx(w);
  }, waitMs);
  const result = await exited;
  clearTimeout(t);
  // nginx's workers leave with their master; make sure of it.
  for (const w of entry.extraPids) {
    for (let i = 0; i < 50 && existsSync(`/proc/${w}`); i++) await sleep(20);
    killIfNginx(w);
  }
  children.delete(entry.child.pid);
  return result;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function httpGet(url, agent, headers = {}) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: agent ?? false, timeout: 5_000, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ status: 0, body: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
  });
}

async function waitHttp(url, entry, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (entry.exited) die(`${entry.name} exited before answering`, entry.stderr);
    const r = await httpGet(url);
    if (r.status > 0) return r;
    await sleep(50);
  }
  die(`${entry.name} did not answer on ${url} within ${timeoutMs / 1000}s`, entry.stderr);
}

// ---------------------------------------------------------------- nginx

const nginxCommon = (dir) => `${IS_ROOT ? 'user root;\n' : ''}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
`;
const httpCommon = (dir) => `  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  # Node's http server has no per-connection request limit; nginx's default (1000) would make
  # wrk reconnect every 1000 requests, so it is lifted on every nginx here.
  keepalive_requests 1000000;
  keepalive_timeout 65s;
`;

function upstreamConf(dir, port) {
  return `${nginxCommon(dir)}http {
${httpCommon(dir)}  server {
    listen 127.0.0.1:${port};
    location / {
      default_type application/json;
      return 200 '{"ok":true}';
    }
  }
}
`;
}

function proxyConf(dir, port, upstreamPort) {
  return `${nginxCommon(dir)}http {
${httpCommon(dir)}  upstream up {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

/**
 * nginx pinned to cpu; with confDir, the config is written there (beside a generated conf.d/) and nginx's prefix is
 * confDir.
 */
async function startNginx(name, dir, conf, cpu, tools, { confDir, env } = {}) {
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const confFile = confDir ? join(confDir, 'bench-nginx.conf') : join(dir, 'nginx.conf');
  writeFileSync(confFile, conf);
  const args = [
    '-c',
    cpu,
    tools.nginx,
    '-p',
    confDir ?? dir,
    '-c',
    confFile,
    '-e',
    join(dir, 'error.log'),
    '-g',
    'daemon off;',
  ];
  const spawnEnv = env ? { ...process.env, ...env } : process.env;
  const test = spawnSync(tools.nginx, ['-t', ...args.slice(3, 9)], { encoding: 'utf8', env: spawnEnv });
  if (test.status !== 0) die(`nginx -t refused the ${name} config (${confFile})`, test.stderr);
  const child = spawn(tools.taskset, args, { stdio: ['ignore', 'ignore', 'pipe'], env: spawnEnv });
  const entry = track(name, child);
  return entry;
}

// ---------------------------------------------------------------- node processes (gw, bare proxy)

function startNode(name, args, cpu, tools, { nodeFlags = [], cwd = ROOT, readyTimeoutMs = 120_000 } = {}) {
  const child = spawn(tools.taskset, ['-c', cpu, process.execPath, ...nodeFlags, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const entry = track(name, child);
  const t0 = performance.now();
  return new Promise((resolve) => {
    let buf = '';
    const timer = setTimeout(
      () => die(`${name} printed no ready line within ${readyTimeoutMs / 1000}s`, entry.stderr),
      readyTimeoutMs,
    );
    child.stdout.on('data', (b) => {
      if (entry.url) return;
      buf += b.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl === -1) return;
      clearTimeout(timer);
      let ready;
      try {
        ready = JSON.parse(buf.slice(0, nl));
      } catch {
        die(`${name} printed something else than its ready line: ${buf.slice(0, 300)}`, entry.stderr);
      }
      entry.url = ready.url;
      entry.ready = ready;
      entry.startupMs = performance.now() - t0;
      resolve(entry);
    });
    child.on('exit', (code, sig) => {
      if (!entry.url) die(`${name} exited (${sig ?? code}) before it was ready`, entry.stderr);
    });
  });
}

function gwYaml(specFile, upstreamPort) {
  return `version: 1
name: bench-proxy
listen:
  host: 127.0.0.1
  port: 0
services:
  - name: github
    spec: ${JSON.stringify(specFile)}
    upstreams: ["http://127.0.0.1:${upstreamPort}"]
`;
}

const gwArgs = (config) => [
  GW_BIN,
  'serve',
  '--config',
  config,
  '--host',
  '127.0.0.1',
  '--port',
  '0',
  '--log-format',
  'off',
  '--drain-timeout',
  '1',
  '--json',
];

// ---------------------------------------------------------------- wrk

function luaScript(paths, headers = {}) {
  const list = paths.map((p) => `  ${JSON.stringify(p)},`).join('\n');
  const names = Object.keys(headers);
  const table = names.map((h) => `[${JSON.stringify(h)}] = ${JSON.stringify(headers[h])}`).join(', ');
  return (
    `-- generated by bench/proxy.js: cycles through ${paths.length} request ` +
    `paths${names.length ? `, with the header(s) ${names.join(', ')}` : ''}
local paths = {
${list}
}
local headers = { ${table} }
local prepared = {}
local n = #paths
local i = 0

function init(args)
  for k = 1, n do prepared[k] = wrk.format("GET", paths[k], headers) end
end

function request()
  i = i % n + 1
  return prepared[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "GWBENCH {\\"requests\\":%d,\\"duration_us\\":%d,\\"bytes\\":%d," ..
    "\\"errors\\":{\\"connect\\":%d,\\"read\\":%d,\\"write\\":%d,\\"status\\":%d,\\"timeout\\":%d}," ..
    "\\"latency_us\\":{\\"min\\":%.1f,\\"mean\\":%.1f,\\"stdev\\":%.1f,\\"p50\\":%.1f,\\"p75\\":%.1f," ..
    "\\"p90\\":%.1f,\\"p99\\":%.1f,\\"p999\\":%.1f,\\"max\\":%.1f}}\\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev, latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max))
end
`
  );
}

const wrkRuns = [];

/** One wrk run pinned to the load CPU; returns its done() figures plus a short text summary. */
function runWrk(tools, { url, connections, seconds, script, label }) {
  const args = [
    '-c',
    LOAD_CPU,
    tools.wrk,
    '-t1',
    `-c${connections}`,
    `-d${seconds}s`,
    '--latency',
    '--timeout',
    '5s',
    '-s',
    script,
    url,
  ];
  return new Promise((resolve) => {
    const child = spawn(tools.taskset, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const entry = track(`wrk ${label}`, child);
    const out = [];
    child.stdout.on('data', (b) => out.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      children.delete(child.pid);
      const text = Buffer.concat(out).toString('utf8');
      const line = text.split('\n').find((l) => l.startsWith('GWBENCH '));
      if (code !== 0 || !line) die(`wrk (${label}) failed (${sig ?? `exit ${code}`})`, text + entry.stderr);
      const r = JSON.parse(line.slice(8));
      const rps = r.requests / (r.duration_us / 1e6);
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
      const socketErrors = r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout;
      const summary = {
        label,
        connections,
        seconds,
        requests: r.requests,
        rps: round(rps, 1),
        durationS: r.duration_us / 1e6,
        p50us: r.latency_us.p50,
        p99us: r.latency_us.p99,
        latency_us: r.latency_us,
        non2xx,
        socketErrors,
        errors: r.errors,
        text: text
          .split('\n')
          .filter((l) => l && !l.startsWith('GWBENCH'))
          .join('\n'),
      };
      wrkRuns.push(summary);
      resolve(summary);
    });
  });
}

// ---------------------------------------------------------------- checks

/** GETs every path once through url (8 at a time); returns the status of each and a problem code if any. */
async function checkPaths(url, paths, headers = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const results = new Array(paths.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < paths.length) {
        const i = next++;
        const r = await httpGet(url + paths[i], agent, headers);
        let code;
        try {
          code = JSON.parse(r.body).code;
        } catch {}
        results[i] = {
          path: paths[i],
          status: r.status,
          code,
          detail: r.status === 200 ? undefined : r.body.slice(0, 200),
        };
      }
    }),
  );
  agent.destroy();
  return results;
}

// ---------------------------------------------------------------- CPU profile summary

const sourceMaps = new Map();
function originalPosition(url, line0, col0) {
  if (!url.startsWith('file://')) return undefined;
  const file = fileURLToPath(url);
  if (!file.startsWith(join(ROOT, 'dist'))) return undefined;
  let map = sourceMaps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null;
    }
    sourceMaps.set(file, map);
  }
  if (!map) return undefined;
  const e = map.findEntry(line0, col0);
  if (!e?.originalSource) return undefined;
  const src = e.originalSource.startsWith('file://')
    ? fileURLToPath(e.originalSource)
    : join(dirname(file), e.originalSource);
  return `${relative(ROOT, src)}:${e.originalLine + 1}`;
}

function where(frame) {
  const url = frame.url || '';
  const line = frame.lineNumber + 1;
  if (!url) return '';
  if (url.startsWith('file://')) {
    const file = relative(ROOT, fileURLToPath(url));
    return `${file}:${line}`;
  }
  return `${url}:${line}`;
}

/** Self time by function over the samples taken between fromUs and toUs (profile clock), top n. */
function summariseProfile(profile, fromUs, toUs, n = 25) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const c of node.children ?? []) parentOf.set(c, node);
  const self = new Map();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < fromUs || t > toUs) continue;
    // The time up to the next sample belongs to this one.
    const weight = (profile.timeDeltas[i + 1] ?? dt) / 1000;
    const node = byId.get(profile.samples[i]);
    const f = node.callFrame;
    const key = `${f.functionName}|${f.url}|${f.lineNumber}|${f.columnNumber}`;
    const cur = self.get(key) ?? { frame: f, ms: 0, callers: new Map() };
    cur.ms += weight;
    // Native and node-core frames are credited to the first caller outside node core (undici, gw, ...).
    let up = parentOf.get(node.id);
    if (!f.url || f.url.startsWith('node:'))
      while (
        up &&
        (!up.callFrame.url || up.callFrame.url.startsWith('node:')) &&
        up.callFrame.functionName !== '(root)'
      )
        up = parentOf.get(up.id);
    const parent = up?.callFrame;
    if (parent) {
      const label = `${parent.functionName || '(anonymous)'} ${where(parent)}`.trim();
      cur.callers.set(label, (cur.callers.get(label) ?? 0) + weight);
    }
    self.set(key, cur);
    total += weight;
  }
  const categories = {};
  const rows = [...self.values()].sort((a, b) => b.ms - a.ms);
  for (const r of rows) {
    const url = r.frame.url || '';
    const cat = !url
      ? r.frame.functionName.startsWith('(')
        ? r.frame.functionName
        : 'native/builtin'
      : url.startsWith('node:')
        ? 'node core'
        : url.includes('/node_modules/undici/')
          ? 'undici'
          : url.includes('/dist/')
            ? 'gw (dist)'
            : url.includes('/node_modules/')
              ? 'other npm'
              : 'other';
    categories[cat] = (categories[cat] ?? 0) + r.ms;
  }
  return {
    sampledMs: round(total, 1),
    categories: Object.fromEntries(
      Object.entries(categories)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, { ms: round(v, 1), pct: round((100 * v) / total, 1) }]),
    ),
    top: rows.slice(0, n).map((r) => ({
      function: r.frame.functionName || '(anonymous)',
      at: where(r.frame),
      source: originalPosition(r.frame.url || '', r.frame.lineNumber, r.frame.columnNumber),
      selfMs: round(r.ms, 1),
      pct: round((100 * r.ms) / total, 1),
      callers: [...r.callers.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([caller, ms]) => ({ caller, pct: round((100 * ms) / r.ms) })),
    })),
  };
}

// ---------------------------------------------------------------- main

if (!existsSync(join(ROOT, 'dist', 'commands', 'index.js')))
  die('dist/ is missing: run `npm run build` first (or `npm run bench:proxy`)');
if (os.cpus().length < 2)
  die(`this benchmark pins the proxy to CPU 0 and the load to CPU 1; this machine has ${os.cpus().length} CPU`);
const tools = ensureTools();
const nginxVersion = spawnSync(tools.nginx, ['-v'], { encoding: 'utf8' })
  .stderr.trim()
  .replace(/^nginx version: /, '');
const wrkVersion = (spawnSync(tools.wrk, ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '').trim();
const gitHead =
  spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() || undefined;
const gitDirty =
  spawnSync('git', ['status', '--porcelain', '--', 'src', 'bin', 'package.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout?.trim() !== '';

ensureOctokit({ die, log: (t) => log(t) });
const spec = pickSpecFile({ die });
const doc = await readSpec(spec.file);
const { paths: allPaths, parameterValues } = requestPaths(doc);
log(
  `spec: @octokit/openapi@${OCTOKIT_OPENAPI_VERSION}/${spec.relative}; ${allPaths.length} distinct GET request ` +
    `paths (parameters filled: ${JSON.stringify(parameterValues)})`,
);
log(
  `node ${process.version}; ${os.cpus()[0]?.model} x${os.cpus().length}; nginx ${nginxVersion}; ${wrkVersion}; ` +
    `proxy on CPU ${PROXY_CPU}, wrk + upstream on CPU ${LOAD_CPU}`,
);

const tmp = mkdtempSync(join(os.tmpdir(), 'gw-bench-proxy-'));
process.on('exit', () => {
  if (KEEP) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
});

// The upstream: nginx answering 200 {"ok":true} to everything, on the load CPU.
const upstreamPort = await freePort();
const upstream = await startNginx(
  'upstream nginx',
  join(tmp, 'upstream'),
  upstreamConf(join(tmp, 'upstream'), upstreamPort),
  LOAD_CPU,
  tools,
);
const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
const probe = await waitHttp(`${upstreamUrl}/probe`, upstream);
if (probe.status !== 200 || probe.body !== '{"ok":true}')
  die(`the upstream answered ${probe.status} ${probe.body.slice(0, 100)}`, upstream.stderr);
log(`upstream nginx (pid ${upstream.child.pid}) on ${upstreamUrl}`);

const gwConfig = join(tmp, 'gw', 'gw.yaml');
mkdirSync(dirname(gwConfig), { recursive: true });
writeFileSync(gwConfig, gwYaml(spec.file, upstreamPort));

// Which of the paths gw answers 200: only those go into the load.
const gwCheck = await startNode('gw serve (path check)', gwArgs(gwConfig), PROXY_CPU, tools);
log(
  `gw serve ready in ${(gwCheck.startupMs / 1000).toFixed(1)}s with ${gwCheck.ready.routes} routes; checking the ` +
    `${allPaths.length} paths through it...`,
);
const checked = await checkPaths(
  gwCheck.url,
  allPaths.map((p) => p.path),
);
await stopProcess(gwCheck);
const excluded = checked
  .filter((c) => c.status !== 200)
  .map((c) => ({ ...c, template: allPaths.find((p) => p.path === c.path)?.template }));
const paths = checked.filter((c) => c.status === 200).map((c) => c.path);
const excludedWhy = {};
for (const e of excluded)
  excludedWhy[`${e.status} ${e.code ?? ''}`.trim()] = (excludedWhy[`${e.status} ${e.code ?? ''}`.trim()] ?? 0) + 1;
log(
  `gw answered 200 to ${paths.length} of ${allPaths.length} ` +
    `paths${excluded.length ? `; excluded ${excluded.length}: ${JSON.stringify(excludedWhy)}` : ''}`,
);
for (const e of excluded.slice(0, 10))
  log(`  excluded: ${e.path} (${e.template}) -> ${e.status} ${e.code ?? ''} ${e.detail ?? ''}`);
if (paths.length < 100) die(`only ${paths.length} paths answered 200 through gw; something is wrong with the set-up`);
// ---------------------------------------------------------------- --policies: the projects and their nginx builds

/** `gw build --target nginx` in a project folder; returns the generated nginx folder. */
function gwBuildNginx(project, label) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [GW_BIN, 'build', '--target', 'nginx', '--out', 'out'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0)
    die(`gw build --target nginx (${label}) failed (exit ${r.status})`, (r.stderr || r.stdout).slice(-3000));
  const warnings = Number(/(\d+) warnings?/.exec(r.stderr + r.stdout)?.[1] ?? 0);
  log(`gw build --target nginx (${label}): ${((performance.now() - t0) / 1000).toFixed(1)}s, ${warnings} warnings`);
  return join(project, 'out', 'nginx');
}

let policy;
if (POLICIES) {
  const securedFile = securedSpec(spec.file);
  const polProject = join(tmp, 'policies');
  const plainProject = join(tmp, 'plain-build');
  mkdirSync(polProject, { recursive: true });
  mkdirSync(plainProject, { recursive: true });
  const { file: keysFile, keys } = writeKeys(polProject, KEY_COUNT);
  const ports = { nginxPol: await freePort(), nginxGen: await freePort() };
  writeFileSync(
    join(polProject, 'gw.yaml'),
    projectYaml({ specFile: securedFile, upstreamPort, listenPort: ports.nginxPol, keysFile, policies: true }),
  );
  writeFileSync(
    join(plainProject, 'gw.yaml'),
    projectYaml({ specFile: spec.file, upstreamPort, listenPort: ports.nginxGen, policies: false }),
  );
  const polGen = gwBuildNginx(polProject, 'policies');
  const plainGen = gwBuildNginx(plainProject, 'no policies');
  const key = keys[keys.length >> 1]; // one from the middle of the file
  policy = {
    securedFile,
    polProject,
    keysFile,
    ports,
    gen: { nginxPol: polGen, nginxGen: plainGen },
    key,
    headers: { [KEY_HEADER]: key.key },
    gwConfig: join(polProject, 'gw.yaml'),
    nginxEnv: { GW_BASE_DIR: polProject },
    gwYaml: readFileSync(join(polProject, 'gw.yaml'), 'utf8'),
  };
  log(
    `policy project: every route needs ${KEY_HEADER} (${KEY_COUNT} keys in ${keysFile}, the load sends ` +
      `${key.consumer}'s), rate limit 100,000,000/min per IP; nginx listens on ${ports.nginxPol} (policies) and ` +
      `${ports.nginxGen} (generated, no policies)`,
  );
}

const script = join(tmp, 'paths.lua');
writeFileSync(script, luaScript(paths, policy?.headers));

const PROXIES = POLICIES
  ? [
      { id: 'nginx', label: 'nginx proxy_pass', baseline: 'nginx' },
      { id: 'gw', label: 'gw serve', baseline: 'nginx' },
      { id: 'nginxGen', label: 'nginx gw build', baseline: 'nginx' },
      { id: 'nginxPol', label: 'nginx gw build+pol', baseline: 'nginxPol', policies: true },
      { id: 'gwPol', label: 'gw serve+policies', baseline: 'nginxPol', policies: true },
    ]
  : [
      { id: 'nginx', label: 'nginx proxy_pass', baseline: 'nginx' },
      { id: 'bare', label: 'bare node+undici', baseline: 'nginx' },
      { id: 'gw', label: 'gw serve', baseline: 'nginx' },
    ];
const NGINX_IDS = new Set(['nginx', 'nginxGen', 'nginxPol']);

async function startProxy(id) {
  if (id === 'nginxGen' || id === 'nginxPol') {
    const genDir = policy.gen[id];
    const dir = join(tmp, `run-${id}`);
    const conf = wrapGeneratedNginx(readFileSync(join(genDir, 'nginx.conf'), 'utf8'), {
      common: nginxCommon(dir),
      httpCommon: httpCommon(dir),
    });
    const e = await startNginx(
      id === 'nginxPol' ? 'nginx (generated, policies)' : 'nginx (generated)',
      dir,
      conf,
      PROXY_CPU,
      tools,
      { confDir: genDir, env: id === 'nginxPol' ? policy.nginxEnv : undefined },
    );
    e.url = `http://127.0.0.1:${policy.ports[id]}`;
    await waitHttp(`${e.url}/`, e);
    return e;
  }
  if (id === 'gwPol') return startNode('gw serve (policies)', gwArgs(policy.gwConfig), PROXY_CPU, tools);
  if (id === 'nginx') {
    const port = await freePort();
    const dir = join(tmp, `nginx-proxy-${port}`);
    const e = await startNginx('nginx proxy', dir, proxyConf(dir, port, upstreamPort), PROXY_CPU, tools);
    e.url = `http://127.0.0.1:${port}`;
    await waitHttp(`${e.url}/`, e);
    return e;
  }
  if (id === 'bare')
    return startNode(
      'bare undici proxy',
      [BARE_PROXY, '--upstream', upstreamUrl, '--host', '127.0.0.1', '--port', '0'],
      PROXY_CPU,
      tools,
    );
  return startNode('gw serve', gwArgs(gwConfig), PROXY_CPU, tools);
}

// ---------------------------------------------------------------- --tls: HTTP/2 and HTTPS/1.1 through both

function httpsReady(url, entry, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  const once = () =>
    new Promise((resolve) => {
      const req = https.get(`${url}/`, { rejectUnauthorized: false, timeout: 2_000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.on('timeout', () => req.destroy());
    });
  return (async () => {
    while (Date.now() < until) {
      if (entry.exited) die(`${entry.name} exited before answering`, entry.stderr);
      if ((await once()) > 0) return;
      await sleep(50);
    }
    die(`${entry.name} did not answer on ${url} within ${timeoutMs / 1000}s`, entry.stderr);
  })();
}

async function runTlsComparison() {
  const cert = makeCertificate(join(tmp, 'tls-cert'), die);
  const project = join(tmp, 'tls-project');
  mkdirSync(project, { recursive: true });
  const nginxPort = await freePort();
  const listen = { specFile: spec.file, upstreamPort, listenPort: nginxPort, ...cert };
  writeFileSync(join(project, 'gw.yaml'), tlsProjectYaml(listen));
  const gen = gwBuildNginx(project, 'TLS');
  const tlsScript = join(tmp, 'paths-tls.lua');
  writeFileSync(tlsScript, luaScript(paths));
  const start = {
    nginx: async () => {
      const dir = join(tmp, 'run-nginx-tls');
      const conf = wrapGeneratedNginx(readFileSync(join(gen, 'nginx.conf'), 'utf8'), {
        common: nginxCommon(dir),
        httpCommon: httpCommon(dir),
      });
      const e = await startNginx('nginx (generated, TLS)', dir, conf, PROXY_CPU, tools, { confDir: gen });
      e.url = `https://127.0.0.1:${nginxPort}`;
      await httpsReady(e.url, e);
      return e;
    },
    gw: () => startNode('gw serve (TLS)', gwArgs(join(project, 'gw.yaml')), PROXY_CPU, tools),
  };
  const rows = { nginx: [], gw: [] };
  for (let r = 1; r <= ROUNDS; r++) {
    for (const id of ['nginx', 'gw']) {
      const e = await start[id]();
      const label = `r${r} ${id}`;
      const load = { url: e.url, paths, cpu: LOAD_CPU, dir: tmp };
      // The first h2load run against a fresh gw serve may not exit: its clients stop reading and wait to send
      // GOAWAY (bench/README.md, "TLS"). The warm-up takes that; the measured run after it exits cleanly.
      await runH2load(tools, { ...load, seconds: WARMUP_S, graceS: 5, label: `${label} h2 warm-up` }).catch((err) =>
        log(`  warm-up: ${err.message.split('\n')[0]}`),
      );
      const h2 = await runH2load(tools, { ...load, seconds: DURATION_S, label: `${label} h2` });
      const h1 = await runWrk(tools, {
        url: e.url,
        connections: HIGH_C,
        seconds: DURATION_S,
        script: tlsScript,
        label: `${label} https/1.1`,
      });
      const memory = memoryOf(e.child.pid);
      await stopProcess(e, NGINX_IDS.has(id) ? 'SIGQUIT' : 'SIGTERM');
      for (const run of [h2, h1]) {
        if (run.failed || run.non2xx || run.socketErrors)
          log(`  !! ${run.label}: ${run.failed ?? run.socketErrors} failed, ${run.non2xx} non-2xx`);
      }
      if (h2.protocol !== 'h2') die(`${label}: h2load spoke ${h2.protocol || 'no protocol'}, not h2`);
      rows[id].push({ h2, h1, memory });
      log(`  ${id}: h2 ${h2.rps.toFixed(0)} req/s (c${HIGH_C} x 10 streams) | https/1.1 ${h1.rps.toFixed(0)}`);
    }
  }
  const med = (id, key) => median(rows[id].map((x) => x[key].rps));
  const ratio = (key) => round(med('gw', key) / med('nginx', key), 2);
  const pair = (key) => `gw ${med('gw', key).toFixed(0)} vs nginx ${med('nginx', key).toFixed(0)} req/s`;
  console.log(
    `\nTLS at the edge, medians of ${ROUNDS} rounds of ${DURATION_S}s: HTTP/2 ${pair('h2')} (${ratio('h2')}x ` +
      `nginx); HTTPS/1.1 ${pair('h1')} (${ratio('h1')}x)`,
  );
  if (SMOKE) {
    log(`smoke run (--duration ${DURATION_S}): no results written`);
    return;
  }
  const result = {
    benchmark: 'gw serve vs nginx (gw build) terminating TLS: h2load over HTTP/2, wrk over HTTPS/1.1',
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model,
    nginx: nginxVersion,
    gw: { commit: gitHead, uncommittedChanges: gitDirty },
    load: { connections: HIGH_C, streamsPerConnection: 10, seconds: DURATION_S, rounds: ROUNDS, paths: paths.length },
    medians: {
      h2: { gw: med('gw', 'h2'), nginx: med('nginx', 'h2'), ratio: ratio('h2') },
      https1: { gw: med('gw', 'h1'), nginx: med('nginx', 'h1'), ratio: ratio('h1') },
    },
    rounds: rows,
  };
  writeFileSync(TLS_RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${relative(ROOT, TLS_RESULTS)}`);
}

if (TLS) {
  await runTlsComparison();
  await stopProcess(upstream, 'SIGQUIT');
  process.exit(0);
}

// ---------------------------------------------------------------- --profile: gw serve under load with --cpu-prof

if (PROFILE_ONLY) {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const name = `gw-serve-${Date.now()}.cpuprofile`;
  const hrUs = () => Number(process.hrtime.bigint() / 1000n);
  const e = await startNode('gw serve --cpu-prof', gwArgs(gwConfig), PROXY_CPU, tools, {
    nodeFlags: ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR, '--cpu-prof-name', name],
  });
  log(`gw serve (pid ${e.child.pid}) under --cpu-prof; warm-up ${WARMUP_S}s, then c${HIGH_C} for ${DURATION_S}s`);
  await runWrk(tools, { url: e.url, connections: HIGH_C, seconds: WARMUP_S, script, label: 'profile warm-up' });
  const from = hrUs();
  const load = await runWrk(tools, {
    url: e.url,
    connections: HIGH_C,
    seconds: DURATION_S,
    script,
    label: 'profile c50',
  });
  const to = hrUs();
  await stopProcess(e);
  await stopProcess(upstream, 'SIGQUIT');
  const file = join(PROFILE_DIR, name);
  if (!existsSync(file)) die(`no profile was written to ${file}`, e.stderr);
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  // V8's profile clock and process.hrtime are both CLOCK_MONOTONIC in microseconds on Linux.
  const aligned = profile.startTime <= from && profile.endTime >= to;
  const s = summariseProfile(profile, aligned ? from : -Infinity, aligned ? to : Infinity);
  console.log(
    `\ngw serve at c${HIGH_C} under --cpu-prof: ${load.rps.toFixed(0)} req/s (profiling slows it down), p50 ` +
      `${load.p50us} us`,
  );
  console.log(
    `samples ${aligned ? `of the ${DURATION_S}s load window` : 'of the whole run (the clocks did not line up)'}: ` +
      `${s.sampledMs} ms`,
  );
  console.log(
    `by kind: ${Object.entries(s.categories)
      .map(([k, v]) => `${k} ${v.pct}%`)
      .join(', ')}`,
  );
  console.log(`\ntop ${s.top.length} functions by self time:`);
  console.log(`${'%'.padStart(6)} ${'ms'.padStart(8)}  function  (at; source)`);
  for (const r of s.top) {
    console.log(
      `${r.pct.toFixed(1).padStart(6)} ${r.selfMs.toFixed(0).padStart(8)}  ${r.function}  ` +
        `(${r.at || 'native'}${r.source ? `; ${r.source}` : ''})`,
    );
    const native = !r.at || r.at.startsWith('node:');
    if (native && r.callers.length && !r.function.startsWith('('))
      console.log(`${''.padStart(17)}from: ${r.callers.map((c) => `${c.caller} ${c.pct}%`).join('; ')}`);
  }
  writeFileSync(
    PROFILE_RESULTS,
    `${JSON.stringify(
      {
        benchmark: 'gw serve under wrk c50 with node --cpu-prof',
        date: new Date().toISOString(),
        node: process.version,
        cpu: os.cpus()[0]?.model,
        gw: { commit: gitHead, uncommittedChanges: gitDirty },
        profile: relative(ROOT, file),
        window: aligned ? 'load only' : 'whole run',
        load: {
          rps: load.rps,
          p50us: load.p50us,
          p99us: load.p99us,
          non2xx: load.non2xx,
          socketErrors: load.socketErrors,
        },
        ...s,
      },
      null,
      2,
    )}\n`,
  );
  console.log(
    `\nwrote ${relative(ROOT, PROFILE_RESULTS)}; the profile is ${relative(ROOT, file)} (open it in Chrome ` +
      `DevTools > Performance)`,
  );
  process.exit(0);
}

// ---------------------------------------------------------------- the comparison

const perProxy = () => Object.fromEntries(PROXIES.map((p) => [p.id, []]));
const samples = { direct: [], ...perProxy() };
const anomalies = [];
const startups = perProxy();
const memory = perProxy();
const cpuPerRequestUs = perProxy();
const cpuBusyPct = perProxy();
// Load on the proxy's CPU that is not the proxy's (other programs on this machine), during c50.
const otherLoadPct = perProxy();
const loadAverages = [];
// Busy share of the load CPU (wrk + upstream) during c50: near 100% means the load side, not the proxy, set the pace.
const loadCpuBusyPct = { direct: [], ...perProxy() };
// --policies: what each policy proxy answered before the load (with the key, without, with a wrong key).
const policyChecks = {};
let roundsDone = 0;

function note(run, who) {
  if (run.non2xx || run.socketErrors) {
    const msg = `${who} ${run.label}: ${run.non2xx} non-2xx/3xx, socket errors ${JSON.stringify(run.errors)}`;
    anomalies.push(msg);
    log(`  !! ${msg}`);
  }
}

for (let r = 1; r <= ROUNDS; r++) {
  if (r > 1 && performance.now() - started > BUDGET_MS) {
    log(`time budget: stopping after ${roundsDone} of ${ROUNDS} rounds`);
    break;
  }
  log(`round ${r}/${ROUNDS}: direct to the upstream`);
  await runWrk(tools, {
    url: upstreamUrl,
    connections: HIGH_C,
    seconds: WARMUP_S,
    script,
    label: `r${r} direct warm-up`,
  });
  const dStat0 = cpuTimes();
  const dHigh = await runWrk(tools, {
    url: upstreamUrl,
    connections: HIGH_C,
    seconds: DURATION_S,
    script,
    label: `r${r} direct c${HIGH_C}`,
  });
  loadCpuBusyPct.direct.push(round(busyPct(dStat0, cpuTimes(), LOAD_CPU), 1));
  const dLow = await runWrk(tools, {
    url: upstreamUrl,
    connections: LOW_C,
    seconds: DURATION_S,
    script,
    label: `r${r} direct c${LOW_C}`,
  });
  note(dHigh, 'direct');
  note(dLow, 'direct');
  samples.direct.push({ high: dHigh, low: dLow });
  log(
    `  direct: c${HIGH_C} ${dHigh.rps.toFixed(0)} req/s p50 ${dHigh.p50us}us p99 ${dHigh.p99us}us | c${LOW_C} ` +
      `p50 ${dLow.p50us}us`,
  );

  for (const p of PROXIES) {
    const e = await startProxy(p.id);
    if (e.startupMs !== undefined) startups[p.id].push(round(e.startupMs));
    if (r === 1) {
      // Every path of the load answers 200 through this proxy too (wrk counts non-2xx later as well).
      const bad = (await checkPaths(e.url, paths, policy?.headers)).filter((c) => c.status !== 200);
      if (bad.length) {
        const msg =
          `${p.label}: ${bad.length} of ${paths.length} paths not 200, e.g. ${bad[0].path} -> ` + `${bad[0].status}`;
        anomalies.push(msg);
        log(`  !! ${msg}`);
      }
      if (p.policies) {
        // Without the key every path is refused with 401 (and a challenge), and so is a wrong key.
        const none = await checkPaths(e.url, paths);
        const wrong = await checkPaths(e.url, paths.slice(0, 50), {
          [KEY_HEADER]: policy.key.key.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
        });
        const tally = (rs) => {
          const o = {};
          for (const c of rs) o[c.status] = (o[c.status] ?? 0) + 1;
          return o;
        };
        policyChecks[p.id] = {
          withKey: { 200: paths.length - bad.length, ...tally(bad) },
          withoutKey: tally(none),
          wrongKey: tally(wrong),
        };
        const notRefused = [...none, ...wrong].filter((c) => c.status !== 401);
        if (notRefused.length) {
          const msg =
            `${p.label}: ${notRefused.length} requests without or with a wrong key not refused with ` +
            `401, e.g. ${notRefused[0].path} -> ${notRefused[0].status}`;
          anomalies.push(msg);
          log(`  !! ${msg}`);
        }
        log(
          `  ${p.label}: with the key ${JSON.stringify(policyChecks[p.id].withKey)}, without ` +
            `${JSON.stringify(policyChecks[p.id].withoutKey)}, wrong key ` +
            `${JSON.stringify(policyChecks[p.id].wrongKey)}`,
        );
      }
    }
    await runWrk(tools, { url: e.url, connections: HIGH_C, seconds: WARMUP_S, script, label: `r${r} ${p.id} warm-up` });
    const cpu0 = cpuSecondsOf(e.child.pid);
    const stat0 = cpuTimes();
    const high = await runWrk(tools, {
      url: e.url,
      connections: HIGH_C,
      seconds: DURATION_S,
      script,
      label: `r${r} ${p.id} c${HIGH_C}`,
    });
    const stat1 = cpuTimes();
    const cpu1 = cpuSecondsOf(e.child.pid);
    const other = round(busyPct(stat0, stat1, PROXY_CPU) - (100 * (cpu1 - cpu0)) / high.durationS, 1);
    otherLoadPct[p.id].push(other);
    loadCpuBusyPct[p.id].push(round(busyPct(stat0, stat1, LOAD_CPU), 1));
    if (other > 5) {
      const msg =
        `${p.label} r${r} c${HIGH_C}: CPU ${PROXY_CPU} was ${other}% busy with other processes than ` +
        `the proxy (the figure is disturbed)`;
      anomalies.push(msg);
      log(`  !! ${msg}`);
    }
    const low = await runWrk(tools, {
      url: e.url,
      connections: LOW_C,
      seconds: DURATION_S,
      script,
      label: `r${r} ${p.id} c${LOW_C}`,
    });
    memory[p.id].push(memoryOf(e.child.pid));
    cpuPerRequestUs[p.id].push(round(((cpu1 - cpu0) * 1e6) / high.requests, 1));
    cpuBusyPct[p.id].push(round((100 * (cpu1 - cpu0)) / high.durationS));
    note(high, p.label);
    note(low, p.label);
    if (e.exited) anomalies.push(`${p.label} exited during round ${r}: ${e.stderr.slice(0, 300)}`);
    await stopProcess(e, NGINX_IDS.has(p.id) ? 'SIGQUIT' : 'SIGTERM');
    samples[p.id].push({ high, low });
    log(
      `  ${p.label.padEnd(18)} c${HIGH_C} ${high.rps.toFixed(0).padStart(6)} req/s p50 ${high.p50us}us p99 ` +
        `${high.p99us}us | c${LOW_C} p50 ${low.p50us}us (+${round(low.p50us - dLow.p50us)}us vs direct)`,
    );
  }
  roundsDone++;
  loadAverages.push(os.loadavg().map((x) => round(x, 2)));
}

// --policies: one-connection latency of both policy gateways with 1 .. 1,000 keys in the file
// (sequential requests, the key from the middle of the file; each gateway restarted on the new file).
async function sequentialLatency(url, headers, { maxRequests = 40, maxMs = 4_000, minRequests = 3 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 2; i++) await httpGet(url + paths[i], agent, headers); // warm-up
  const ms = [];
  const statuses = {};
  const t0 = performance.now();
  for (let i = 0; ms.length < maxRequests && (ms.length < minRequests || performance.now() - t0 < maxMs); i++) {
    const a = performance.now();
    const r = await httpGet(url + paths[i % paths.length], agent, headers);
    ms.push(performance.now() - a);
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }
  agent.destroy();
  return { requests: ms.length, statuses, medianMs: round(median(ms), 3), maxMs: round(Math.max(...ms), 3) };
}
const keyScan = [];
if (POLICIES && KEY_SCAN.length) {
  log(`key scan: one-connection latency with ${KEY_SCAN.join(', ')} keys in the file`);
  for (const n of KEY_SCAN) {
    const { keys } = writeKeys(policy.polProject, n);
    // nginx reads the keys from the key maps: gw keys writes them again for the new file.
    const written = spawnSync(process.execPath, [GW_BIN, 'keys', '--out', 'out'], {
      cwd: policy.polProject,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    if (written.status !== 0) die(`gw keys (${n} keys) failed (exit ${written.status})`, written.stderr.slice(-3000));
    const headers = { [KEY_HEADER]: keys[keys.length >> 1].key };
    const step = { keys: n };
    for (const id of ['nginxPol', 'gwPol']) {
      const e = await startProxy(id);
      step[id] = await sequentialLatency(e.url, headers, {
        maxRequests: 40,
        maxMs: id === 'nginxPol' && n >= 1000 ? 6_000 : 3_000,
      });
      if (Object.keys(step[id].statuses).some((st) => st !== '200'))
        anomalies.push(`key scan, ${n} keys, ${id}: answers ${JSON.stringify(step[id].statuses)}`);
      await stopProcess(e, NGINX_IDS.has(id) ? 'SIGQUIT' : 'SIGTERM');
    }
    keyScan.push(step);
    log(
      `  ${String(n).padStart(5)} keys: nginx ${step.nginxPol.medianMs} ms, gw serve ${step.gwPol.medianMs} ms ` +
        `(median of ${step.nginxPol.requests} / ${step.gwPol.requests} sequential requests)`,
    );
  }
}
await stopProcess(upstream, 'SIGQUIT');

// ---------------------------------------------------------------- table

const med = (id, pick) => median(samples[id].map(pick));
const directLowP50 = med('direct', (s) => s.low.p50us);
const row = (id) => ({
  rps50: med(id, (s) => s.high.rps),
  p50_50: med(id, (s) => s.high.p50us),
  p99_50: med(id, (s) => s.high.p99us),
  p50_1: med(id, (s) => s.low.p50us),
});
// Each row is compared with the nginx of its mode: the plain rows with nginx proxy_pass, the policy
// rows with nginx running the generated config with the same policies (p.baseline).
const baselineOf = (p) => row(p.baseline);
// The same ratio per round (both measured minutes apart at most), and its median: steadier on a shared machine.
const perRoundRatio = (p) => samples[p.id].map((s, i) => round(s.high.rps / samples[p.baseline][i].high.rps, 3));
const table = [
  {
    id: 'direct',
    proxy: 'direct to upstream',
    reqPerSecC50: round(med('direct', (s) => s.high.rps)),
    p50usC50: round(med('direct', (s) => s.high.p50us)),
    p99usC50: round(med('direct', (s) => s.high.p99us)),
    p50usC1: round(directLowP50),
    addedP50usC1: 0,
  },
  ...PROXIES.map((p) => {
    const x = row(p.id);
    const ng = baselineOf(p);
    const spread = (pick) => {
      const v = samples[p.id].map(pick);
      return round((100 * (Math.max(...v) - Math.min(...v))) / median(v), 1);
    };
    return {
      id: p.id,
      proxy: p.label,
      reqPerSecC50: round(x.rps50),
      p50usC50: round(x.p50_50),
      p99usC50: round(x.p99_50),
      p50usC1: round(x.p50_1),
      addedP50usC1: round(x.p50_1 - directLowP50),
      ...(p.policies ? { policies: true } : {}),
      vsNginx: {
        baseline: p.baseline,
        reqPerSecRatio: round(x.rps50 / ng.rps50, 3),
        reqPerSecRatioPerRound: perRoundRatio(p),
        reqPerSecRatioMedianOfRounds: round(median(perRoundRatio(p)), 3),
        p50usC50Diff: round(x.p50_50 - ng.p50_50),
        p99usC50Diff: round(x.p99_50 - ng.p99_50),
        p50usC1Diff: round(x.p50_1 - ng.p50_1),
      },
      runs: {
        reqPerSecC50: samples[p.id].map((s) => s.high.rps),
        p50usC50: samples[p.id].map((s) => s.high.p50us),
        p99usC50: samples[p.id].map((s) => s.high.p99us),
        p50usC1: samples[p.id].map((s) => s.low.p50us),
      },
      spreadPct: { reqPerSecC50: spread((s) => s.high.rps), p50usC1: spread((s) => s.low.p50us) },
      cpuUsPerRequestC50: round(median(cpuPerRequestUs[p.id]), 1),
      cpuBusyPctC50: round(median(cpuBusyPct[p.id])),
      otherLoadOnProxyCpuPct: otherLoadPct[p.id],
      loadCpuBusyPctC50: loadCpuBusyPct[p.id],
      memoryAfterRunMiB: memory[p.id], // rssMiB: process + its workers now; peakMiB: the largest VmHWM among them
      startupMs: startups[p.id],
    };
  }),
];
table[0].loadCpuBusyPctC50 = loadCpuBusyPct.direct;
table[0].runs = {
  reqPerSecC50: samples.direct.map((s) => s.high.rps),
  p50usC50: samples.direct.map((s) => s.high.p50us),
  p99usC50: samples.direct.map((s) => s.high.p99us),
  p50usC1: samples.direct.map((s) => s.low.p50us),
};

const padL = (s, n) => String(s).padStart(n);
console.log(
  `\n${roundsDone} round(s), medians; latencies in microseconds; c${HIGH_C}/c${LOW_C} = wrk -t1 ` +
    `-c${HIGH_C}/-c${LOW_C} -d${DURATION_S}s; ${paths.length} paths`,
);
console.log(
  `${'proxy'.padEnd(20)}${padL(`req/s c${HIGH_C}`, 11)}${padL(`p50 c${HIGH_C}`, 9)}${padL(`p99 c${HIGH_C}`, 9)}` +
    `${padL(`p50 c${LOW_C}`, 8)}${padL('added c1', 10)}${padL('x nginx', 9)}${padL('Δp50 c50', 10)}` +
    `${padL('Δp99 c50', 10)}${padL('Δp50 c1', 9)}${padL('CPU us/req', 12)}${padL('CPU %', 7)}`,
);
for (const t of table) {
  const v = t.vsNginx;
  const sign = (x) => (x > 0 ? `+${x}` : `${x}`);
  console.log(
    `${t.proxy.padEnd(20)}${padL(t.reqPerSecC50, 11)}${padL(t.p50usC50, 9)}${padL(t.p99usC50, 9)}` +
      `${padL(t.p50usC1, 8)}${padL(t.id === 'direct' ? '-' : sign(t.addedP50usC1), 10)}` +
      `${padL(v ? v.reqPerSecRatio.toFixed(2) : '', 9)}${padL(v ? sign(v.p50usC50Diff) : '', 10)}` +
      `${padL(v ? sign(v.p99usC50Diff) : '', 10)}${padL(v ? sign(v.p50usC1Diff) : '', 9)}` +
      `${padL(t.cpuUsPerRequestC50 ?? '', 12)}${padL(t.cpuBusyPctC50 ?? '', 7)}`,
  );
}
if (POLICIES) {
  const g = table.find((t) => t.id === 'gwPol');
  console.log(
    `\nwith API-key auth (${KEY_COUNT} keys) and a rate limit on every route: gw serve ${g.reqPerSecC50} req/s ` +
      `vs nginx (generated config, same policies) ${table.find((t) => t.id === 'nginxPol').reqPerSecC50} req/s = ` +
      `${g.vsNginx.reqPerSecRatio.toFixed(2)}x (per round: ${g.vsNginx.reqPerSecRatioPerRound.join(', ')}); goal ` +
      `>= 0.45: ${g.vsNginx.reqPerSecRatio >= 0.45 ? 'met' : 'NOT met'}`,
  );
}
console.log(
  `(added c1: p50 at one connection minus the direct p50; x nginx: req/s ratio (policy rows: vs nginx with the ` +
    `policies); Δ: microseconds vs that nginx; CPU us/req, CPU %: the proxy's own CPU time per request, and its ` +
    `CPU's busy share, at c${HIGH_C}; 100% = CPU-bound)`,
);
console.log('\nper run (req/s c50 | p50 c1 us):');
for (const t of table)
  console.log(
    `  ${t.proxy.padEnd(20)} ${t.runs.reqPerSecC50.map((x) => x.toFixed(0)).join(', ')} | ` +
      `${t.runs.p50usC1.join(', ')}` +
      `${t.spreadPct ? `  (spread ${t.spreadPct.reqPerSecC50}% | ${t.spreadPct.p50usC1}%)` : ''}; load CPU busy ` +
      `at c${HIGH_C}: ${t.loadCpuBusyPctC50.join(', ')}%`,
  );
console.log(
  `gw serve start-up (ready line): ${startups.gw.map((x) => `${(x / 1000).toFixed(1)}s`).join(', ')}; memory ` +
    `after the runs (MiB: RSS of the process and its workers / largest peak RSS): ` +
    `${PROXIES.map((p) => `${p.id} ${memory[p.id].map((m) => `${m.rssMiB}/${m.peakMiB}`).join(', ')}`).join('; ')}`,
);
if (keyScan.length)
  console.log(
    `\nkey scan (one connection, median ms per request): ` +
      `${keyScan.map((k) => `${k.keys} keys: nginx ${k.nginxPol.medianMs}, gw ${k.gwPol.medianMs}`).join('; ')}`,
  );
if (anomalies.length) console.log(`\nanomalies:\n  ${anomalies.join('\n  ')}`);
else console.log('\nno errors: every measured request got a 2xx, no socket errors');

const proxyMethods = {
  nginx: 'nginx, worker_processes 1, proxy_pass to upstream { keepalive 64 }, proxy_http_version 1.1, Connection ""',
  bare: 'bench/lib/bare-undici-proxy.mjs: node:http + undici Pool.dispatch, hop-by-hop headers dropped',
  gw: 'node bin/run.js serve --log-format off, gw.yaml with one service: GitHub spec, upstreams [upstream]',
  nginxGen:
    'nginx running the config `gw build --target nginx` generates for the plain project (GitHub spec, no ' +
    'policies): generated main/http settings and conf.d/gw.conf, except worker_processes 1, no access log, ' +
    'keepalive_requests 1000000',
  nginxPol:
    `the same for the policy project: generated nginx.conf's load_module (njs) and env GW_BASE_DIR, ` +
    `conf.d/gw.conf with auth_request /__gw_auth (conf.d/gw-auth.js) and limit_req on every route; gw-auth.js ` +
    `looks the key up in the key maps gw build wrote (keys/*.map) from the project's keys file`,
  gwPol:
    'node bin/run.js serve --log-format off on the policy project: gw.yaml credentials {keys: {file}} and ' +
    'settings.rateLimit',
};
const results = {
  benchmark: POLICIES
    ? 'gw serve vs nginx (gw build --target nginx) with API-key auth and a rate limit on every route, next to ' +
      'the plain proxies, GitHub REST spec routes'
    : 'gw serve vs nginx vs bare node+undici as reverse proxies, GitHub REST spec routes',
  date: new Date().toISOString(),
  ok: anomalies.length === 0,
  anomalies,
  machine: machineInfo(),
  tools: { nginx: nginxVersion, wrk: wrkVersion },
  gw: { commit: gitHead, uncommittedChanges: gitDirty, routes: gwCheck.ready.routes },
  spec: { package: `@octokit/openapi@${OCTOKIT_OPENAPI_VERSION}`, file: spec.relative, infoVersion: doc.info?.version },
  method: {
    cpus: `proxy under test: taskset -c ${PROXY_CPU}; wrk and the upstream nginx: taskset -c ${LOAD_CPU}`,
    upstream:
      'nginx, worker_processes 1, return 200 \'{"ok":true}\' (application/json), keep-alive, keepalive_requests ' +
      '1000000',
    proxies: Object.fromEntries(PROXIES.map((p) => [p.id, proxyMethods[p.id]])),
    load:
      `wrk -t1 --latency with a Lua script cycling through the ` +
      `paths${POLICIES ? ` and sending ${KEY_HEADER} on every request (to every proxy)` : ''}; per proxy and ` +
      `round: ${WARMUP_S}s warm-up at c${HIGH_C}, then -c${HIGH_C} -d${DURATION_S}s and -c${LOW_C} ` +
      `-d${DURATION_S}s; each round also measures the upstream directly; rounds alternate ` +
      `${PROXIES.map((p) => p.id).join(', ')}`,
    ...(POLICIES
      ? {
          policies: {
            spec:
              `${relative(ROOT, policy.securedFile)}: GitHub's spec plus components.securitySchemes.apiKey ` +
              `(apiKey, header ${KEY_HEADER}) and a root security: [{apiKey: []}], so every operation needs the ` +
              `key (the spec declares no security of its own, and gw.yaml cannot add requirements)`,
            keys:
              `${KEY_COUNT} random keys (consumer-NNNN:<48 hex>) in ${policy.keysFile} (mode 0600), written ` +
              `for this run; the load sends ${policy.key.consumer}'s`,
            gwYaml: policy.gwYaml
              .replace(/port: \d+/g, 'port: <free port>')
              .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<upstream>'),
            checksBeforeTheLoad: policyChecks,
            keyScan: {
              what:
                'median latency of sequential requests on one keep-alive connection (2 warm-up requests, ' +
                'then up to 40 or 3-6 s), with N keys in the file, the key from its middle; each gateway started ' +
                'on that file',
              steps: keyScan,
            },
          },
        }
      : {}),
    rounds: roundsDone,
    loadAverageAfterEachRound: loadAverages,
  },
  paths: {
    getOperations: allPaths.length,
    used: paths.length,
    parameterValues,
    excluded: excluded.map((e) => ({
      path: e.path,
      template: e.template,
      status: e.status,
      code: e.code,
      detail: e.detail,
    })),
    examples: paths.filter((_, i) => i % Math.ceil(paths.length / 8) === 0),
  },
  table,
  wrkRuns: wrkRuns.map(({ text, ...rest }) => ({ ...rest, text })),
};
const resultsFile = POLICIES ? POLICY_RESULTS : RESULTS;
mkdirSync(dirname(resultsFile), { recursive: true });
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${relative(ROOT, resultsFile)}; total ${elapsedS()}s`);
process.exit(0);
