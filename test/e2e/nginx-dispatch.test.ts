import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../src/cli/load-gateway.js';
import type { Gateway, Route } from '../../src/model/types.js';
import { parseProject } from '../../src/project/load.js';
import { normalizePath } from '../../src/runtime/normalize-path.js';
import { Router } from '../../src/runtime/router.js';
import { DISPATCH_MIN } from '../../src/targets/nginx/locations.js';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoReport, type EchoUpstream } from '../helpers/echo-upstream.js';
import { send, sendRaw } from '../helpers/http.js';
import { findNginx, freePort, type RunningNginx } from '../helpers/nginx.js';
import { loggedRoute, runGeneratedNginx } from '../helpers/nginx-project.js';
import { oas30 } from '../helpers/specs.js';
import { DEFAULT_EDGE } from '../../src/project/edge.js';

/**
 * Levels with many literal segments dispatch (src/targets/nginx/locations.ts): a rewrite to an
 * internal /__gw_d/... URI, branches found by nginx's prefix tree, nested dispatches, the rest of
 * a level nested further down, parameter templates repeated in every branch they can match. This
 * runs Debian's nginx on such a project and checks every request against gw's own router (the
 * route that answers, from nginx's access log) and the path the upstream receives.
 */
const words = Array.from({ length: DISPATCH_MIN + 1 }, (_, i) => `w${i + 1}`);
const verbs = Array.from({ length: DISPATCH_MIN }, (_, i) => `v${i + 1}`);
const op = (id: string, extra: object = {}) => ({
  operationId: id,
  responses: { '200': { description: 'ok' } },
  ...extra,
});
const n = { name: 'n', in: 'path', required: true, schema: { type: 'integer' } };

function repoSpec(): object {
  const paths: Record<string, Record<string, object>> = { '/r/{o}/{p}': { get: op('repo') } };
  for (const w of words) {
    paths[`/r/{o}/{p}/${w}`] = { get: op(`list-${w}`) };
    paths[`/r/{o}/{p}/${w}/{n}`] = { parameters: [n], get: op(`get-${w}`) };
  }
  paths['/r/{o}/{p}/w1/{n}'] = { parameters: [n], get: op('get-w1'), post: op('post-w1') };
  // Other methods of a path with other settings: a named location (timeouts), an internal URI (body limit).
  paths['/r/{o}/{p}/w3/{n}'] = {
    parameters: [n],
    get: op('get-w3'),
    delete: op('delete-w3', { 'x-gw': { timeouts: { request: '3s' } } }),
    put: op('put-w3', { 'x-gw': { maxBodySize: '1kb' } }),
  };
  for (const v of verbs) paths[`/r/{o}/{p}/w1/{n}/${v}`] = { parameters: [n], get: op(`w1-${v}`) };
  paths['/r/{o}/{p}/w1/list/a'] = { get: op('w1-list-a') };
  paths['/r/{o}/{p}/w1/list/b'] = { get: op('w1-list-b') };
  // A parameter where the words are: in every branch (after the word's own template) and in the branch for any other
  // value.
  paths['/r/{o}/{p}/{kind}/{n}'] = { parameters: [n], get: op('get-kind'), post: op('post-kind') };
  paths['/r/{o}/{p}/{kind}/{n}/deep'] = { parameters: [n], get: op('get-kind-deep') };
  // Shared forwarding with other settings: a short timeout, a small body limit.
  paths['/r/{o}/{p}/w5/{n}'] = { parameters: [n], get: op('get-w5', { 'x-gw': { timeouts: { request: '1s' } } }) };
  paths['/r/{o}/{p}/w6/{n}'] = {
    parameters: [n],
    get: op('get-w6'),
    post: op('post-w6', { 'x-gw': { maxBodySize: '1kb' } }),
  };
  return oas30('repo', paths);
}

function mountedSpec(): object {
  const paths: Record<string, Record<string, object>> = { '/items/{id}': { get: op('item') } };
  for (const w of words) paths[`/items/{id}/${w}`] = { get: op(`item-${w}`) };
  paths['/items/{id}/{any}'] = { get: op('item-any') };
  return oas30('mounted', paths);
}

/**
 * One path, two upstreams with the same settings: GET forwards the path as it is (so through a
 * shared location), POST goes to another server with a base path, from an `if` in GET's location.
 */
function splitSpec(upstream: string): object {
  const slow = { 'x-gw': { timeouts: { request: '1s' } } };
  return oas30(
    'split',
    {
      '/split/{n}': {
        parameters: [n],
        get: op('get-split', slow),
        post: op('post-split', { ...slow, servers: [{ url: `${upstream}/v2` }] }),
      },
    },
    { servers: [{ url: upstream }] },
  );
}

