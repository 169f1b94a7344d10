// The goals for the big gateway of bench/scale.js (issue 13), each next to what was measured.

import { round } from './loopback.mjs';

/**
 * The goals for the big gateway, each with the measured value and whether it is met (undefined: not measured).
 */
export function goalsOf({ rows, nginxT, githubT, serve, printed, sizes, specBytes }) {
  const row = (id) => rows.find((r) => r.task === id);
  const built = row('build');
  // Every run of the full build failed (or it was not run): nothing to compare.
  const build = built && built.failedRuns < built.runs ? built : undefined;
  const t = nginxT;
  const g = githubT;
  const rateLimitBuild = printed.rateLimit;
  const server = sizes?.serverMjs;
  const out = [
    ['gw build, every target: <= 2.0x the reference time', build && `${build.xTime}x`, build && build.xTime <= 2],
    [
      'gw build, every target: <= 1 GiB peak RSS',
      build && `${build.medianPeakRssMB} MB`,
      build && build.medianPeakRssMB <= 1024,
    ],
    ['nginx -t on the output passes', t && (t.ok ? 'passes' : `fails: ${t.message}`), t?.ok],
    ['nginx -t: no warnings', t && `${t.warnings} warnings`, t?.ok && t.warnings === 0],
    [
      'nginx -t: <= 3 s and <= 300 MB',
      t && `${t.medianS} s, ${t.medianPeakRssMB} MB`,
      t && t.medianS <= 3 && t.medianPeakRssMB <= 300,
    ],
    [
      'gw serve ready in <= 10 s, <= 600 MB RSS',
      serve && serveMeasured(serve),
      serve && (serve.fullLoad ?? serve).startupS <= 10 && (serve.fullLoad ?? serve).rssMB <= 600,
    ],
    [
      'GitHub behind https + base path: nginx -t <= 1 s',
      g && `${g.medianS} s${g.ok ? '' : ' (fails)'}`,
      g?.ok && g.medianS <= 1,
    ],
    [
      'gw build (nginx) with a gateway-wide rate limit prints < 60 lines',
      rateLimitBuild && `${rateLimitBuild.lines} lines`,
      rateLimitBuild && rateLimitBuild.lines < 60,
    ],
    [
      'node/server.mjs under ~10% of the specs total size',
      server === undefined ? undefined : `${round((100 * server) / specBytes, 1)}%`,
      server === undefined ? undefined : server < specBytes / 10,
    ],
  ];
  return out.map(([goal, measured, met]) => ({ goal, measured: measured ?? 'not measured', met: met ?? null }));
}

/** The goal is held to a start that loads every spec (the first after a change); one from gw serve's cache beside. */
function serveMeasured(serve) {
  const { fromCache: cached, fullLoad: full } = serve;
  if (!cached || !full) return `${serve.startupS} s, ${serve.rssMB} MB`;
  const loading = `${full.startupS} s, ${full.rssMB} MB loading every spec`;
  return `${cached.startupS} s, ${cached.rssMB} MB from its cache (${loading})`;
}

export function printGoals(goals, subset) {
  console.log(
    `\nthe issue's goals (bench:scale on the big gateway${subset ? '; this is a SUBSET, not that gateway' : ''}):`,
  );
  for (const g of goals)
    console.log(`  ${g.met === null ? '  -  ' : g.met ? ' met ' : ' NOT '} ${g.goal.padEnd(62)} ${g.measured}`);
}
