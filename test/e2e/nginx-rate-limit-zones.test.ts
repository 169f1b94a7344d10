import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { sendFrom } from '../helpers/http.js';
import { findNginx, freePort, type RunningNginx } from '../helpers/nginx.js';
import { startNginxProject } from '../helpers/nginx-project.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * limit_req zones shared by what they count (issue 13, item 3), run by Debian's nginx: limits with
 * the same rate, key and size share one zone, each counter (a route, a service, the gateway) told
 * apart by a prefix of the key, so a gateway-scope limit counts across services and a per-route
 * limit set gateway-wide keeps a count per route; zones of several sizes pass `nginx -t`. Each test
 * is its own client address (127.0.0.x), so their counts never meet.
 */
let cleanups: (() => Promise<unknown>)[] = [];
let nginx: RunningNginx;
let conf: string;

const ops = (s: string) => ({
  '/x': { get: { operationId: `${s}X` }, post: { operationId: `${s}Post` } },
  '/y': { get: { operationId: `${s}Y` } },
});

beforeAll(async () => {
  if (!findNginx()) throw new Error('nginx is not installed (apt-get install -y nginx); .ci/run installs it');
  const t = await tempDir('gw-nginx-zones-');
  const echo: EchoUpstream = await startEcho('zones');
  cleanups = [() => echo.close(), t.cleanup];
  await writeFiles(t.dir, {
    'a.yaml': oas30('A', ops('a')),
    'b.yaml': oas30('B', ops('b')),
    'c.yaml': oas30('C', ops('c')),
  });
  const port = await freePort();
  const gatewayLimit = '{ rateLimit: { requests: 2, window: 1h, scope: gateway } }';
  const yaml = [
    'version: 1',
    'name: zones',
    `listen: { host: 127.0.0.1, port: ${port} }`,
    'settings: { rateLimit: { requests: 2, window: 1h } }',
    'services:',
    `  - { name: a, spec: a.yaml, prefix: /a, upstreams: ["${echo.url}"], operations: { aY: ${gatewayLimit} } }`,
    `  - { name: b, spec: b.yaml, prefix: /b, upstreams: ["${echo.url}"], operations: { bY: ${gatewayLimit} } }`,
    `  - name: c\n    spec: c.yaml\n    prefix: /c\n    upstreams: ["${echo.url}"]`,
    '    settings: { rateLimit: { requests: 5, window: 1s, key: "header:X-Session", keys: 1 } }',
    '    operations: { cY: { rateLimit: { requests: 5, window: 1s, keys: 200000 } } }',
    '',
  ].join('\n');
  nginx = await startNginxProject(t.dir, yaml, port);
  cleanups.unshift(() => nginx.stop());
  conf = readFileSync(join(t.dir, 'out/nginx/conf.d/gw.conf'), 'utf8');
}, 60_000);

afterAll(async () => {
  for (const c of cleanups) await c();
});

const statuses = async (client: string, calls: [string, string][]) => {
  const out: string[] = [];
  for (const [method, path] of calls)
    out.push(`${method} ${path} ${(await sendFrom(client, nginx.url, method, path)).status}`);
  return out;
};

describe('nginx: limit_req zones shared by what they count', () => {
  it('passes nginx -t with one zone per rate, key and size, sized from the keys each expects', () => {
    expect(conf.match(/^limit_req_zone .*$/gm)).toEqual([
      'limit_req_zone $gw_limit_counter$binary_remote_addr zone=gw_limit_0:1276k rate=1r/m;',
      'limit_req_zone $gw_limit_counter$gw_limit_h_x_session zone=gw_limit_1:32k rate=5r/s;',
      'limit_req_zone $binary_remote_addr zone=gw_limit_2:25164k rate=5r/s;',
    ]);
  });

  it('a gateway-scope limit counts the routes of two services together: 429 on the second service', async () => {
    expect(
      await statuses('127.0.0.2', [
        ['GET', '/a/y'],
        ['GET', '/a/y'],
        ['GET', '/b/y'],
      ]),
    ).toEqual(['GET /a/y 200', 'GET /a/y 200', 'GET /b/y 429']);
  });

  it('a per-route limit in the shared zone keeps a count per route, also for two methods of one path', async () => {
    expect(
      await statuses('127.0.0.3', [
        ['GET', '/a/x'],
        ['GET', '/a/x'],
        ['GET', '/a/x'],
        ['POST', '/a/x'],
        ['GET', '/b/x'],
        ['GET', '/a/y'],
      ]),
    ).toEqual(['GET /a/x 200', 'GET /a/x 200', 'GET /a/x 429', 'POST /a/x 200', 'GET /b/x 200', 'GET /a/y 200']);
  });
});
