#!/usr/bin/env node
// Micro-benchmark: gw's route lookup (dist/runtime/router.js) with 100, 1,000 and 10,000 routes.
// Synthetic but realistic route tables (services > resources > sub-resources, static and
// parametric paths of 2-6 segments, some typed integer parameters, a few mixed segments such as
// {name}.json), and per size one fixed mixed workload: hits on static routes, hits on parametric
// routes, 404 misses and 405 misses, pre-split into segments exactly as normalizePath() gives
// them to the router. Sizes alternate round after round in one process. See bench/README.md.
//
//   npm run bench:router                 (builds dist/ first; about 20 seconds)
//   BENCH_ROUNDS=3 node bench/router.js  (fewer rounds; dist/ has to be built)

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results', 'router.json');
const SIZES = [100, 1_000, 10_000];
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 9) | 0);
const WORKLOAD = 20_000; // lookups per pass
const MIN_SAMPLE_MS = 300; // each timed sample runs whole passes for at least this long
const MIX = { static: 0.35, param: 0.45, notFound: 0.12, methodNotAllowed: 0.08 };
const GOAL = 0.4;

function die(message) {
  process.stderr.write(`\nbench/router.js: FAILED: ${message}\n`);
  process.exit(1);
}
if (!existsSync(join(ROOT, 'dist', 'runtime', 'router.js')))
  die('dist/ is missing: run `npm run build` first (or `npm run bench:router`)');
const dist = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href);
const { Router } = await dist('runtime/router.js');
const { parsePathTemplate } = await dist('model/path.js');
const { normalizePath } = await dist('runtime/normalize-path.js');
const { DEFAULT_EDGE } = await dist('project/edge.js');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 0) => Math.round(x * 10 ** d) / 10 ** d;

/** Deterministic PRNG (mulberry32), so every run builds the same tables and workloads. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RESOURCES = [
  'users',
  'orders',
  'items',
  'invoices',
  'projects',
  'teams',
  'repos',
  'files',
  'events',
  'payments',
  'accounts',
  'tickets',
];
const SUBS = ['comments', 'members', 'versions', 'labels', 'attachments', 'history'];

/**
 * Exactly n routes (one per method and path). Each service /svcN has resources; each resource has
 * a collection, a static sibling (/search), an item /{id}, sub-collections, sub-items and actions.
 */
function makeRoutes(n, rand) {
  const routes = [];
  const add = (method, template, params) => {
    if (routes.length < n) routes.push({ method, template, params });
  };
  for (let s = 0; routes.length < n; s++) {
    const svc = `svc${s}`;
    const resourceCount = 3 + Math.floor(rand() * 4);
    for (let r = 0; r < resourceCount && routes.length < n; r++) {
      const res = `${RESOURCES[(s + r) % RESOURCES.length]}${r >= RESOURCES.length ? r : ''}`;
      const idSchema = rand() < 0.5 ? { type: 'integer' } : {};
      const id = { name: `${res}Id`, schema: idSchema };
      const base = `/${svc}/${res}`;
      add('GET', base, []);
      add('POST', base, []);
      add('GET', `${base}/search`, []);
      add('GET', `${base}/{${id.name}}`, [id]);
      add('PUT', `${base}/{${id.name}}`, [id]);
      add('DELETE', `${base}/{${id.name}}`, [id]);
      const subCount = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < subCount; k++) {
        const sub = SUBS[(r + k) % SUBS.length];
        const subId = { name: `${sub}Id`, schema: rand() < 0.5 ? { type: 'integer' } : {} };
        add('GET', `${base}/{${id.name}}/${sub}`, [id]);
        add('POST', `${base}/{${id.name}}/${sub}`, [id]);
        add('GET', `${base}/{${id.name}}/${sub}/{${subId.name}}`, [id, subId]);
        add('PATCH', `${base}/{${id.name}}/${sub}/{${subId.name}}`, [id, subId]);
        add('POST', `${base}/{${id.name}}/${sub}/{${subId.name}}/archive`, [id, subId]);
      }
      if (rand() < 0.3) add('GET', `${base}/{${id.name}}/export/{format}.json`, [id, { name: 'format', schema: {} }]);
    }
  }
  return routes;
}

/** A concrete path for a route: integers for integer parameters, words elsewhere. */
function fill(route, rand) {
  const schema = new Map(route.params.map((p) => [p.name, p.schema]));
  return route.template.replace(/\{([^{}]+)\}/g, (_, name) =>
    schema.get(name)?.type === 'integer'
      ? String(1 + Math.floor(rand() * 99_999))
      : `w${Math.floor(rand() * 99_999).toString(36)}`,
  );
}

