import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../src/cli/load-gateway.js';
import type { Gateway } from '../../src/model/types.js';
import { parseProject } from '../../src/project/load.js';
import { type CompiledGateway, closeCompiled, compileGateway } from '../../src/runtime/compile.js';
import { tempDir } from '../helpers/cli.js';
import { type EchoReport, type EchoUpstream, startEcho } from '../helpers/echo-upstream.js';
import { HOSTILE_FORMS, HOSTILE_VALUES } from '../helpers/hostile-paths.js';
import { send } from '../helpers/http.js';
import { findNginx, freePort, type RunningNginx } from '../helpers/nginx.js';
import { loggedRoute, runGeneratedNginx } from '../helpers/nginx-project.js';
import { gwVerdict, samplePath } from '../helpers/routing-replay.js';
import { oas30 } from '../helpers/specs.js';

/**
 * Issue 12 item 5, nginx's half (Envoy's is test/unit/targets/envoy/routing-replay.test.ts):
 * Debian's nginx runs the generated config, and every route's path, plain and in the hostile
 * forms of the routing replay, must reach the route gw serve's router picks, with the same
 * upstream path, or be refused (400) as gw serve refuses it (the model's edge.paths). A second
 * service has the same paths under a prefix, to an upstream with a base path (issue 13: routes
 * whose upstream path is rewritten share a forwarding location too).
 */
const op = (id: string) => ({ operationId: id, responses: { '200': { description: 'ok' } } });
const spec = oas30('jobs', {
  '/v2/{name}:cancel': { post: op('cancel') },
  '/v2/{name}': { post: op('create') },
  '/v2/jobs:batchGet': { get: op('batch') },
  '/v2/jobs/{id}': { get: op('job') },
  '/v2/jobs/public': { get: op('public') },
  '/v2/users/@me': { get: op('me') },
  '/': { get: op('root') },
});

let nginx: RunningNginx;
let echo: EchoUpstream;
let gateway: Gateway;
let compiled: CompiledGateway;
let logFile: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  if (!findNginx()) throw new Error('nginx is not installed (Debian: apt-get install nginx)');
  const t = await tempDir('gw-nginx-paths-');
  cleanups.push(t.cleanup);
  echo = await startEcho('jobs');
  cleanups.unshift(() => echo.close());
  const port = await freePort();
  await writeFile(join(t.dir, 'jobs.json'), JSON.stringify(spec));
  const yaml =
    `version: 1\nname: paths\nlisten: {host: 127.0.0.1, port: ${port}}\nservices:\n` +
    `  - {name: jobs, spec: jobs.json, upstreams: ["${echo.url}"]}\n` +
    // The same paths under a prefix gw strips, to an upstream with a base path: every upstream path rewritten.
    `  - {name: based, spec: jobs.json, prefix: /based, upstreams: ["${echo.url}/base/v3"]}\n`;
  await writeFile(join(t.dir, 'gw.yaml'), yaml);
  gateway = (await buildGateway(parseProject(yaml, join(t.dir, 'gw.yaml'), 'gw.yaml'))).gateway;
  compiled = compileGateway(gateway);
  cleanups.unshift(() => closeCompiled(compiled));
  ({ nginx, logFile } = await runGeneratedNginx(gateway, t.dir, port));
  cleanups.unshift(() => nginx.stop());
}, 60_000);

afterAll(async () => {
  for (const c of cleanups) await c();
});

/** Every route's path, plain and in each hostile form (the same list as the Envoy replay). */
function requests(): [string, string][] {
  const out: [string, string][] = [];
  for (const r of gateway.routes) {
    const path = samplePath(r)!;
    out.push([r.method, path]);
    for (const make of Object.values(HOSTILE_FORMS)) {
      const target = make(path);
      if (target !== undefined) out.push([r.method, target]);
    }
    if (r.params.length > 0)
      for (const value of Object.values(HOSTILE_VALUES)) out.push([r.method, samplePath(r, () => value)!]);
  }
  return out;
}

describe('nginx reads request paths as gw serve does (the model edge.paths)', () => {
  it('every route, plain and in every hostile form: same route and upstream path, or the same refusal', async () => {
    const differences: string[] = [];
    for (const [method, target] of requests()) {
      const id = `p-${Math.random().toString(36).slice(2, 12)}`;
      const answer = await send(nginx.url, method, target, { 'x-request-id': id });
      const want = gwVerdict(compiled, method, target);
      const got =
        answer.status !== 200
          ? { status: answer.status, code: /"code":"(\w+)"/.exec(answer.body)?.[1] }
          : { route: await loggedRoute(logFile, id), upstream: (JSON.parse(answer.body) as EchoReport).url };
      const wanted =
        want.kind === 'route'
          ? { route: want.id, upstream: want.upstreamPath }
          : want.kind === 'method-not-allowed'
            ? { status: 405, code: 'GW_HTTP_METHOD_NOT_ALLOWED' }
            : { status: want.status, code: want.status === 400 ? 'GW_HTTP_BAD_REQUEST' : 'GW_HTTP_NOT_FOUND' };
      if (JSON.stringify(got) !== JSON.stringify(wanted))
        differences.push(`${method} ${target}: nginx ${JSON.stringify(got)}, gw ${JSON.stringify(wanted)}`);
    }
    expect(differences).toEqual([]);
  }, 60_000);

  it('a refused path gets the problem once, not an error page loop', async () => {
    const answer = await send(nginx.url, 'GET', '/v2/jobs/%70ublic');
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({
      code: 'GW_HTTP_BAD_REQUEST',
      status: 400,
      detail: 'the request path is not a valid absolute path',
    });
    expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