let gateway: Gateway;
let router: Router<Route>;
let nginx: RunningNginx;
let echoes: { repo: EchoUpstream; mounted: EchoUpstream };
let logFile: string;
let sharedStatuses: string[] = [];
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  if (!findNginx()) throw new Error('nginx is not installed (apt-get install -y nginx); .ci/run installs it');
  const t = await tempDir('gw-nginx-dispatch-');
  cleanups.push(t.cleanup);
  echoes = { repo: await startEcho('repo'), mounted: await startEcho('mounted') };
  cleanups.push(
    () => echoes.repo.close(),
    () => echoes.mounted.close(),
  );
  const port = await freePort();
  await writeFile(join(t.dir, 'repo.json'), JSON.stringify(repoSpec()));
  await writeFile(join(t.dir, 'mounted.json'), JSON.stringify(mountedSpec()));
  await writeFile(join(t.dir, 'down.json'), JSON.stringify(oas30('down', { '/down/{id}': { get: op('down') } })));
  await writeFile(join(t.dir, 'split.json'), JSON.stringify(splitSpec(echoes.repo.url)));
  const yaml = `version: 1
name: dispatch
listen: { host: 127.0.0.1, port: ${port} }
services:
  - name: repo
    spec: repo.json
    upstreams: ["${echoes.repo.url}"]
  - name: mounted
    spec: mounted.json
    prefix: /m
    upstreams: ["${echoes.mounted.url}"]
  - name: split
    spec: split.json
  - name: down
    spec: down.json
    upstreams: ["http://127.0.0.1:${await freePort()}"]
`;
  await writeFile(join(t.dir, 'gw.yaml'), yaml);
  gateway = (await buildGateway(parseProject(yaml, join(t.dir, 'gw.yaml'), 'gw.yaml'))).gateway;
  router = new Router(
    gateway.routes.map((r) => ({ methods: r.effective.methods, segments: r.segments, params: r.params, value: r })),
  );
  const generated = await runGeneratedNginx(gateway, t.dir, port);
  ({ nginx, logFile } = generated);
  cleanups.unshift(() => nginx.stop());
  const conf = generated.files.find((f) => f.path.endsWith('gw.conf'))!.contents;
  expect(conf).toContain('location ^~ "/__gw_d/');
  sharedStatuses = [...conf.matchAll(/error_page (4\d\d) = @gw_forward_\d+;/g)].map((m) => m[1]!);
}, 60_000);
afterAll(async () => {
  for (const c of cleanups) await c();
});

/** What gw's router answers for a request: the route and the upstream path, or the status. */
function expected(
  method: string,
  path: string,
): { route: string; upstream: string; service: string } | { status: number; allow?: string } {
  const segments = normalizePath(path, DEFAULT_EDGE.paths);
  if (!segments) return { status: 400 };
  const m = router.lookup(method, segments);
  if (m.kind === 'not-found') return { status: 404 };
  if (m.kind === 'method-not-allowed') return { status: 405, allow: m.allow.join(', ') };
  const r = m.value;
  const forwarded = `/${segments.join('/')}`;
  const prefix = r.path.slice(0, r.path.length - r.upstreamPath.length);
  return {
    route: r.id,
    upstream: r.path === r.upstreamPath ? forwarded : forwarded.slice(prefix.length) || '/',
    service: r.service,
  };
}

const requests: [string, string][] = [
  ['GET', '/r/a/b'],
  ...words.flatMap((w): [string, string][] => [
    ['GET', `/r/a/b/${w}`],
    ['GET', `/r/a/b/${w}/7`],
    ['GET', `/r/a/b/${w}/x`],
    ['POST', `/r/a/b/${w}/7`],
    ['GET', `/r/a/b/${w}/7/deep`],
  ]),
  ['GET', '/r/a/b/other/7'],
  ['POST', '/r/a/b/other/7'],
  ['GET', '/r/a/b/other/x'],
  ['GET', '/r/a/b/other'],
  ['GET', '/r/a/b/other/7/deep'],
  ['DELETE', '/r/a/b/w1/7'],
  ['HEAD', '/r/a/b/w2/7'],
  ['DELETE', '/r/a/b/w3/7'],
  ['PUT', '/r/a/b/w3/7'],
  ...verbs.map((v): [string, string] => ['GET', `/r/a/b/w1/7/${v}`]),
  ['GET', '/r/a/b/w1/7/v99'],
  ['GET', '/r/a/b/w1/list/a'],
  ['GET', '/r/a/b/w1/list/b'],
  ['GET', '/r/a/b/w1/list/c'],
  ['GET', '/r/a/b/w2/7/v1'],
  ['GET', '/r/a/b/w1/'],
  ['GET', '/r/a/b/'],
  ['GET', '/r/a'],
  ['GET', '/r/a%20x/b/w1/7/v2'],
  ['GET', '/r/a/b/w%31/7'],
  ['GET', '/r/a/b/./w1/../w2/7'],
  ['GET', '/m/items/9'],
  ['GET', '/m/items/9/w3'],
  ['GET', '/m/items/9/zz'],
  ['GET', '/m/items/9/w3/x'],
  ['GET', '/m/items/a%3Fb/w5'],
];

