// The policy mode of bench/proxy.js (`--policies`): a gw project over GitHub's REST API spec in
// which every route needs an API key and counts against a rate limit, for `gw serve` and for the
// nginx config `gw build --target nginx` generates from the same project. See bench/README.md.
//
// GitHub's description declares no securitySchemes and no `security` (the real API takes tokens
// it does not describe), and gw.yaml cannot add security requirements, so the spec is copied into
// bench/.cache/octokit-policies with one scheme added (`apiKey`, header X-Api-Key) and a root
// `security: [{apiKey: []}]`, the default of all 1,223 operations. Nothing else changes.
//
// The keys file (N random keys, `consumer-NNNN:<48 hex>` a line, mode 0600) is written into the
// temp project on every run and is never kept; gw serve reads it from gw.yaml's folder, and
// `gw build` / `gw keys` hash it into the key maps the generated nginx looks keys up in.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNginxConf, printNginxConf } from './nginx-conf.mjs';
import { ROOT } from './octokit-spec.mjs';

export const KEY_HEADER = 'X-Api-Key';
export const SCHEME = 'apiKey';
export const SECURED_DIR = join(ROOT, 'bench', '.cache', 'octokit-policies');

/** GitHub's spec with an apiKey scheme and a root security requirement; rewritten when the source changed. */
export function securedSpec(specFile) {
  if (!specFile.endsWith('.json')) throw new Error(`the policy mode needs the JSON spec, got ${specFile}`);
  const out = join(SECURED_DIR, 'api.github.com.apikey.json');
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(specFile).mtimeMs) return out;
  const doc = JSON.parse(readFileSync(specFile, 'utf8'));
  if (doc.components?.securitySchemes?.[SCHEME]) throw new Error(`the spec already has a securityScheme "${SCHEME}"`);
  doc.components = doc.components ?? {};
  doc.components.securitySchemes = {
    ...(doc.components.securitySchemes ?? {}),
    [SCHEME]: { type: 'apiKey', in: 'header', name: KEY_HEADER },
  };
  doc.security = [{ [SCHEME]: [] }];
  mkdirSync(SECURED_DIR, { recursive: true });
  writeFileSync(out, JSON.stringify(doc));
  return out;
}

/** N random keys in dir/secrets/bench.keys (mode 0600); returns the file (relative to dir) and the keys. */
export function writeKeys(dir, n) {
  mkdirSync(join(dir, 'secrets'), { recursive: true, mode: 0o700 });
  const keys = Array.from({ length: n }, (_, i) => ({
    consumer: `consumer-${String(i + 1).padStart(4, '0')}`,
    key: randomBytes(24).toString('hex'),
  }));
  writeFileSync(
    join(dir, 'secrets', 'bench.keys'),
    `# bench/proxy.js --policies: ${n} random keys, written for this ` +
      `run\n${keys.map((k) => `${k.consumer}:${k.key}`).join('\n')}\n`,
    { mode: 0o600 },
  );
  return { file: 'secrets/bench.keys', keys };
}

/** gw.yaml of a policy project (policies: true) or of the plain one; listenPort is where the nginx build listens. */
export function projectYaml({
  specFile,
  upstreamPort,
  listenPort,
  keysFile,
  policies,
  rateLimitRequests = 100_000_000,
}) {
  const base = `version: 1
name: bench-proxy${policies ? '-policies' : ''}
listen:
  host: 127.0.0.1
  port: ${listenPort}
services:
  - name: github
    spec: ${JSON.stringify(specFile)}
    upstreams: ["http://127.0.0.1:${upstreamPort}"]
`;
  if (!policies) return base;
  return `${base}settings:
  # High enough never to trigger during the run: the point is what counting costs.
  # scope gateway: one counter (nginx: one limit_req zone) for every route.
  rateLimit: {requests: ${rateLimitRequests}, window: 1m, key: ip, scope: gateway}
credentials:
  github.${SCHEME}:
    keys: {file: ${keysFile}}
`;
}

/**
 * A main file for the generated config, written beside it (so conf.d/gw.conf and conf.d/gw-auth.js
 * resolve as in the generated nginx.conf): the generated nginx.conf's main and http directives
 * (load_module, env, server_tokens, sendfile, tcp_nodelay, timeouts), except that, like the other
 * nginx of the benchmark, it has one worker, pid and temp files in runDir, no access log (gw serve
 * runs with --log-format off) and keep-alive without a request limit (`common` and `httpCommon`).
 */
export function wrapGeneratedNginx(generatedNginxConf, { common, httpCommon }) {
  const main = parseNginxConf(generatedNginxConf);
  const mainKeep = main.filter(
    (d) => !['worker_processes', 'pid', 'error_log', 'events', 'http', 'daemon', 'user'].includes(d.name),
  );
  const httpBlock = main.find((d) => d.name === 'http')?.block ?? [];
  const includes = httpBlock.filter((d) => d.name === 'include');
  const httpKeep = httpBlock.filter(
    (d) =>
      !['include', 'access_log', 'keepalive_requests', 'keepalive_timeout'].includes(d.name) &&
      !d.name.endsWith('_temp_path'),
  );
  return `${printNginxConf(mainKeep)}${common}http {
${httpCommon}${printNginxConf(httpKeep, '  ')}${printNginxConf(includes, '  ')}}
`;
}
