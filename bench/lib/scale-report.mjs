// Figures of bench/scale.js: medians and spreads of the timed tasks and their ratios to the
// reference, what `gw build` printed, output sizes, nginx -t and the load, summed up and printed.

import { median, round } from './loopback.mjs';
import { bytesByTarget } from './output-files.mjs';

const MiB = 1024;

/** What a command printed: lines (stdout + stderr) and the warning count of gw's summary line. */
export function printedOutput(res) {
  const text = `${res.stdout}${res.stderr}`;
  const lines = text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
  const summary = /(\d[\d,]*) warnings?\b/.exec(text.split('\n').slice(-5).join('\n'));
  const warnings = summary ? Number(summary[1].replace(/,/g, '')) : (text.match(/^warning /gm) ?? []).length;
  return { lines, warnings, warningLines: (text.match(/^warning /gm) ?? []).length };
}

/** One row per task: median, min and max wall time, peak RSS and CPU time, and the ratios to `refId`'s medians. */
export function summarise(tasks, samples, refId = 'ref') {
  // A run that failed or was killed has no figures to count; the reference counts even when it rejects a file.
  const counted = (id) => (samples[id] ?? []).filter((x) => id === refId || x.code === 0);
  const med = (id, key) => median(counted(id).map((x) => x[key]));
  const ref = { ms: med(refId, 'ms'), rssKiB: med(refId, 'rssKiB'), cpuMs: med(refId, 'cpuMs') };
  return tasks.map((t) => {
    const xs = counted(t.id);
    const ms = med(t.id, 'ms');
    const rss = med(t.id, 'rssKiB');
    const cpu = med(t.id, 'cpuMs');
    return {
      task: t.id,
      label: t.label,
      runs: samples[t.id].length,
      failedRuns: samples[t.id].length - xs.length,
      medianS: round(ms / 1000, 2),
      minS: round(Math.min(...xs.map((x) => x.ms)) / 1000, 2),
      maxS: round(Math.max(...xs.map((x) => x.ms)) / 1000, 2),
      medianPeakRssMB: round(rss / MiB),
      medianCpuS: round(cpu / 1000, 2),
      xTime: round(ms / ref.ms, 2),
      xMemory: round(rss / ref.rssKiB, 2),
      xCpu: round(cpu / ref.cpuMs, 2),
      wallS: xs.map((x) => round(x.ms / 1000, 2)),
      peakRssMB: xs.map((x) => round(x.rssKiB / MiB)),
      cpuS: xs.map((x) => round(x.cpuMs / 1000, 2)),
      failed: samples[t.id].filter((x) => !xs.includes(x)).map((x) => ({ wallS: round(x.ms / 1000, 2), code: x.code })),
    };
  });
}

export function printTasks(rows, roundsDone) {
  const padL = (x, n) => String(x).padStart(n);
  console.log(`\n${roundsDone} round(s), medians; each task in its own child process (MB = MiB of peak RSS)`);
  console.log(
    `${'task'.padEnd(62)}${padL('wall s', 8)}${padL('min-max s', 14)}${padL('peak MB', 9)}${padL('x time', 8)}` +
      `${padL('x mem', 7)}${padL('cpu s', 8)}${padL('x cpu', 7)}`,
  );
  for (const r of rows)
    console.log(
      `${`${r.label}${r.failedRuns ? ` (${r.failedRuns} failed)` : ''}`.padEnd(62)}` +
        `${padL(r.medianS.toFixed(2), 8)}${padL(`${r.minS.toFixed(2)}-${r.maxS.toFixed(2)}`, 14)}` +
        `${padL(r.medianPeakRssMB, 9)}${padL(r.xTime.toFixed(2), 8)}${padL(r.xMemory.toFixed(2), 7)}` +
        `${padL(r.medianCpuS.toFixed(2), 8)}${padL(r.xCpu.toFixed(2), 7)}`,
    );
  console.log('(x time, x mem, x cpu: task / the reference, by medians; cpu = user + system time of the child)');
}

/** One line for the log: lines and warnings a command printed. */
export const printedLine = (p) => `${p.lines} lines printed, ${p.warnings} warnings (${p.warningLines} warning lines)`;

const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

/** nginx -t runs summed up: verdict and message of the first, medians of time and memory. */
export function testSummary(runs) {
  if (runs.length === 0) return undefined;
  const s = spread(runs.map((t) => t.ms));
  return {
    ok: runs.every((t) => t.ok),
    message: runs[0].message,
    warnings: runs[0].warnings,
    medianS: round(s.median / 1000, 2),
    minS: round(s.min / 1000, 2),
    maxS: round(s.max / 1000, 2),
    medianPeakRssMB: round(median(runs.map((t) => t.rssKiB)) / MiB),
    medianCpuS: round(median(runs.map((t) => t.cpuMs)) / 1000, 2),
  };
}

