// Where one `gw build` spends its time, in one process, through gw's own dist/ modules, the way
// src/commands/build.ts chains them: loading the modules, loadGateway (gw.yaml, swagger-parser
// validation, import, merge, diagnostics), each target's render, and the atomic write.
// The stages run here in turn on one thread, so each is measured alone; `gw build` itself overlaps
// them on two threads (src/cli/build-helper.ts: the OpenAPI schema check and a share of the renders
// on a helper), so its wall time is less than the sum of these stages.
// Usage: node bench/lib/build-stages.mjs PROJECT_ROOT GW_YAML OUT_DIR
// Prints one JSON line; exits 1 with a message on stderr when a stage fails (an internal API moved).
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [root, config, out] = process.argv.slice(2);
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;
const ms = (t) => Math.round((performance.now() - t) * 10) / 10;
// CPU time (user + system, all threads of this process) since `c`: on a loaded machine wall time
// also counts waiting for a core, CPU time does not.
const cpuMs = (c) => {
  const d = process.cpuUsage(c);
  return Math.round((d.user + d.system) / 100) / 10;
};

const result = { startupMs: Math.round(performance.now() * 10) / 10, stages: [] };
try {
  let t = performance.now();
  let c = process.cpuUsage();
  const { loadGateway } = await import(dist('cli/load-gateway.js'));
  const { renderTargets, selectTargets } = await import(dist('cli/build-output.js'));
  const { writeOutput } = await import(dist('cli/staged-output.js'));
  result.stages.push({ stage: 'import gw modules', ms: ms(t), cpuMs: cpuMs(c) });

  t = performance.now();
  c = process.cpuUsage();
  const { project, gateway, diagnostics } = await loadGateway(config);
  result.stages.push({
    stage: 'load: gw.yaml, validate, import, merge',
    ms: ms(t),
    cpuMs: cpuMs(c),
    routes: gateway.routes.length,
    diagnostics: diagnostics.length,
  });

  const targets = selectTargets(undefined);
  const files = [];
  for (const target of targets) {
    t = performance.now();
    c = process.cpuUsage();
    const r = await renderTargets(gateway, [target], { nginx: project.config.build?.nginx });
    files.push(...r.files);
    result.stages.push({
      stage: `render ${target.name}`,
      ms: ms(t),
      cpuMs: cpuMs(c),
      files: r.files.length,
      bytes: r.files.reduce((n, f) => n + Buffer.byteLength(f.contents), 0),
    });
  }

  t = performance.now();
  c = process.cpuUsage();
  await writeOutput(
    out,
    targets,
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  );
  result.stages.push({ stage: 'write (atomic swap)', ms: ms(t), cpuMs: cpuMs(c) });
  result.totalMs = Math.round(performance.now() * 10) / 10;
  result.cpuMs = cpuMs();
  result.maxRssKiB = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (err) {
  process.stderr.write(`build-stages: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
}
