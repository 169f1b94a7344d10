// One measured child process for the benchmarks: wall time from spawn to exit as the parent sees
// it, peak RSS and CPU time (user + system, all threads) from GNU `/usr/bin/time -f "%M %U %S"`.
// Without that tool, node children preload report-rss.mjs, which writes
// process.resourceUsage().maxRSS at exit (no CPU time then), and other commands get no figure.
// Each child leads its own process group, so a timeout or the benchmark's exit (a failure, ^C)
// kills the measured command too, not only /usr/bin/time.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const RSS_PRELOAD = new URL('./report-rss.mjs', import.meta.url).href;

function detectTimeTool() {
  if (!existsSync('/usr/bin/time')) return false;
  const out = join(os.tmpdir(), `gw-bench-time-probe-${process.pid}`);
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', out, process.execPath, '-e', '0']);
  const ok = r.status === 0 && existsSync(out) && /^\d+$/m.test(readFileSync(out, 'utf8'));
  rmSync(out, { force: true });
  return ok;
}

export const USE_TIME = detectTimeTool();
/** How the figures are taken, for the results file. */
export const MEASURE = USE_TIME
  ? 'wall: parent clock from spawn to exit (node and CLI start-up included); peak RSS and CPU time (user + ' +
    'system, all threads): GNU /usr/bin/time -f "%M %U %S" of the child'
  : 'wall: parent clock from spawn to exit (node and CLI start-up included); peak RSS: ' +
    'process.resourceUsage().maxRSS at exit (node --import bench/lib/report-rss.mjs; none for other commands)';

let probe = 0;
const running = new Set();
const killGroup = (child) => {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {}
};
process.on('exit', () => {
  for (const c of running) killGroup(c);
});

/** Reads what /usr/bin/time (or report-rss.mjs) wrote: the last line holds the figures. */
function readFigures(file) {
  if (!existsSync(file)) return { rssKiB: NaN, cpuMs: NaN };
  // GNU time writes "Command exited with non-zero status N" before the figures on failure.
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  rmSync(file, { force: true });
  const [rss, user, system] = lines[lines.length - 1].trim().split(/\s+/).map(Number);
  // CPU time is what a loaded machine (other work on the cores) disturbs least.
  return { rssKiB: rss, cpuMs: USE_TIME ? (user + system) * 1000 : NaN };
}

/**
 * Runs `cmd ...args` (or, with `node: true`, `node ...args`) in a child and resolves with
 * { ms, rssKiB, cpuMs, code, stdout, stderr }; `code` is a string such as "signal SIGKILL" when
 * the child was killed (after timeoutMs).
 */
export function runTimed(cmd, args, { cwd, env = {}, timeoutMs = 180_000, node = false } = {}) {
  const rssFile = join(os.tmpdir(), `gw-bench-rss-${process.pid}-${probe++}`);
  const childEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env };
  let argv = [cmd, ...args];
  if (USE_TIME) argv = ['/usr/bin/time', '-f', '%M %U %S', '-o', rssFile, ...argv];
  else if (node) {
    argv = [cmd, '--import', RSS_PRELOAD, ...args];
    childEnv.GW_BENCH_RSS_FILE = rssFile;
  }
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(argv[0], argv.slice(1), {
      cwd,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    const timer = setTimeout(() => killGroup(child), timeoutMs);
    child.on('close', (code, signal) => {
      const ms = performance.now() - t;
      clearTimeout(timer);
      running.delete(child);
      resolve({
        ms,
        ...readFigures(rssFile),
        code: signal ? `signal ${signal}` : code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** `node ...args` in a child, measured as runTimed does. */
export const runNode = (args, options = {}) => runTimed(process.execPath, args, { ...options, node: true });
