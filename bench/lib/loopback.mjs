// Loopback benchmark kit for bench/nginx-routes.js: find (or apt-get install) nginx, wrk and taskset,
// start nginx processes pinned to a CPU in a temp folder, run wrk with a Lua script, read CPU time
// from /proc, and stop every process it started by its PID (also on a failure or ^C).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export const IS_ROOT = process.getuid?.() === 0;
/**
 * Niceness of the processes a benchmark starts and measures: as root, -10, so other work on a shared machine disturbs
 * them less.
 */
export const NICE = IS_ROOT ? -10 : 0;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const round = (x, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;
export const median = (xs) => {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The machine a benchmark ran on, for its results file; the load average is taken now (at the end of a run). */
export function machineInfo() {
  return {
    node: process.version,
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((x) => round(x, 2)),
  };
}

export function which(name, extra = []) {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const found = r.status === 0 ? r.stdout.trim() : '';
  return found || extra.find((p) => existsSync(p)) || '';
}

/** nginx, wrk and taskset; installed with apt-get when missing and running as root (as bench/proxy.js does). */
export function ensureTools({ die, log }) {
  const find = () => ({
    nginx: which('nginx', ['/usr/sbin/nginx']),
    wrk: which('wrk'),
    taskset: which('taskset'),
    nice: which('nice'),
  });
  let tools = find();
  const packages = { nginx: 'nginx', wrk: 'wrk', taskset: 'util-linux', nice: 'coreutils' };
  let missing = Object.keys(tools).filter((k) => !tools[k]);
  if (missing.length === 0) return tools;
  const pkgs = missing.map((k) => packages[k]);
  if (!IS_ROOT || !which('apt-get'))
    die(`missing ${missing.join(', ')}; install first, e.g. \`sudo apt-get install -y ${pkgs.join(' ')}\``);
  log(`installing ${pkgs.join(' ')} with apt-get (missing: ${missing.join(', ')})...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (spawnSync('apt-get', ['update'], { stdio: 'inherit', env, timeout: 180_000 }).status !== 0)
    die('apt-get update failed');
  if (
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], {
      stdio: 'inherit',
      env,
      timeout: 300_000,
    }).status !== 0
  )
    die(`apt-get install -y ${pkgs.join(' ')} failed`);
  tools = find();
  missing = Object.keys(tools).filter((k) => !tools[k]);
  if (missing.length) die(`still missing after apt-get install: ${missing.join(', ')}`);
  return tools;
}

/**
 * With the kernel's autogroup scheduling (one group per session), `nice` only ranks processes inside
 * their own session's group; so, as root, the benchmark's group (this process and every child it
 * starts) also gets nice NICE, and is set back at exit. Returns what it did, for the results.
 */
export function prioritiseSession() {
  const file = '/proc/self/autogroup';
  if (!NICE || !existsSync(file)) return 'none';
  try {
    const before = /nice\s+(-?\d+)/.exec(readFileSync(file, 'utf8'))?.[1] ?? '0';
    writeFileSync(file, String(NICE));
    process.on('exit', () => {
      try {
        writeFileSync(file, before);
      } catch {}
    });
    return `autogroup nice ${NICE} (was ${before})`;
  } catch (err) {
    return `autogroup unchanged (${err.code ?? err.message})`;
  }
}

/** The command prefix that pins a process to `cpu` (and renices it, see NICE). */
export function pinned(tools, cpu) {
  return NICE ? [tools.nice, ['-n', String(NICE), tools.taskset, '-c', cpu]] : [tools.taskset, ['-c', cpu]];
}

// ---------------------------------------------------------------- processes we started

const children = new Map(); // pid -> entry

export function track(name, child) {
  const entry = { name, child, pid: child.pid, workers: new Set(), exited: false, stderr: '' };
  children.set(child.pid, entry);
  child.on('exit', () => (entry.exited = true));
  child.stderr?.on('data', (b) => {
    if (entry.stderr.length < 20_000) entry.stderr += b.toString('utf8');
  });
  return entry;
}

/** Child PIDs of a process (nginx's workers), from /proc. */
export function childPids(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** SIGKILL to a former nginx worker we recorded, only while that PID is still a live nginx process. */
function killIfNginx(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (comm === 'nginx' && state !== 'Z') process.kill(pid, 'SIGKILL');
  } catch {}
}

/**
 * At exit (normal, failure or ^C): SIGTERM by PID to what we started and is still running, SIGKILL to recorded nginx
 * workers.
 */
/**
 * Keeps `cpu` for the processes the benchmark pins there: every other user process (the benchmark's
 * own included) is moved to `rest` with taskset until this process exits, when each gets back the
 * CPUs it had. Processes started later inherit their parent's CPUs. Skipped (with the reason) when
 * not root, without taskset, or with BENCH_ISOLATE=0. Returns what it did, for the report.
 */
export function isolateCpu(tools, cpu, rest) {
  if (process.env.BENCH_ISOLATE === '0') return 'off (BENCH_ISOLATE=0)';
  if (process.getuid?.() !== 0) return 'off (not root)';
  if (!tools.taskset) return 'off (no taskset)';
  const moved = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (!existsSync(`/proc/${pid}/exe`)) continue; // kernel threads stay where they are
    let before;
    try {
      before = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    } catch {
      continue;
    }
    if (!before || before === rest) continue;
    if (spawnSync(tools.taskset, ['-a', '-p', '-c', rest, String(pid)], { stdio: 'ignore' }).status === 0)
      moved.push([pid, before]);
  }
  process.on('exit', () => {
    for (const [pid, before] of moved)
      spawnSync(tools.taskset, ['-a', '-p', '-c', before, String(pid)], { stdio: 'ignore' });
  });
  return `CPU ${cpu} kept for the measured process: ${moved.length} other processes moved to CPU ${rest} for the run`;
}

export function installExitHandlers(scriptName) {
  process.on('exit', () => {
    for (const [pid, e] of children) {
      if (!e.exited) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {}
      }
      for (const w of e.workers) killIfNginx(w);
    }
  });
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      process.stderr.write(`\n${scriptName}: ${sig}, stopping the processes it started\n`);
      process.exit(130);
    });
  }
}

export async function stopProcess(entry, signal = 'SIGQUIT', waitMs = 10_000) {
  if (!entry || entry.exited) return;
  for (const w of childPids(entry.pid)) entry.workers.add(w);
  const exited = new Promise((r) => entry.child.once('exit', r));
  entry.child.kill(signal);
  const t = setTimeout(() => entry.child.kill('SIGKILL'), waitMs);
  await exited;
  clearTimeout(t);
  for (const w of entry.workers) {
    for (let i = 0; i < 50 && existsSync(`/proc/${w}`); i++) await sleep(20);
    killIfNginx(w);
  }
  children.delete(entry.pid);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** One HTTP request; never throws: status 0 and the error message on failure. */
export function request(url, { method = 'GET', agent = false, timeoutMs = 5_000, headers: extra = {} } = {}) {
  return new Promise((resolve) => {
    const headers = { ...extra, ...(method === 'GET' || method === 'HEAD' ? {} : { 'content-length': '0' }) };
    const req = http.request(url, { method, agent, headers, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', (err) => resolve({ status: 0, body: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
    req.end();
  });
}

export async function waitHttp(url, entry, die, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (entry.exited) die(`${entry.name} exited before answering`, entry.stderr);
    const r = await request(url);
    if (r.status > 0) return r;
    await sleep(50);
  }
  die(`${entry.name} did not answer on ${url} within ${timeoutMs / 1000}s`, entry.stderr);
}

/** Sends every request ({ method, path }) once through `url`, 8 at a time; resolves with each answer, in order. */
export async function sendAll(url, list, headers = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const out = new Array(list.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < list.length) {
        const i = next++;
        out[i] = await request(url + list[i].path, { method: list[i].method, agent, headers });
      }
    }),
  );
  agent.destroy();
  return out;
}

/** Resident memory of a process and its children now (MiB), and the largest peak (VmHWM) among them. */
export function memoryOf(pid) {
  const read = (p) => {
    try {
      const s = readFileSync(`/proc/${p}/status`, 'utf8');
      return { rss: Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? NaN), hwm: Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? NaN) };
    } catch {
      return { rss: NaN, hwm: NaN };
    }
  };
  const all = [pid, ...childPids(pid)].map(read);
  return {
    rssMiB: round(all.reduce((n, m) => n + m.rss, 0) / 1024, 1),
    peakMiB: round(Math.max(...all.map((m) => m.hwm)) / 1024, 1),
  };
}

/**
 * Starts `node ...args` pinned to `cpu` (a server that prints one JSON line when it listens, as
 * `gw serve --json` does); resolves with its entry once that line came: `url`, `ready` (the
 * parsed line) and `startupMs` (from spawn to the line). Rejects, the process stopped, when it
 * exits first, prints something else, or prints nothing within readyTimeoutMs.
 */
export function startReadyNode(tools, { name, args, cpu, cwd, readyTimeoutMs = 120_000 }) {
  const [cmd, prefix] = pinned(tools, cpu);
  const child = spawn(cmd, [...prefix, process.execPath, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const entry = track(name, child);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let buf = '';
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopProcess(entry, 'SIGKILL').then(() =>
        reject(new Error(`${name} ${why}; stderr: ${entry.stderr.slice(-1500)}`)),
      );
    };
    const timer = setTimeout(() => fail(`printed no ready line within ${readyTimeoutMs / 1000}s`), readyTimeoutMs);
    child.stdout.on('data', (b) => {
      if (settled) return;
      buf += b.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl === -1) return;
      try {
        entry.ready = JSON.parse(buf.slice(0, nl));
      } catch {
        return fail(`printed something else than its ready line: ${buf.slice(0, 300)}`);
      }
      settled = true;
      clearTimeout(timer);
      entry.url = entry.ready.url;
      entry.startupMs = performance.now() - t0;
      resolve(entry);
    });
    child.on('exit', (code, sig) => {
      fail(`exited (${sig ?? code}) before it was ready`);
    });
  });
}

/**
 * Runs nginx -t on `conf`, then starts nginx in the foreground pinned to `cpu`; its prefix, pid and
 * logs live in `dir`. The config is written to `file` (default dir/nginx.conf): beside a generated
 * conf.d/, so that its relative includes resolve.
 */
export function startNginx({ name, dir, conf, cpu, tools, die, file = join(dir, 'nginx.conf') }) {
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  writeFileSync(file, conf);
  const args = ['-p', dir, '-c', file, '-e', join(dir, 'error.log')];
  const test = spawnSync(tools.nginx, ['-t', ...args], { encoding: 'utf8' });
  if (test.status !== 0) die(`nginx -t refused the ${name} config (${file})`, test.stderr);
  const [cmd, prefix] = pinned(tools, cpu);
  const child = spawn(cmd, [...prefix, tools.nginx, ...args, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return track(name, child);
}

/** The main-context lines every nginx of a benchmark shares: one worker, files in `dir`. */
export function nginxMain(dir, extra = '') {
  return `${IS_ROOT ? 'user root;\n' : ''}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
${extra}events { worker_connections 4096; }
`;
}

/** http-level temp paths inside `dir` (nginx wants them writable even when unused). */
export function nginxTempPaths(dir) {
  return (
    ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `  ${k}_temp_path ${dir}/tmp/${k};`).join('\n') +
    '\n'
  );
}

// ---------------------------------------------------------------- CPU accounting

/** CPU seconds used so far by a process and its live children (nginx's workers), from /proc/PID/stat. */
export function cpuSecondsOf(pid) {
  const read = (p) => {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8');
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      return (Number(rest[11]) + Number(rest[12])) / 100; // utime + stime, USER_HZ = 100
    } catch {
      return 0;
    }
  };
  return read(pid) + childPids(pid).reduce((n, p) => n + read(p), 0);
}

/** Jiffies of each CPU, from /proc/stat: busy, busy in tasks (user, nice, system, steal: no interrupt work), total. */
export function cpuTimes() {
  const out = {};
  try {
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const m = /^cpu(\d+)\s+(.*)$/.exec(line);
      if (!m) continue;
      const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = m[2].split(/\s+/).map(Number);
      const total = user + nice + system + idle + iowait + irq + softirq + steal;
      // `tasks`: everything a process can be charged with (its softirq work for loopback traffic included, which the
      // kernel charges to the process's system time but /proc/stat to softirq), plus the time the host stole.
      out[m[1]] = { busy: total - idle - iowait, tasks: user + nice + system + irq + softirq + steal, total };
    }
  } catch {}
  return out;
}

/**
 * Share (%) of one CPU's time between two cpuTimes() readings: busy, or `tasks` (time in processes, their interrupt
 * work, and stolen by the host).
 */
export function busyPct(before, after, cpu, what = 'busy') {
  const b = before[cpu];
  const a = after[cpu];
  if (!a || !b || a.total === b.total) return NaN;
  return (100 * (a[what] - b[what])) / (a.total - b.total);
}

// ---------------------------------------------------------------- wrk

/** A wrk Lua script cycling through `requests` ({method, path}); done() prints exact figures on one GWBENCH line. */
export function wrkScript(requests, generator, headers = {}) {
  const list = requests.map((r) => `  {${JSON.stringify(r.method)}, ${JSON.stringify(r.path)}},`).join('\n');
  const sent = Object.entries(headers).map(([k, v]) => `[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  return `-- generated by ${generator}: cycles through ${requests.length} requests (method, path)
local reqs = {
${list}
}
local headers = {${sent.join(', ')}}
local prepared = {}
local n = #reqs
local i = 0

function init(args)
  for k = 1, n do prepared[k] = wrk.format(reqs[k][1], reqs[k][2], headers) end
end

function request()
  i = i % n + 1
  return prepared[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "GWBENCH {\\"requests\\":%d,\\"duration_us\\":%d," ..
    "\\"errors\\":{\\"connect\\":%d,\\"read\\":%d,\\"write\\":%d,\\"status\\":%d,\\"timeout\\":%d}," ..
    "\\"latency_us\\":{\\"p50\\":%.1f,\\"p90\\":%.1f,\\"p99\\":%.1f,\\"max\\":%.1f}}\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;
}

/** One wrk run pinned to `cpu`; resolves with requests/s, latency percentiles (us) and errors. */
export function runWrk(tools, { cpu, url, connections, seconds, script, label, die }) {
  const [cmd, prefix] = pinned(tools, cpu);
  const args = [
    ...prefix,
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
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
      resolve({
        label,
        connections,
        seconds: r.duration_us / 1e6,
        requests: r.requests,
        rps: round(r.requests / (r.duration_us / 1e6), 1),
        p50us: r.latency_us.p50,
        p90us: r.latency_us.p90,
        p99us: r.latency_us.p99,
        maxUs: r.latency_us.max,
        non2xx,
        socketErrors: r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout,
      });
    });
  });
}
