// The timed half of each round of bench/scale.js: swagger-parser's validation of the gateway's
// files (the reference), `gw validate`, `gw build` with every target and with each target alone,
// each in its own child process and in a rotating order; then nginx -t on the generated config
// and on GitHub's spec behind an https upstream. A stage that fails or times out is a result.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { filesUnder } from './output-files.mjs';
import * as report from './scale-report.mjs';
import { runNode, runTimed } from './timed-run.mjs';

const tail = (res, n = 4) => `${res.stderr}${res.stdout}`.trim().split('\n').slice(-n).join(' | ').slice(0, 500);

/** The tasks timed each round: id, label, and the child's arguments given an output folder. */
function tasksOf({ gwBin, refArgs, files, targetNames }) {
  return [
    {
      id: 'ref',
      label: `swagger-parser validate(), ${files.length} files in turn (reference)`,
      args: () => [...refArgs, ...files],
    },
    { id: 'validate', label: 'gw validate', args: () => [gwBin, 'validate'] },
    {
      id: 'build',
      label: `gw build (every target: ${targetNames.join(', ')})`,
      args: (out) => [gwBin, 'build', '--out', out],
    },
    ...targetNames.map((t) => ({
      id: `build-${t}`,
      label: `gw build --target ${t}`,
      args: (out) => [gwBin, 'build', '--target', t, '--out', out],
    })),
  ];
}

/** Each file's time and verdict from ref-validate.cjs's JSON line (undefined when it printed none). */
function refFilesOf(stdout) {
  try {
    return JSON.parse(stdout.trim().split('\n').pop()).files;
  } catch {
    return undefined;
  }
}

/** The nginx -t lines that count (emerg, alert, crit, error, warn), with the folder's path shortened. */
function nginxVerdict(stderr, nginxDir) {
  const lines = stderr.split('\n').filter((l) => /\[(emerg|alert|crit|error|warn)\]/.test(l));
  const message = lines.map((l) => l.replace(/^nginx: /, '').replaceAll(nginxDir, '<out>/nginx'));
  return { warnings: lines.filter((l) => l.includes('[warn]')).length, message: message.join(' | ').slice(0, 600) };
}

/** The output to look at: the full build's, else the files of the builds of one target each. */
function keptOutput(kept) {
  const full = kept.build;
  if (full) return { nginxDir: join(full, 'nginx'), files: filesUnder(full), from: 'gw build' };
  const singles = Object.entries(kept).filter(([id]) => id.startsWith('build-'));
  if (singles.length === 0) return undefined;
  const files = singles.flatMap(([, dir]) => filesUnder(dir));
  return { nginxDir: kept['build-nginx'] && join(kept['build-nginx'], 'nginx'), files, from: 'gw build --target each' };
}

/**
 * Rounds over `o.project` (gw.yaml of the gateway): `run(r)` times every task; in round 1 it keeps
 * each build's output (the full build's, or when that one fails those of one target each: sizes
 * in `state.sizes`, the nginx folder in `state.nginxDir`) and builds `o.projectRl` (the
 * rate-limited variant) once to count what it prints; then nginx -t on the kept nginx folder and
 * on `o.githubNginxDir`. Every figure lands in `state`; failures are pushed to `o.failures`.
 */
export function scaleRounds(tools, o) {
  const tasks = tasksOf(o).filter((t) => !o.only || o.only.includes(t.id));
  const state = { samples: Object.fromEntries(tasks.map((t) => [t.id, []])), printed: {}, nginxT: [], githubT: [] };
  const kept = {};
  const node = (args, cwd) => runNode(args, { cwd, timeoutMs: o.taskTimeoutMs });

  async function nginxTest(nginxDir, label) {
    const args = ['-t', '-p', nginxDir, '-c', join(nginxDir, 'nginx.conf'), '-e', join(o.tmp, 'nginx-t.log')];
    const r = await runTimed(tools.nginx, args, { cwd: nginxDir, timeoutMs: o.nginxTimeoutMs });
    const verdict = nginxVerdict(r.stderr, nginxDir);
    const t = { ms: r.ms, rssKiB: r.rssKiB, cpuMs: r.cpuMs, code: r.code, ok: r.code === 0, ...verdict };
    if (!t.ok && !t.message) t.message = `exit ${r.code}: ${tail(r)}`;
    const figures = `${(t.ms / 1000).toFixed(2)} s, ${Math.round(t.rssKiB / 1024)} MB`;
    o.log(
      `  ${label}: ${figures}, ` +
        `${t.ok ? `passes, ${t.warnings} warnings` : 'FAILS'}${t.message ? `: ${t.message}` : ''}`,
    );
    return t;
  }

  async function timedTasks(r) {
    for (const t of tasks.map((_, i) => tasks[(i + r - 1) % tasks.length])) {
      const out = join(o.tmp, `out-${t.id}-${r}`);
      const res = await node(t.args(out), o.project);
      state.samples[t.id].push({ ms: res.ms, rssKiB: res.rssKiB, cpuMs: res.cpuMs, code: res.code });
      if (res.code !== 0 && t.id !== 'ref') o.failures.push(`round ${r}, ${t.id}: exit ${res.code}: ${tail(res)}`);
      if (t.id === 'ref') state.refFiles = refFilesOf(res.stdout) ?? state.refFiles;
      if (t.id === 'build' && r === 1) state.printed.build = report.printedOutput(res);
      if (r === 1 && res.code === 0 && t.id.startsWith('build')) kept[t.id] = out;
      else rmSync(out, { recursive: true, force: true });
      const figures =
        `${(res.ms / 1000).toFixed(1).padStart(6)} s ` + `${String(Math.round(res.rssKiB / 1024)).padStart(5)} MB`;
      o.log(`  r${r} ${t.id.padEnd(14)} ${figures}${res.code === 0 ? '' : ` exit ${res.code}`}`);
    }
    if (r !== 1) return;
    const output = keptOutput(kept);
    if (output) state.sizes = { from: output.from, ...report.outputSizes(output.files) };
    state.nginxDir = output?.nginxDir;
  }

  /**
   * The model's warnings (one per route today) are printed whatever the target: nginx alone is enough to count them.
   */
  async function rateLimitedBuild() {
    const out = join(o.tmp, 'out-rate-limit');
    const res = await node([o.gwBin, 'build', '--target', 'nginx', '--out', out], o.projectRl);
    rmSync(out, { recursive: true, force: true });
    if (res.code !== 0)
      o.failures.push(`gw build --target nginx with settings.rateLimit: exit ${res.code}: ${tail(res)}`);
    state.printed.rateLimit = { ms: res.ms, rssKiB: res.rssKiB, code: res.code, ...report.printedOutput(res) };
    o.log(`  gw build with a gateway-wide rate limit: ${report.printedLine(state.printed.rateLimit)}`);
  }

  async function run(r) {
    await timedTasks(r);
    if (r === 1) await rateLimitedBuild();
    if (state.nginxDir) state.nginxT.push(await nginxTest(state.nginxDir, `r${r} nginx -t`));
    if (o.githubNginxDir)
      state.githubT.push(await nginxTest(o.githubNginxDir, `r${r} nginx -t, GitHub behind ${o.githubUpstream}`));
  }
  return { tasks, state, run };
}
