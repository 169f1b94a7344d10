import { request } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { startGwServe, type RunningGateway } from '../helpers/gw-serve.js';
import { send, sendRaw } from '../helpers/http.js';
import { headerOf, startRawUpstream, type RawRequest, type RawUpstream } from '../helpers/raw-upstream.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * gw serve in front of upstreams that break HTTP/1.1 on purpose (issue 10, items 1-4 and 12):
 * raw `net` servers on 127.0.0.1 write exactly the bytes each case needs, and the client side
 * checks what reaches it, byte for byte where it matters.
 */

let dir: string;
let cleanup: () => Promise<void>;
let gw: RunningGateway | undefined;
let upstream: RawUpstream | undefined;

beforeEach(async () => ({ dir, cleanup } = await tempDir('gw-upstream-')));
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  await upstream?.close();
  upstream = undefined;
  await cleanup();
});

const SPEC = oas30('Svc', { '/items': { get: { operationId: 'listItems' } }, '/events': { get: { operationId: 'events' } } });

/** gw serve with one service in front of a raw upstream that answers with `answer`. */
async function serveIn(front: (request: RawRequest, socket: Socket) => void, args: string[] = []): Promise<RunningGateway> {
  upstream = await startRawUpstream(front);
  await writeFiles(dir, {
    'svc.yaml': SPEC,
    'gw.yaml': `version: 1\nname: t\nsettings:\n  timeouts:\n    request: 5s\nservices:\n  - name: svc\n    spec: svc.yaml\n    upstreams: ["${upstream.url}"]\n`,
  });
  gw = await startGwServe(dir, args);
  return gw;
}

/** A raw GET through the gateway; the whole answer as latin1 text (the gateway closes after it). */
function rawGet(path: string, headers = ''): Promise<string> {
  return sendRaw(gw!.url, `GET ${path} HTTP/1.1\r\nHost: gw.test\r\n${headers}Connection: close\r\n\r\n`, 6_000);
}

const statusLine = (raw: string) => raw.slice(0, raw.indexOf('\r\n'));
const headOf = (raw: string) => raw.slice(0, raw.indexOf('\r\n\r\n')).toLowerCase();
const bodyOf = (raw: string) => raw.slice(raw.indexOf('\r\n\r\n') + 4);

/** A GET whose answer may be cut: the status, the body so far, and whether it ended cleanly or was aborted. */
function getAllowingAbort(path: string): Promise<{ status: number; body: string; complete: boolean }> {
  const u = new URL(gw!.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode!, body, complete: res.complete }));
      res.on('error', () => resolve({ status: res.statusCode!, body, complete: false }));
      res.on('aborted', () => resolve({ status: res.statusCode!, body, complete: false }));
    });
    req.setTimeout(8_000, () => req.destroy(new Error(`no answer to GET ${path} in time`)));
    req.on('error', reject);
    req.end();
  });
}

const waitFor = async (check: () => boolean, ms = 3_000) => {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return check();
};

describe('--upstream-connections', () => {
  it('keeps at most N connections open to a target; more requests wait for a free one', async () => {
    await serveIn((_r, s) => setTimeout(() => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), 200), ['--upstream-connections', '1']);
    const answers = await Promise.all([1, 2, 3].map(() => send(gw!.url, 'GET', '/items')));
    expect(answers.map((a) => `${a.status} ${a.body}`)).toEqual(['200 ok', '200 ok', '200 ok']);
    expect(upstream!.maxOpen()).toBe(1);
    expect(upstream!.connections()).toBe(1);
  });
});