/** The fixed mixed workload for one table: [method, segments, expected] triples. */
function makeWorkload(routes, rand) {
  const isStatic = (r) => !r.template.includes('{');
  const statics = routes.map((r, i) => [r, i]).filter(([r]) => isStatic(r));
  const params = routes.map((r, i) => [r, i]).filter(([r]) => !isStatic(r));
  // Routes whose first parameter is an integer: a word there matches nothing.
  const intRoutes = params.map(([r]) => r).filter((r) => r.params[0]?.schema.type === 'integer');
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const out = [];
  const counts = { static: 0, param: 0, notFound: 0, methodNotAllowed: 0 };
  for (let i = 0; i < WORKLOAD; i++) {
    const x = rand();
    let method;
    let path;
    let expect;
    if (x < MIX.static) {
      const [r, index] = pick(statics);
      [method, path, expect] = [r.method, r.template, index];
      counts.static++;
    } else if (x < MIX.static + MIX.param) {
      const [r, index] = pick(params);
      [method, path, expect] = [r.method, fill(r, rand), index];
      counts.param++;
    } else if (x < MIX.static + MIX.param + MIX.notFound) {
      // Misses: an unknown last segment under a real route, an unknown service, or a word where an integer is typed.
      const r = pick(routes);
      const kind = Math.floor(rand() * 3);
      const intRoute = intRoutes.length ? pick(intRoutes) : undefined;
      if (kind === 2 && intRoute) path = fill(intRoute, rand).replace(/\/\d+(?=\/|$)/, '/not-a-number');
      else if (kind === 1) path = `/nosuchservice${Math.floor(rand() * 1000)}/items`;
      else path = `${fill(r, rand)}/nosuch/thing`;
      [method, expect] = ['GET', 'not-found'];
      counts.notFound++;
    } else {
      // 405: a method no route has (a method another route has could match a parametric sibling).
      const r = pick(routes);
      method = rand() < 0.5 ? 'OPTIONS' : 'TRACE';
      [path, expect] = [fill(r, rand), 'method-not-allowed'];
      counts.methodNotAllowed++;
    }
    const segments = normalizePath(path, DEFAULT_EDGE.paths);
    if (!segments) die(`normalizePath refused the generated path ${path}`);
    out.push([method, segments, expect, path]);
  }
  return { lookups: out, counts };
}

// ---------------------------------------------------------------- build and check

const tables = SIZES.map((n) => {
  const rand = prng(0x5eed + n);
  const routes = makeRoutes(n, rand);
  const entries = routes.map((r, i) => ({
    // The model's effective.methods: HEAD with GET (these routes have no HEAD of their own).
    methods: r.method === 'GET' ? ['GET', 'HEAD'] : [r.method],
    segments: parsePathTemplate(r.template),
    params: r.params,
    value: i,
  }));
  const t = performance.now();
  const router = new Router(entries);
  const buildMs = performance.now() - t;
  const workload = makeWorkload(routes, rand);
  // Every lookup answers as expected (the same route, or the expected miss) before anything is timed.
  for (const [method, segments, expect, path] of workload.lookups) {
    const m = router.lookup(method, segments);
    const got = m.kind === 'found' ? m.value : m.kind;
    if (got !== expect)
      die(
        `${n} routes: ${method} ${path} gave ${got === undefined ? m.kind : named(routes, got)}, ` +
          `expected ${named(routes, expect)}`,
      );
  }
  const stat = routes.filter((r) => !r.template.includes('{')).length;
  const segs = routes.map((r) => r.template.split('/').length - 1);
  const services = new Set(routes.map((r) => r.template.split('/')[1])).size;
  return {
    n,
    router,
    routes,
    buildMs,
    workload,
    shape: {
      services,
      staticRoutes: stat,
      parametricRoutes: routes.length - stat,
      segments: `${Math.min(...segs)}-${Math.max(...segs)}`,
      paths: new Set(routes.map((r) => r.template)).size,
    },
  };
});

