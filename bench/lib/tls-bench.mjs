// `npm run bench:proxy -- --tls` (bench/proxy.js): gw serve against nginx running the config `gw build --target
// nginx` generates, both terminating TLS with the same throwaway certificate (openssl, made here) in front of the
// same upstream, under the same load: h2load over HTTP/2 (ALPN h2) and wrk over HTTPS/1.1, paths spread over the
// GitHub spec's GET routes. One process of each, pinned to the proxy CPU; the load on the other CPU.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HIGH_C = 50;
/** Streams in flight per HTTP/2 connection: what a browser opens on one connection, small enough for latency. */
const STREAMS = 10;

/** A self-signed certificate for 127.0.0.1 and localhost, in `dir` (cert.pem, key.pem). */
export function makeCertificate(dir, die) {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2']
      .concat(['-keyout', 'key.pem', '-out', 'cert.pem', '-subj', '/CN=localhost'])
      .concat(['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']),
    { cwd: dir, encoding: 'utf8' },
  );
  if (r.status !== 0) die('openssl could not make the test certificate', r.stderr);
  return { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}

/** gw.yaml of the TLS project: the GitHub spec on the upstream, listen.tls with the certificate. */
export function tlsProjectYaml({ specFile, upstreamPort, listenPort, cert, key }) {
  return `version: 1
name: bench-proxy-tls
listen:
  host: 127.0.0.1
  port: ${listenPort}
  tls: { cert: ${JSON.stringify(cert)}, key: ${JSON.stringify(key)} }
services:
  - name: github
    spec: ${JSON.stringify(specFile)}
    upstreams: ["http://127.0.0.1:${upstreamPort}"]
`;
}

/** One h2load run pinned to the load CPU: requests per second, and what failed. */
export function runH2load(tools, { url, paths, seconds, cpu, dir, label, graceS = 30 }) {
  const input = join(dir, 'h2load-uris.txt');
  writeFileSync(input, `${paths.map((p) => url + p).join('\n')}\n`);
  const args = ['-c', cpu, tools.h2load, '-t1', `-c${HIGH_C}`, `-m${STREAMS}`, `-D${seconds}`, '-i', input];
  return new Promise((resolve, reject) => {
    const child = spawn(tools.taskset, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + graceS) * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const rps = Number(/finished in [\d.]+\w*, ([\d.]+) req\/s/.exec(out)?.[1]);
      const done =
        /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(out);
      const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
      const protocol = /Application protocol: (\S+)/.exec(out)?.[1] ?? '';
      if (code !== 0 || !Number.isFinite(rps) || !done) {
        reject(new Error(`h2load (${label}) failed (exit ${code}):\n${out.slice(-2000)}`));
        return;
      }
      resolve({
        label,
        rps,
        protocol,
        succeeded: Number(done[4]),
        failed: Number(done[5]) + Number(done[6]),
        non2xx: codes ? Number(codes[2]) + Number(codes[3]) + Number(codes[4]) : 0,
        meanUs: Number(/time for request:\s+\S+\s+\S+\s+(\S+)/.exec(out)?.[1]?.replace(/us$/, '')) || null,
      });
    });
    child.on('error', reject);
  });
}

/** The figures of one proxy: HTTP/2 and HTTPS/1.1 req/s, per round. */
export function tlsSummary(rows, ratioOf) {
  const out = {};
  for (const [id, runs] of Object.entries(rows)) {
    const h2 = runs.map((r) => r.h2.rps);
    const h1 = runs.map((r) => r.h1.rps);
    out[id] = { h2Rps: h2, https1Rps: h1, ...ratioOf(id) };
  }
  return out;
}

/** The nginx config `gw build --target nginx` wrote for the TLS project, as the benchmark's nginx runs it. */
export function generatedTlsNginx(genDir, wrap) {
  return wrap(readFileSync(join(genDir, 'nginx.conf'), 'utf8'));
}
