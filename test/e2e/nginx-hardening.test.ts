import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../src/cli/load-gateway.js';
import { parseProject } from '../../src/project/load.js';
import { nginxTarget } from '../../src/targets/nginx/index.js';
import type { RenderedFile } from '../../src/targets/types.js';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../helpers/echo-upstream.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { send, sendRaw } from '../helpers/http.js';
import { findNginx, freePort, nginxTest, startNginx, type RunningNginx } from '../helpers/nginx.js';
import { nginxFiles } from '../helpers/nginx-build.js';
import { oas30 } from '../helpers/specs.js';

/**
 * The NGINX items of the hardening issue, on Debian's nginx running the generated config:
 * the access log names the request's own method (not the GET of an error_page redirect),
 * mocked routes check credentials before answering (as gw serve does), and the default
 * access log works whatever nginx's standard output is.
 */
const KEY = 'k-7d1f3a9c2b5e8f40';
const op = (id: string, extra: object = {}) => ({
  operationId: id,
  responses: { '200': { description: 'ok' } },
  ...extra,
});
const secured = { security: [{ key: [] }] };
const components = { components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } } } };

function petsSpec(): object {
  const pet = { content: { 'application/json': { example: { id: 12, name: 'Rex' } } }, description: 'a pet' };
  const missing = { content: { 'application/json': { example: { message: 'no such pet' } } }, description: 'none' };
  return oas30(
    'pets',
    {
      '/pet/{id}': { get: op('getPet', { ...secured, responses: { '200': pet, '404': missing } }) },
      '/pet/{id}/limited': {
        get: op('getLimitedPet', {
          ...secured,
          'x-gw': { rateLimit: { requests: 1, window: '1h' } },
          responses: { '200': pet },
        }),
      },
      '/open': { get: op('openPet', { responses: { '200': pet } }) },
    },
    components,
  );
}

let dir: string;
let echo: EchoUpstream;
let nginx: RunningNginx;
let gw: RunningGateway;
let files: readonly RenderedFile[];
const cleanups: (() => Promise<unknown>)[] = [];

async function writeOut(out: string, list: readonly RenderedFile[]): Promise<void> {
  for (const f of list) {
    await mkdir(dirname(join(out, f.path)), { recursive: true });
    await writeFile(join(out, f.path), f.contents);
  }
}

async function project(port: number, extra = ''): Promise<string> {
  const yaml = `version: 1
name: hardening
listen: { host: 127.0.0.1, port: ${port} }
${extra}services:
  - name: items
    spec: items.json
    upstreams: ["${echo.url}"]
  - name: pets
    spec: pets.json
    mock: true
credentials:
  pets.key: { keys: { file: secrets/pets.keys } }
`;
  await writeFile(join(dir, 'gw.yaml'), yaml);
  return yaml;
}

async function render(yaml: string): Promise<readonly RenderedFile[]> {
  const project = parseProject(yaml, join(dir, 'gw.yaml'), 'gw.yaml');
  const { gateway, diagnostics } = await buildGateway(project);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return nginxFiles(gateway, { nginx: project.config.build?.nginx }, { baseDir: dir });
}

beforeAll(async () => {
  if (!findNginx()) throw new Error('nginx is not installed (apt-get install -y nginx); .ci/run installs it');
  const t = await tempDir('gw-nginx-hardening-');
  dir = t.dir;
  cleanups.push(t.cleanup);
  echo = await startEcho('items');
  cleanups.unshift(() => echo.close());
  await writeFile(join(dir, 'items.json'), JSON.stringify(oas30('items', { '/items': { get: op('listItems') } })));
  await writeFile(join(dir, 'pets.json'), JSON.stringify(petsSpec()));
  await mkdir(join(dir, 'secrets'));
  await writeFile(join(dir, 'secrets/pets.keys'), `tester:${KEY}\n`);
  const port = await freePort();
  const yaml = await project(port);
  files = await render(yaml);
  const out = join(dir, 'out');
  await writeOut(out, files);
  await nginxTest(join(out, 'nginx'));
  nginx = await startNginx(join(out, 'nginx'), port, 'nginx.conf', undefined, { GW_BASE_DIR: dir });
  cleanups.unshift(() => nginx.stop());
  gw = await startGwServe(dir);
  cleanups.unshift(() => gw.stop());
}, 60_000);
afterAll(async () => {
  for (const c of cleanups) await c();
});

