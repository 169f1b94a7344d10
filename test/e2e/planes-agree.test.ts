import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../src/cli/load-gateway.js';
import { loadProject } from '../../src/project/load.js';
import { nginxTarget } from '../../src/targets/nginx/index.js';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe } from '../helpers/gw-serve.js';
import { send } from '../helpers/http.js';
import { findNginx, freePort, nginxTest, startNginx } from '../helpers/nginx.js';
import { startNodeTarget, writeNodeTarget } from '../helpers/node-target.js';
import { oas30, writeFiles } from '../helpers/specs.js';
import type { Answer } from '../scenarios/scenarios.js';

/**
 * Decisions the model settles, answered alike by gw serve, Debian's nginx running the generated
 * config and the generated Node gateway (ARCHITECTURE.md, "Decisions are data"): the bytes and
 * Content-Type of mock answers (`Route.mock[].body`), and which requests are tried again on
 * another target (`effective.retries`: none for POST). Each plane starts fresh, so what one
 * plane's requests did to its targets' health does not reach the others.
 */
const media = (type: string, example: unknown) => ({ content: { [type]: { example } } });
const mocksSpec = oas30('mocks', {
  '/m/json': {
    get: {
      operationId: 'json',
      responses: {
        '200': {
          description: 'ok',
          ...media('application/json', { id: 7, note: 'a "quote", $HOME\tand\nmore', é: ['€'] }),
        },
        '404': { description: 'none', ...media('application/json', { message: 'gone' }) },
      },
    },
  },
  '/m/text': {
    get: {
      operationId: 'text',
      responses: { '200': { description: 'ok', ...media('text/plain', 'line $1\n\tnext') } },
    },
  },
  '/m/string': {
    get: { operationId: 'string', responses: { '200': { description: 'ok', ...media('application/json', 'hi') } } },
  },
  '/m/empty': { get: { operationId: 'empty', responses: { '200': { description: 'no content' } } } },
});
const apiSpec = oas30('api', { '/items': { get: { operationId: 'list' }, post: { operationId: 'add' } } });

interface Plane {
  name: string;
  url: string;
  stop(): Promise<unknown>;
}

const planes: Plane[] = [];
let echo: EchoUpstream;
let cleanup: () => Promise<void>;

/**
 * A port nothing listens on, ever: a free port from the kernel can be taken by another test's
 * server meanwhile (then the "dead" target answers). Port 1 (tcpmux) is never bound here.
 */
const DEAD_PORT = 1;

/** A gateway whose `api` has two targets, the first refusing connections; its `mocks` service is mocked. */
async function writeProject(dir: string, port: number): Promise<void> {
  await writeFiles(dir, { 'api.json': apiSpec, 'mocks.json': mocksSpec });
  await writeFile(
    join(dir, 'gw.yaml'),
    `version: 1
name: agree
listen: { host: 127.0.0.1, port: ${port} }
settings: { retries: 2 }
services:
  - name: api
    spec: api.json
    upstreams: ["http://127.0.0.1:${DEAD_PORT}", "${echo.url}"]
  - name: mocks
    spec: mocks.json
    mock: true
`,
  );
}

beforeAll(async () => {
  if (!findNginx()) throw new Error('nginx is not installed (apt-get install -y nginx); .ci/run installs it');
  const t = await tempDir('gw-agree-');
  cleanup = t.cleanup;
  echo = await startEcho('api');
  const port = await freePort();
  await writeProject(t.dir, port);
  const { gateway } = await buildGateway(await loadProject(join(t.dir, 'gw.yaml')));
  const out = join(t.dir, 'dist');
  for (const f of (await nginxTarget.render(gateway, {})).files) {
    await mkdir(dirname(join(out, f.path)), { recursive: true });
    await writeFile(join(out, f.path), f.contents);
  }
  await nginxTest(join(out, 'nginx'));
  await writeNodeTarget(gateway, out);
  const gw = await startGwServe(t.dir);
  const nginx = await startNginx(join(out, 'nginx'), port);
  const node = await startNodeTarget(out);
  planes.push({ name: 'gw serve', url: gw.url, stop: () => gw.stop() });
  planes.push({ name: 'nginx', url: nginx.url, stop: () => nginx.stop() });
  planes.push({ name: 'node target', url: node.url, stop: () => node.stop() });
}, 60_000);