describe('dispatching levels on real nginx route exactly as gw', () => {
  for (const [method, path] of requests) {
    it(`${method} ${path}`, async () => {
      const id = `t-${Math.random().toString(36).slice(2, 12)}`;
      const answer = await send(nginx.url, method, path, { 'x-request-id': id });
      const want = expected(method, path);
      if ('status' in want) {
        expect(answer.status).toBe(want.status);
        if (want.allow) expect(answer.headers.allow).toBe(want.allow);
        return;
      }
      expect(answer.status).toBe(200);
      if (method !== 'HEAD') {
        const echo = JSON.parse(answer.body) as EchoReport;
        expect(echo.name).toBe(want.service);
        expect(echo.url).toBe(want.upstream);
      }
      expect(await loggedRoute(logFile, id)).toBe(want.route);
    });
  }

  it('a client cannot reach a dispatch branch directly', async () => {
    for (const path of ['/__gw_d/1/w1/r/a/b/w1/7', '/__gw_d/1/', '/__gw_d/99/x/r/a/b'])
      expect((await send(nginx.url, 'GET', path)).status).toBe(404);
  });
});

/** A request with a chunked body, on its own connection: the raw answer's status and body. */
async function sendChunked(path: string, bytes: number): Promise<{ status: number; body: string }> {
  const chunk = 'x'.repeat(512);
  let body = '';
  for (let left = bytes; left > 0; left -= chunk.length)
    body += `${Math.min(left, chunk.length).toString(16)}\r\n${chunk.slice(0, Math.min(left, chunk.length))}\r\n`;
  const raw = await sendRaw(
    nginx.url,
    `POST ${path} HTTP/1.1\r\nHost: gw.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${body}0\r\n\r\n`,
    10_000,
  );
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), body: rest.join('\r\n\r\n') };
}

describe('routes that forward alike share a location (error_page to a named location) and keep every behaviour', () => {
  it('several shared locations exist: one per set of forwarding settings', () => {
    expect(sharedStatuses.length).toBeGreaterThanOrEqual(3);
  });

  it('a body reaches the upstream whole, with Content-Length or chunked', async () => {
    const sized = await send(nginx.url, 'POST', '/r/a/b/w1/7', {}, 'y'.repeat(10_000));
    expect(sized.status).toBe(200);
    expect((JSON.parse(sized.body) as EchoReport).bytes).toBe(10_000);
    const chunked = await sendChunked('/r/a/b/w1/7', 5_000);
    expect(chunked.status).toBe(200);
    expect(chunked.body).toContain('"bytes":5000');
  });

  it("the route's body limit holds, with Content-Length or chunked (413 problem+json)", async () => {
    const sized = await send(nginx.url, 'POST', '/r/a/b/w6/7', {}, 'y'.repeat(2_000));
    expect(sized.status).toBe(413);
    expect(sized.body).toContain('GW_HTTP_PAYLOAD_TOO_LARGE');
    expect((await send(nginx.url, 'POST', '/r/a/b/w6/7', {}, 'y'.repeat(500))).status).toBe(200);
    const chunked = await sendChunked('/r/a/b/w6/7', 2_000);
    expect(chunked.status).toBe(413);
  });

  it("the route's timeout holds (504 problem+json naming the service)", async () => {
    const slow = await send(nginx.url, 'GET', '/r/a/b/w5/7', { 'x-echo-delay': '3000' });
    expect(slow.status).toBe(504);
    expect(slow.body).toContain('GW_HTTP_UPSTREAM_TIMEOUT');
    expect(slow.body).toContain('\\"repo\\"');
    expect((await send(nginx.url, 'GET', '/r/a/b/w1/7', { 'x-echo-delay': '1500' })).status).toBe(200);
  }, 15_000);

  it('issue 11: a route beside one whose location jumps to a shared location keeps its own timeout', async () => {
    const quick = await send(nginx.url, 'POST', '/split/7', {}, 'x');
    expect(quick.status).toBe(200);
    expect((JSON.parse(quick.body) as EchoReport).url).toBe('/v2/split/7');
    const slow = await send(nginx.url, 'POST', '/split/7', { 'x-echo-delay': '2500' }, 'x');
    expect(slow.status).toBe(504);
    expect(slow.body).toContain('GW_HTTP_UPSTREAM_TIMEOUT');
    expect((await send(nginx.url, 'GET', '/split/7', { 'x-echo-delay': '2500' })).status).toBe(504);
  }, 15_000);

  it('an unreachable upstream answers 502 problem+json with the request id', async () => {
    const down = await send(nginx.url, 'GET', '/down/1', { 'x-request-id': 'down-1' });
    expect(down.status).toBe(502);
    expect(down.body).toContain('GW_HTTP_UPSTREAM_FAILED');
    expect(down.headers['x-request-id']).toBe('down-1');
  });

  it('HEAD and a status of the upstream pass through unchanged', async () => {
    expect((await send(nginx.url, 'HEAD', '/r/a/b/w2/7')).status).toBe(200);
    const teapot = await send(nginx.url, 'GET', '/r/a/b/w2/7', { 'x-echo-status': '418' });
    expect(teapot.status).toBe(418);
    expect((JSON.parse(teapot.body) as EchoReport).url).toBe('/r/a/b/w2/7');
  });
});