/** The access log lines nginx wrote for these request ids, parsed. */
async function logged(ids: string[]): Promise<Record<string, { method: string; status: number }>> {
  const file = join(dir, 'out', 'nginx', 'access.log');
  const found: Record<string, { method: string; status: number }> = {};
  const until = Date.now() + 5_000;
  while (Date.now() < until) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    for (const line of text.split('\n').filter((l) => l.startsWith('{'))) {
      const entry = JSON.parse(line) as { requestId: string; method: string; status: number };
      if (ids.includes(entry.requestId)) found[entry.requestId] = entry;
    }
    if (Object.keys(found).length === ids.length) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return found;
}

describe('the access log names the method the client sent', () => {
  it("logs PUT for a 405, DELETE for a 404, POST for a mocked service's 404, not the error page's GET", async () => {
    const cases = [
      { id: 'hard-405', method: 'PUT', path: '/items', status: 405 },
      { id: 'hard-404', method: 'DELETE', path: '/nowhere', status: 404 },
      { id: 'hard-404b', method: 'POST', path: '/pet', status: 404 },
      { id: 'hard-200', method: 'GET', path: '/items', status: 200 },
    ];
    for (const c of cases)
      expect((await send(nginx.url, c.method, c.path, { 'x-request-id': c.id })).status).toBe(c.status);
    // A 400 nginx raises while reading the head (both lengths): its error page is reached by an internal redirect.
    const raw = await sendRaw(
      nginx.url,
      'DELETE /items HTTP/1.1\r\nHost: x\r\nX-Request-Id: hard-400\r\n' +
        'Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    cases.push({ id: 'hard-400', method: 'DELETE', path: '/items', status: 400 });
    const log = await logged(cases.map((c) => c.id));
    for (const c of cases)
      expect(log[c.id], c.id).toEqual(expect.objectContaining({ method: c.method, status: c.status }));
  });
});

describe('mocked routes check credentials first, as gw serve does', () => {
  const requests: { name: string; path: string; headers?: Record<string, string>; status: number }[] = [
    { name: 'no key', path: '/pet/12', status: 401 },
    { name: 'a wrong key', path: '/pet/12', headers: { 'x-api-key': 'nope' }, status: 401 },
    {
      name: 'no key, another documented answer asked for',
      path: '/pet/12',
      headers: { prefer: 'code=404' },
      status: 401,
    },
    { name: 'the key', path: '/pet/12', headers: { 'x-api-key': KEY }, status: 200 },
    {
      name: 'the key, another documented answer',
      path: '/pet/12',
      headers: { 'x-api-key': KEY, prefer: 'code=404' },
      status: 404,
    },
    { name: 'a public mocked route', path: '/open', status: 200 },
  ];
  for (const r of requests) {
    it(`${r.name}: ${r.status} from nginx and gw serve`, async () => {
      const fromNginx = await send(nginx.url, 'GET', r.path, r.headers);
      const fromGw = await send(gw.url, 'GET', r.path, r.headers);
      expect(fromGw.status).toBe(r.status);
      expect(fromNginx.status).toBe(r.status);
      if (r.status === 401) expect(JSON.parse(fromNginx.body).code).toBe(JSON.parse(fromGw.body).code);
      else expect(JSON.parse(fromNginx.body)).toEqual(JSON.parse(fromGw.body));
    });
  }
  it("applies a mocked route's rate limit after the key: the second call gets 429 on both", async () => {
    for (const url of [nginx.url, gw.url]) {
      expect((await send(url, 'GET', '/pet/1/limited', { 'x-api-key': KEY })).status).toBe(200);
      expect((await send(url, 'GET', '/pet/1/limited', { 'x-api-key': KEY })).status).toBe(429);
    }
  });
  it('no longer warns that mocks answer before credentials', async () => {
    const { gateway } = await buildGateway(
      parseProject(readFileSync(join(dir, 'gw.yaml'), 'utf8'), join(dir, 'gw.yaml'), 'gw.yaml'),
    );
    const { diagnostics } = await nginxTarget.render(gateway, {});
    expect(diagnostics.map((d) => d.message).join('\n')).not.toMatch(/mocked routes are answered before credentials/);
  });
});

/**
 * Runs `nginx -t` with its standard output and error on a socket, as under systemd's journal or a supervisor's pipe.
 */
function nginxTestOnSocket(prefix: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    // Node's 'pipe' stdio is a UNIX socket pair: opening /dev/stdout on it fails with ENXIO.
    const child = spawn(findNginx()!, ['-t', '-p', prefix, '-c', join(prefix, 'nginx.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b) => (output += b));
    child.stderr.on('data', (b) => (output += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

describe('the access log works under systemd and in containers', () => {
  it('writes to access.log under the prefix by default, so nginx -t passes with stdout on a socket', async () => {
    const conf = files.find((f) => f.path === 'nginx/nginx.conf')!.contents;
    expect(conf).toMatch(/^\s*access_log access\.log gw_json;$/m);
    const r = await nginxTestOnSocket(join(dir, 'out', 'nginx'));
    expect(r.output).toMatch(/test is successful/);
    expect(r.code).toBe(0);
  });

  it('logs to standard output with build.nginx.accessLog: stdout (for `daemon off` containers)', async () => {
    const t = await tempDir('gw-nginx-stdout-');
    cleanups.push(t.cleanup);
    const port = await freePort();
    const yaml = (await project(port, 'build:\n  nginx:\n    accessLog: stdout\n'))
      .replace('items.json', join(dir, 'items.json'))
      .replace('pets.json', join(dir, 'pets.json'));
    const list = await render(yaml);
    expect(list.find((f) => f.path === 'nginx/nginx.conf')!.contents).toMatch(
      /^\s*access_log \/dev\/stdout gw_json;$/m,
    );
    await writeOut(t.dir, list);
    const prefix = join(t.dir, 'nginx');
    // A socket for standard output is refused at once, with nginx's own message.
    const onSocket = await nginxTestOnSocket(prefix);
    expect(onSocket.code).not.toBe(0);
    expect(onSocket.output).toMatch(/\/dev\/stdout/);
    // A file (or a container runtime's pipe) on standard output takes the log lines.
    const running = await startNginx(prefix, port, 'nginx.conf', undefined, { GW_BASE_DIR: dir });
    try {
      expect((await send(running.url, 'GET', '/items', { 'x-request-id': 'to-stdout' })).status).toBe(200);
      const until = Date.now() + 5_000;
      while (!running.output().includes('"to-stdout"') && Date.now() < until)
        await new Promise((r) => setTimeout(r, 50));
      expect(running.output()).toContain('"requestId":"to-stdout"');
    } finally {
      await running.stop();
    }
  });

  it('logs nothing with build.nginx.accessLog: off, and to a given path otherwise', async () => {
    const port = await freePort();
    const off = await render(await project(port, 'build:\n  nginx:\n    accessLog: "off"\n'));
    expect(off.find((f) => f.path === 'nginx/nginx.conf')!.contents).toMatch(/^\s*access_log off;$/m);
    const path = await render(await project(port, 'build:\n  nginx:\n    accessLog: /var/log/gw/access.log\n'));
    expect(path.find((f) => f.path === 'nginx/nginx.conf')!.contents).toMatch(
      /^\s*access_log \/var\/log\/gw\/access\.log gw_json;$/m,
    );
    const syslog = await render(
      await project(port, 'build:\n  nginx:\n    accessLog: "syslog:server=unix:/dev/log"\n'),
    );
    expect(syslog.find((f) => f.path === 'nginx/nginx.conf')!.contents).toMatch(
      /^\s*access_log syslog:server=unix:\/dev\/log gw_json;$/m,
    );
    await project(await freePort());
  });
});