/** Starts ({ startupMs, memoryAfterReady }): the medians of their start-up time and memory (undefined: none). */
function startSummary(runs) {
  if (runs.length === 0) return undefined;
  return {
    startupS: round(median(runs.map((r) => r.startupMs)) / 1000, 2),
    rssMB: round(median(runs.map((r) => r.memoryAfterReady.rssMiB))),
  };
}

/**
 * Server runs ({ startupMs, memoryAfterReady, cached?, run? }) summed up: start-up, memory and req/s
 * medians; for gw serve, its starts from the start-up cache and those that loaded every spec apart.
 */
export function loadSummary(runs) {
  if (runs.length === 0) return undefined;
  const measured = runs.map((r) => r.run).filter(Boolean);
  const rps = measured.length ? spread(measured.map((m) => m.rps)) : undefined;
  return {
    ...startSummary(runs),
    fromCache: startSummary(runs.filter((r) => r.cached === true)),
    fullLoad: startSummary(runs.filter((r) => r.cached === false)),
    reqPerSec: rps && round(rps.median),
    reqPerSecMinMax: rps && [round(rps.min), round(rps.max)],
    p50us: measured.length ? median(measured.map((m) => m.p50us)) : undefined,
    p99us: measured.length ? median(measured.map((m) => m.p99us)) : undefined,
    rssAfterLoadMB: measured.length ? round(median(measured.map((m) => m.memoryAfter.rssMiB))) : undefined,
    non2xx: measured.reduce((n, m) => n + m.non2xx, 0),
    socketErrors: measured.reduce((n, m) => n + m.socketErrors, 0),
  };
}

/** Sizes of a build's output: per target, the files the issue names, and every file. */
export function outputSizes(files) {
  const bytesOf = (path) => files.find((f) => f.path === path)?.bytes;
  return {
    serverMjs: bytesOf('node/server.mjs'),
    openapiJson: bytesOf('openapi/openapi.json'),
    nginxGwConf: bytesOf('nginx/conf.d/gw.conf'),
    envoyYaml: bytesOf('envoy/envoy.yaml'),
    byTarget: bytesByTarget(files),
    files,
  };
}

const mb = (bytes) => (bytes === undefined ? '-' : `${(bytes / 1e6).toFixed(1)} MB`);
const testLine = (t) =>
  t
    ? `${t.medianS} s (${t.minS}-${t.maxS}), ${t.medianPeakRssMB} MB; ${t.ok ? 'passes' : 'FAILS'}, ` +
      `${t.warnings} warnings${t.message ? `: ${t.message}` : ''}`
    : 'not run';
const startsLine = (s) =>
  s.fromCache && s.fullLoad
    ? `ready in ${s.fromCache.startupS} s, ${s.fromCache.rssMB} MB RSS from its start-up cache ` +
      `(${s.fullLoad.startupS} s, ${s.fullLoad.rssMB} MB loading every spec)`
    : `ready in ${s.startupS} s, ${s.rssMB} MB RSS`;
const serverLine = (s) =>
  s
    ? `${startsLine(s)}; ` +
      (s.reqPerSec === undefined
        ? 'no load'
        : `${s.reqPerSec} req/s (${s.reqPerSecMinMax.join('-')}), p50 ${s.p50us} us, p99 ${s.p99us} us, ` +
          `${s.rssAfterLoadMB} MB after`)
    : 'not run';

/** Prints what the rounds found besides the task table. */
export function printFindings(f, { specBytes, rateLimit, githubUpstream, load }) {
  const s = f.sizes;
  console.log(`
output of gw build (specs: ${mb(specBytes)})`);
  if (s) {
    const targets = Object.entries(s.byTarget).map(([t, b]) => `${t} ${mb(b)}`);
    console.log(`  per target: ${targets.join(', ')}`);
    console.log(`  node/server.mjs ${mb(s.serverMjs)}, openapi/openapi.json ${mb(s.openapiJson)}`);
    console.log(`  nginx/conf.d/gw.conf ${mb(s.nginxGwConf)}, envoy/envoy.yaml ${mb(s.envoyYaml)}`);
  } else console.log('  none: gw build failed');
  if (f.printed.build) console.log(`  gw build printed: ${printedLine(f.printed.build)}`);
  if (f.printed.rateLimit)
    console.log(
      `  --target nginx, settings.rateLimit ${JSON.stringify(rateLimit)}: ${printedLine(f.printed.rateLimit)}`,
    );
  console.log(`nginx -t on the output: ${testLine(f.nginxT)}`);
  console.log(`nginx -t, GitHub behind ${githubUpstream}: ${testLine(f.githubT)}`);
  console.log(`gw serve: ${serverLine(f.serve)}`);
  console.log(`generated nginx: ${f.nginxT?.ok ? serverLine(f.nginx) : 'not run (nginx -t fails)'}`);
  if (load) console.log(`(load: ${load})`);
}