afterAll(async () => {
  await Promise.all(planes.map((p) => p.stop()));
  await echo?.close();
  await cleanup?.();
});

/** What every plane must answer alike: status, body, and the headers a client reads. */
function comparable(a: Answer) {
  return {
    status: a.status,
    contentType: a.headers['content-type'] ?? null,
    mock: a.headers['x-gw-mock'] ?? null,
    body: a.body,
  };
}

/** Each plane's answer to one request, by plane name. */
async function answers(method: string, path: string, headers: Record<string, string> = {}) {
  const out: Record<string, ReturnType<typeof comparable>> = {};
  for (const p of planes) out[p.name] = comparable(await send(p.url, method, path, headers));
  return out;
}

describe("mock answers: the model's bytes and Content-Type on every plane", () => {
  const cases: { name: string; path: string; headers?: Record<string, string>; want: ReturnType<typeof comparable> }[] =
    [
      {
        name: 'a JSON example: pretty, with a final newline, `$`, quotes, tabs and UTF-8 kept',
        path: '/m/json',
        want: {
          status: 200,
          contentType: 'application/json',
          mock: 'true',
          body: `${JSON.stringify({ id: 7, note: 'a "quote", $HOME\tand\nmore', é: ['€'] }, null, 2)}\n`,
        },
      },
      {
        name: 'another documented response (Prefer: code=404)',
        path: '/m/json',
        headers: { prefer: 'code=404' },
        want: { status: 404, contentType: 'application/json', mock: 'true', body: '{\n  "message": "gone"\n}\n' },
      },
      {
        name: 'a text example as it is',
        path: '/m/text',
        want: { status: 200, contentType: 'text/plain', mock: 'true', body: 'line $1\n\tnext' },
      },
      {
        name: 'a string example of a JSON type is a JSON string',
        path: '/m/string',
        want: { status: 200, contentType: 'application/json', mock: 'true', body: '"hi"\n' },
      },
      {
        name: 'a response without content: no Content-Type, no body',
        path: '/m/empty',
        want: { status: 200, contentType: null, mock: 'true', body: '' },
      },
    ];
  for (const c of cases)
    it(c.name, async () => {
      const got = await answers('GET', c.path, c.headers);
      expect(got).toEqual(Object.fromEntries(planes.map((p) => [p.name, c.want])));
    });
});

describe("retries: the model's effective.retries on every plane (first target refuses connections)", () => {
  it('a POST is not sent again to the other target: those sent to the first get 502', async () => {
    // gw serve and the node target take the targets in turn; nginx picks each request's target at random
    // (split_clients: the two targets differ in port, so each has its own upstream block and Host).
    for (const p of planes) {
      const seen = new Set<number>();
      for (let i = 0; i < 40 && seen.size < 2; i++)
        seen.add((await send(p.url, 'POST', '/items', {}, '{}', 3_000)).status);
      expect([...seen].sort(), p.name).toEqual([200, 502]);
    }
  });

  it('a GET is tried again on the other target: every one passes', async () => {
    for (const p of planes) {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await send(p.url, 'GET', '/items')).status);
      expect(statuses, p.name).toEqual([200, 200, 200, 200]);
    }
  });
});

describe("gw's own refusals: the same problem on every plane", () => {
  /** The problem without its request id (each plane makes its own). */
  async function refusal(p: Plane, method: string, path: string) {
    const a = await send(p.url, method, path, {}, method === 'GET' ? undefined : '{}');
    const { requestId, ...problem } = JSON.parse(a.body) as Record<string, unknown>;
    expect(requestId, p.name).toBe(a.headers['x-request-id']);
    return { status: a.status, allow: a.headers.allow ?? null, problem };
  }

  it('a method no route of the path has: 405 naming the method the client sent, with Allow', async () => {
    for (const method of ['DELETE', 'PUT'])
      for (const p of planes) {
        const got = await refusal(p, method, '/items');
        expect(got.status, p.name).toBe(405);
        expect(got.allow, p.name).toBe('GET, HEAD, POST');
        expect(got.problem.detail, p.name).toBe(`${method} is not allowed here`);
      }
  });

  it('a path no route has: 404, alike on every plane', async () => {
    const got = await Promise.all(planes.map((p) => refusal(p, 'POST', '/nowhere')));
    for (const g of got) expect(g).toEqual(got[0]);
    expect(got[0]?.status).toBe(404);
  });
});
