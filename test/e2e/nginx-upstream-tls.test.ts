import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { buildNginx } from '../helpers/nginx-build.js';
import { startDnsStub } from '../helpers/dns-stub.js';
import { send } from '../helpers/http.js';
import { findNginx, freePort, startNginx, type RunningNginx } from '../helpers/nginx.js';
import { oas30, writeFiles } from '../helpers/specs.js';
import { makeChain, startTlsUpstream, type TlsSeen, type TlsUpstream } from '../helpers/tls-upstream.js';

/**
 * Upstream TLS of the NGINX target on Debian's nginx (issue 12, items 1 and 10): each request
 * carries the TLS name and Host of the target it goes to, whether the targets are hostnames
 * (split_clients, resolved through a local DNS stub) or addresses (upstream blocks); a chain with
 * two intermediates verifies; an upstream that speaks only TLS 1.3 is reached.
 */
let nginx: RunningNginx;
const upstreams: Record<'tls12' | 'tls13' | 'stranger', TlsUpstream | undefined> = {
  tls12: undefined,
  tls13: undefined,
  stranger: undefined,
};
const cleanups: (() => Promise<unknown>)[] = [];

function service(name: string, urls: string[], spec = 'svc.yaml'): string {
  const list = urls.map((u) => `"${u}"`).join(', ');
  return `  - name: ${name}\n    spec: ${spec}\n    prefix: /${name}\n    upstreams: [${list}]\n`;
}

beforeAll(async () => {
  if (!findNginx()) throw new Error('nginx is not installed (apt-get install -y nginx); .ci/run installs it');
  const t = await tempDir('gw-nginx-tls-');
  cleanups.push(t.cleanup);
  const chain = makeChain(t.dir, ['billing.test', 'billing2.test', 'localhost', '127.0.0.1']);
  const tls12 = await startTlsUpstream(chain, 'TLSv1.2');
  const tls13 = await startTlsUpstream(chain, 'TLSv1.3');
  // An upstream whose certificate another CA issued (one nginx is not told to trust).
  await mkdir(join(t.dir, 'stranger'));
  const stranger = await startTlsUpstream(makeChain(join(t.dir, 'stranger'), ['localhost']), 'TLSv1.2');
  Object.assign(upstreams, { tls12, tls13, stranger });
  const dns = await startDnsStub();
  cleanups.unshift(
    () => tls12.close(),
    () => tls13.close(),
    () => stranger.close(),
    () => dns.close(),
  );
  const port = await freePort();
  await writeFiles(t.dir, {
    'svc.yaml': oas30('Svc', { '/items': { get: { operationId: 'listItems' } } }),
    'items.yaml': oas30('Items', { '/items/{id}': { get: { operationId: 'getItem' } } }),
  });
  const p = tls12.port;
  const yaml =
    `version: 1\nname: tls\nlisten: { host: 127.0.0.1, port: ${port} }\n` +
    `build:\n  nginx:\n    resolver: ["${dns.address}"]\n    trustedCertificate: ${chain.rootFile}\nservices:\n` +
    service('names', [`https://billing.test:${p}`, `https://billing2.test:${p}`]) +
    service('addresses', [`https://localhost:${p}`, `https://127.0.0.1:${p}`]) +
    service('chain', [`https://localhost:${p}`]) +
    service('modern', [`https://localhost:${tls13.port}`]) +
    service('based', [`https://localhost:${p}/base`], 'items.yaml') +
    service('stranger', [`https://localhost:${stranger.port}/base`], 'items.yaml');
  const prefix = await buildNginx(t.dir, yaml);
  nginx = await startNginx(prefix, port);
  cleanups.unshift(() => nginx.stop());
}, 60_000);

afterAll(async () => {
  for (const c of cleanups) await c();
});

/** Sends `n` requests to `/<service>/items` and returns what the TLS upstream saw of them. */
async function through(serviceName: string, n: number, upstream: TlsUpstream, path = '/items'): Promise<TlsSeen[]> {
  const before = upstream.seen.length;
  for (let i = 0; i < n; i++) {
    const answer = await send(nginx.url, 'GET', `/${serviceName}${path}`);
    expect(answer.status, `${serviceName} #${i}: ${answer.body}\n${nginx.output()}`).toBe(200);
  }
  return upstream.seen.slice(before);
}

/** The TLS name a client sends for `host` (nginx sends none for an IP address). */
function sniOf(host: string): string | false {
  const name = host.replace(/:\d+$/, '');
  return /^[\d.]+$/.test(name) ? false : name;
}

describe('several https targets of one upstream', () => {
  it("each request carries its own target's TLS name and Host (hostname targets)", async () => {
    const seen = await through('names', 24, upstreams.tls12!);
    const p = upstreams.tls12!.port;
    expect(new Set(seen.map((s) => s.host))).toEqual(new Set([`billing.test:${p}`, `billing2.test:${p}`]));
    for (const s of seen) expect(s.servername, JSON.stringify(s)).toBe(sniOf(s.host!));
  });

  it("each request carries its own target's TLS name and Host (address targets, an upstream block)", async () => {
    const seen = await through('addresses', 24, upstreams.tls12!);
    const p = upstreams.tls12!.port;
    expect(new Set(seen.map((s) => s.host))).toEqual(new Set([`localhost:${p}`, `127.0.0.1:${p}`]));
    for (const s of seen) expect(s.servername, JSON.stringify(s)).toBe(sniOf(s.host!));
  });
});

describe('upstream certificates and protocols', () => {
  it('verifies a chain with two intermediates', async () => {
    const [seen] = await through('chain', 1, upstreams.tls12!);
    expect(seen).toEqual(expect.objectContaining({ servername: 'localhost' }));
  });

  it('reaches an upstream that speaks only TLS 1.3', async () => {
    const [seen] = await through('modern', 1, upstreams.tls13!);
    expect(seen).toEqual(expect.objectContaining({ protocol: 'TLSv1.3' }));
  });
});

describe('an https upstream with a base path (issue 13: its routes share one forwarding location)', () => {
  it("forwards the rewritten path, re-escaped, with the target's TLS name, verified", async () => {
    const [seen] = await through('based', 1, upstreams.tls12!, '/items/a%20b%25c');
    expect(seen).toEqual(expect.objectContaining({ servername: 'localhost', path: '/base/items/a%20b%25c' }));
  });

  it('refuses an upstream whose certificate a CA not trusted issued: 502, nothing reaches it', async () => {
    const answer = await send(nginx.url, 'GET', '/stranger/items/1');
    expect(answer.status, nginx.output()).toBe(502);
    expect(upstreams.stranger!.seen).toEqual([]);
  });
});
