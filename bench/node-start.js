#!/usr/bin/env node
// Benchmark: how fast the generated Node gateway starts, against `gw serve` of the same project
// (issue 13: "server.mjs starts as fast as gw serve"). For each round, each gateway is started
// afresh: the time from spawn to the first 200 answer on --path (the route forwarded to a local
// upstream that answers 200 on --upstream, the address the project's services point at), and its
// memory then (RSS, and the peak so far). The node target is built once into a temp folder first.
//
//   npm run build && node bench/node-start.js --project /path/to/project --path /github/zen \
//     --upstream 127.0.0.1:9001 [--rounds 3]
//
// Run on a quiet machine: both start-ups are CPU-bound. Every sample: bench/results/node-start.json.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo, median, memoryOf, sleep } from './lib/loopback.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GW_BIN = join(ROOT, 'bin', 'run.js');
const { values: opt } = parseArgs({
  options: {
    project: { type: 'string' },
    path: { type: 'string' },
    upstream: { type: 'string' },
    rounds: { type: 'string', default: '3' },
  },
});
if (!opt.project || !opt.path || !opt.upstream) {
  console.error('usage: node bench/node-start.js --project DIR --path /a/route --upstream HOST:PORT [--rounds N]');
  process.exit(2);
}
const project = resolve(opt.project);
const [upHost, upPort] = opt.upstream.split(':');
const upstream = http.createServer((_req, res) => res.end('ok\n')).listen(Number(upPort), upHost);

const out = mkdtempSync(join(os.tmpdir(), 'gw-node-start-'));
process.on('exit', () => rmSync(out, { recursive: true, force: true }));
const t = performance.now();
const build = spawnSync(process.execPath, [GW_BIN, 'build', '--target', 'node', '--out', out], {
  cwd: project,
  encoding: 'utf8',
  maxBuffer: 1 << 28,
});
if (build.status !== 0) throw new Error(`gw build failed (${build.status}): ${build.stderr.slice(-2000)}`);
const serverMjs = join(out, 'node', 'server.mjs');
const built = { seconds: (performance.now() - t) / 1000, serverMjsBytes: statSync(serverMjs).size };
console.log(
  `gw build --target node: ${built.seconds.toFixed(1)} s; server.mjs ${(built.serverMjsBytes / 1e6).toFixed(2)} MB`,
);

const GATEWAYS = {
  'gw serve': {
    args: [GW_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--log-format', 'off', '--json'],
    cwd: project,
    env: {},
  },
  'node server.mjs': { args: [serverMjs], cwd: join(out, 'node'), env: { HOST: '127.0.0.1', PORT: '0' } },
};

/** Spawns one gateway; resolves when --path answers 200 through it, with the time and its memory then. */
async function startOnce({ args, cwd, env }) {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (b) => (output += b));
  child.stderr.on('data', (b) => (output += b));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${output.slice(-2000)}`);
      if (performance.now() - t0 > 300_000) throw new Error(`no 200 within 300 s: ${output.slice(-2000)}`);
      const url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1];
      const status = url
        ? await fetch(`${url}${opt.path}`).then(
            (r) => r.arrayBuffer().then(() => r.status),
            () => 0,
          )
        : 0;
      if (status === 200) return { seconds: (performance.now() - t0) / 1000, memory: memoryOf(child.pid) };
      await sleep(20);
    }
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  }
}

const runs = Object.fromEntries(Object.keys(GATEWAYS).map((name) => [name, []]));
for (let r = 1; r <= Math.max(1, Number(opt.rounds) | 0); r++) {
  for (const [name, gateway] of Object.entries(GATEWAYS)) {
    const run = await startOnce(gateway);
    runs[name].push(run);
    console.log(`r${r} ${name}: first 200 after ${run.seconds.toFixed(2)} s, RSS ${run.memory.rssMiB} MiB`);
  }
}
for (const [name, list] of Object.entries(runs)) {
  const s = median(list.map((x) => x.seconds)).toFixed(2);
  const rss = median(list.map((x) => x.memory.rssMiB)).toFixed(0);
  const peak = median(list.map((x) => x.memory.peakMiB)).toFixed(0);
  console.log(`${name.padEnd(16)} median: first 200 after ${s} s, RSS ${rss} MiB (peak ${peak} MiB)`);
}
upstream.close();
const results = join(ROOT, 'bench', 'results', 'node-start.json');
const about = { benchmark: 'node server.mjs against gw serve: time to the first 200 and RSS then' };
const run = { date: new Date().toISOString(), machine: machineInfo(), project, path: opt.path, built, runs };
writeFileSync(results, `${JSON.stringify({ ...about, ...run }, null, 2)}\n`);
console.log(`results: ${results}`);