let sink = 0;
/** Whole passes over the workload for at least MIN_SAMPLE_MS; lookups per second. */
function sample(table) {
  const lookups = table.workload.lookups;
  const router = table.router;
  let done = 0;
  const t0 = performance.now();
  let t;
  do {
    for (let i = 0; i < lookups.length; i++) {
      const l = lookups[i];
      const m = router.lookup(l[0], l[1]);
      sink += m.kind.length;
    }
    done += lookups.length;
    t = performance.now();
  } while (t - t0 < MIN_SAMPLE_MS);
  return (done * 1000) / (t - t0);
}

console.log(
  `gw Router lookup; node ${process.version}; ${os.cpus()[0]?.model}; workload ${WORKLOAD} lookups per table ` +
    `(${Object.entries(MIX)
      .map(([k, v]) => `${k} ${v * 100}%`)
      .join(', ')})`,
);
for (const t of tables)
  console.log(
    `  ${String(t.n).padStart(6)} routes: ${t.shape.paths} paths in ${t.shape.services} services, ` +
      `${t.shape.staticRoutes} static / ${t.shape.parametricRoutes} parametric routes, ${t.shape.segments} ` +
      `segments; built in ${t.buildMs.toFixed(1)} ms`,
  );

for (const t of tables) sample(t); // warm-up, not counted
const rates = Object.fromEntries(SIZES.map((n) => [n, []]));
for (let r = 0; r < ROUNDS; r++) {
  const order = SIZES.map((_, i) => tables[(i + r) % tables.length]); // rotate which size goes first
  for (const t of order) rates[t.n].push(sample(t));
}

const rows = tables.map((t) => {
  const xs = rates[t.n];
  const m = median(xs);
  return {
    routes: t.n,
    lookupsPerSec: round(m),
    nsPerLookup: round(1e9 / m, 1),
    minLookupsPerSec: round(Math.min(...xs)),
    maxLookupsPerSec: round(Math.max(...xs)),
    spreadPct: round((100 * (Math.max(...xs) - Math.min(...xs))) / m, 1),
    buildMs: round(t.buildMs, 1),
    shape: t.shape,
    workload: t.workload.counts,
    samples: xs.map((x) => round(x)),
  };
});
const by = Object.fromEntries(rows.map((r) => [r.routes, r]));
const ratio = round(by[10_000].lookupsPerSec / by[100].lookupsPerSec, 3);

console.log(`\n${ROUNDS} rounds (sizes alternating), medians:`);
console.log(
  `${'routes'.padStart(8)}${'lookups/s'.padStart(13)}${'ns/lookup'.padStart(11)}` +
    `${'min-max lookups/s'.padStart(24)}${'spread'.padStart(8)}${'build ms'.padStart(10)}`,
);
for (const r of rows)
  console.log(
    `${String(r.routes).padStart(8)}${String(r.lookupsPerSec).padStart(13)}` +
      `${r.nsPerLookup.toFixed(1).padStart(11)}${`${r.minLookupsPerSec}-${r.maxLookupsPerSec}`.padStart(24)}` +
      `${`${r.spreadPct}%`.padStart(8)}${r.buildMs.toFixed(1).padStart(10)}`,
  );
console.log(
  `\n10,000-route speed / 100-route speed: ${ratio} (goal >= ${GOAL}: ${ratio >= GOAL ? 'met' : 'NOT met'}); ` +
    `1,000 / 100: ${round(by[1_000].lookupsPerSec / by[100].lookupsPerSec, 3)}`,
);

const gitHead =
  spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() || undefined;
const gitDirty =
  spawnSync('git', ['status', '--porcelain', '--', 'src', 'bin', 'package.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout?.trim() !== '';
const results = {
  benchmark: 'gw Router.lookup with 100, 1,000 and 10,000 routes',
  date: new Date().toISOString(),
  machine: {
    node: process.version,
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    platform: `${os.platform()} ${os.release()}`,
  },
  gw: { commit: gitHead, uncommittedChanges: gitDirty },
  method:
    `one process; tables and workloads from a seeded PRNG; each lookup checked once against its expected ` +
    `route or miss; one warm-up sample per size, then ${ROUNDS} rounds, each timing every size (order rotated) ` +
    `for >= ${MIN_SAMPLE_MS} ms of whole passes over ${WORKLOAD} pre-split lookups`,
  mix: MIX,
  table: rows,
  ratio10kTo100: ratio,
  goal: GOAL,
  goalMet: ratio >= GOAL,
  sink,
};
mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote bench/results/router.json`);

/** A route index as "route METHOD template"; anything else as it is. */
function named(routes, r) {
  return typeof r === 'number' ? `route ${routes[r].method} ${routes[r].template}` : r;
}
