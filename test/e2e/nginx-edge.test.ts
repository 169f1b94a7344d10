import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { startEcho, type EchoReport, type EchoUpstream } from '../helpers/echo-upstream.js';
import { sendRaw } from '../helpers/http.js';
import { freePort, type RunningNginx } from '../helpers/nginx.js';
import { startNginxProject } from '../helpers/nginx-project.js';
import { oas30, writeFiles } from '../helpers/specs.js';

/**
 * The model's edge printed into the NGINX target and run by Debian's nginx (issue 10, item 6 in
 * every data plane): underscores_in_headers follows edge.underscoresInHeaders, and
 * client_body_timeout follows edge.timeouts.body.
 */
let cleanup: (() => Promise<void>) | undefined;
let echo: EchoUpstream | undefined;
let nginx: RunningNginx | undefined;

afterEach(async () => {
  await nginx?.stop();
  nginx = undefined;
  await echo?.close();
  echo = undefined;
  await cleanup?.();
});

/** Renders a one-service project with `edge` (YAML flow text) for nginx and starts nginx on it. */
async function nginxWith(edge: string): Promise<RunningNginx> {
  const t = await tempDir('gw-nginx-edge-');
  cleanup = t.cleanup;
  echo = await startEcho('svc');
  const port = await freePort();
  await writeFiles(t.dir, {
    'svc.yaml': oas30('Svc', { '/items': { get: { operationId: 'listItems' }, post: { operationId: 'createItem' } } }),
  });
  const yaml =
    `version: 1\nname: test\nlisten: { host: 127.0.0.1, port: ${port} }\nedge: ${edge}\nservices:\n` +
    `  - name: svc\n    spec: svc.yaml\n    upstreams: ["${echo.url}"]\n`;
  nginx = await startNginxProject(t.dir, yaml, port);
  return nginx;
}

function upstreamHeaders(raw: string): EchoReport['headers'] {
  expect(raw).toMatch(/^HTTP\/1\.1 200 /);
  return (JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as EchoReport).headers;
}

const WITH_UNDERSCORE =
  'GET /items HTTP/1.1\r\nHost: x\r\nX_Consumer: root\r\nX-Kept: yes\r\nConnection: close\r\n\r\n';

describe("nginx: the model's edge", () => {
  it('drops headers with "_" in their names (underscores_in_headers off)', async () => {
    const n = await nginxWith('{ underscoresInHeaders: drop }');
    const headers = upstreamHeaders(await sendRaw(n.url, WITH_UNDERSCORE));
    expect(headers.x_consumer).toBeUndefined();
    expect(headers['x-kept']).toBe('yes');
  });

  it('passes them on with allow (underscores_in_headers on)', async () => {
    const n = await nginxWith('{ underscoresInHeaders: allow }');
    expect(upstreamHeaders(await sendRaw(n.url, WITH_UNDERSCORE)).x_consumer).toBe('root');
  });

  it('refuses two Host headers and a transfer coding other than chunked, as gw serve does', async () => {
    const n = await nginxWith('{}');
    const twoHosts = await sendRaw(n.url, 'GET /items HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
    const gzip = await sendRaw(
      n.url,
      'POST /items HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    );
    expect(twoHosts).toMatch(/^HTTP\/1\.1 400 [\s\S]*"code":"GW_HTTP_BAD_REQUEST"/);
    expect(gzip).toMatch(/^HTTP\/1\.1 501 [\s\S]*"code":"GW_HTTP_TRANSFER_ENCODING"/);
    expect(echo!.hits).toBe(0);
  });

  it('closes a client whose body stalls after edge.timeouts.body (client_body_timeout)', async () => {
    const n = await nginxWith('{ timeouts: { body: 1s } }');
    const started = Date.now();
    const raw = await sendRaw(n.url, 'POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-part', 10_000);
    const took = Date.now() - started;
    expect(took).toBeGreaterThan(800);
    expect(took).toBeLessThan(5_000);
    expect(raw === '' || /^HTTP\/1\.1 (408|400) /.test(raw)).toBe(true);
  });
});
