import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../../../src/cli/load-gateway.js';
import { loadProject } from '../../../../src/project/load.js';
import { startGateway, type StartedGateway } from '../../../../src/runtime/start-gateway.js';
import { tempDir } from '../../../helpers/cli.js';
import { startEcho, type EchoUpstream } from '../../../helpers/echo-upstream.js';
import { send } from '../../../helpers/http.js';
import { oas30, writeFiles } from '../../../helpers/specs.js';

/**
 * The policy stages inside a running gateway (in this process): rate limit, CORS on the
 * gateway's own answers, validation with body buffering (chunked bodies too), the size limit
 * while buffering, the access log and the metrics.
 */
let echo: EchoUpstream;
let gw: StartedGateway;
let cleanup: () => Promise<void>;
const log: Record<string, unknown>[] = [];

beforeAll(async () => {
  echo = await startEcho('notes');
  const t = await tempDir('gw-policies-');
  cleanup = t.cleanup;
  await writeFiles(t.dir, {
    'notes.yaml': oas30(
      'Notes',
      {
        '/notes': {
          post: {
            operationId: 'createNote',
            requestBody: {
              required: true,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Note' } } },
            },
          },
          get: {
            operationId: 'listNotes',
            parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', maximum: 10 } }],
          },
        },
        '/upload': {
          post: {
            operationId: 'upload',
            requestBody: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          },
        },
      },
      {
        components: {
          schemas: {
            Note: { type: 'object', required: ['text'], properties: { text: { type: 'string', maxLength: 20 } } },
          },
        },
      },
    ),
    'gw.yaml': `version: 1
name: policies
services:
  - name: notes
    spec: notes.yaml
    upstreams: ["${echo.url}"]
    settings:
      validate: true
      maxBodySize: 64b
      cors: { origins: ["https://app.example"], exposeHeaders: [RateLimit-Remaining] }
    operations:
      listNotes:
        rateLimit: { requests: 2, window: 1h, key: "header:x-client" }
`,
  });
  const { gateway } = await buildGateway(await loadProject(join(t.dir, 'gw.yaml')));
  gw = await startGateway(gateway, {
    host: '127.0.0.1',
    port: 0,
    adminHost: '127.0.0.1',
    adminPort: 0,
    logFormat: 'json',
    color: false,
    writeLog: (line) => void log.push(JSON.parse(line) as Record<string, unknown>),
    clientHeaderTimeoutMs: 5_000,
    clientRequestTimeoutMs: 5_000,
    drainMs: 1_000,
    secrets: { baseDir: t.dir, baseDirName: 'the test folder', env: {} },
  });
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
  await cleanup?.();
});

/** A POST with a chunked body (no Content-Length), written in pieces. */
function chunked(
  path: string,
  pieces: string[],
  contentType = 'application/json',
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const u = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method: 'POST',
        path,
        headers: { 'content-type': contentType, 'transfer-encoding': 'chunked' },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers as Record<string, string>, body }));
      },
    );
    req.on('error', reject);
    for (const p of pieces) req.write(p);
    req.end();
  });
}

describe('validation with body buffering', () => {
  it('a valid chunked JSON body is buffered, checked and sent on with its length', async () => {
    const a = await chunked('/notes', ['{"te', 'xt":"hi"}']);
    expect(a.status).toBe(200);
    const report = JSON.parse(a.body) as { headers: Record<string, string>; bytes: number };
    expect(report.bytes).toBe(13);
    expect(report.headers['content-length']).toBe('13');
    expect(report.headers['transfer-encoding']).toBeUndefined();
  });
  it('an invalid body: 400 naming the field', async () => {
    const a = await send(
      gw.url,
      'POST',
      '/notes',
      { 'content-type': 'application/json' },
      '{"text":"this text is far too long"}',
    );
    expect(a.status).toBe(400);
    expect(JSON.parse(a.body)).toMatchObject({
      code: 'GW_HTTP_VALIDATION',
      detail: 'body /text must NOT have more than 20 characters',
      errors: [{ in: 'body', pointer: '/text', message: 'must NOT have more than 20 characters' }],
    });
  });
  it('a missing required body: 400', async () => {
    const a = await send(gw.url, 'POST', '/notes');
    expect(JSON.parse(a.body)).toMatchObject({
      code: 'GW_HTTP_VALIDATION',
      errors: [{ in: 'body', pointer: '', message: 'is required' }],
    });
  });
  it('a chunked body over maxBodySize: 413 while buffering, and the connection closes', async () => {
    const a = await chunked('/notes', ['{"text":"', 'x'.repeat(40), 'y'.repeat(40), '"}']);
    expect(a.status).toBe(413);
    expect(a.headers.connection).toBe('close');
    expect(JSON.parse(a.body)).toMatchObject({ code: 'GW_HTTP_PAYLOAD_TOO_LARGE' });
  });
  it('a body that is not JSON is streamed unchecked (and still size-limited)', async () => {
    expect((await chunked('/upload', ['abc', 'def'], 'application/octet-stream')).status).toBe(200);
    expect((await chunked('/upload', ['a'.repeat(50), 'b'.repeat(50)], 'application/octet-stream')).status).toBe(413);
  });
  it('a query parameter: 400 naming it', async () => {
    const a = await send(gw.url, 'GET', '/notes?limit=11', { 'x-client': 'validation' });
    expect(JSON.parse(a.body)).toMatchObject({
      code: 'GW_HTTP_VALIDATION',
      detail: 'query parameter "limit" must be <= 10',
      errors: [{ in: 'query', name: 'limit' }],
    });
  });
});

describe('rate limit, with CORS on every answer', () => {
  it('allows 2 per key and window, then 429; the answers carry RateLimit-* and CORS headers', async () => {
    const h = { 'x-client': 'limit-test', origin: 'https://app.example' };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await send(gw.url, 'GET', '/notes', h));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(answers.map((a) => a.headers['ratelimit-remaining'])).toEqual(['1', '0', '0']);
    for (const a of answers) {
      expect(a.headers['ratelimit-limit']).toBe('2');
      expect(Number(a.headers['ratelimit-reset'])).toBeGreaterThan(3590);
      expect(a.headers['access-control-allow-origin']).toBe('https://app.example');
      expect(a.headers['access-control-expose-headers']).toBe('ratelimit-remaining');
    }
    expect(answers[2]!.headers['retry-after']).toBe(answers[2]!.headers['ratelimit-reset']);
    expect(JSON.parse(answers[2]!.body)).toMatchObject({ code: 'GW_HTTP_TOO_MANY_REQUESTS', status: 429 });
    // Another key has its own window.
    expect((await send(gw.url, 'GET', '/notes', { 'x-client': 'someone-else' })).status).toBe(200);
  });
  it('a preflight is answered at the gateway and is not counted', async () => {
    for (let i = 0; i < 3; i++) {
      const a = await send(gw.url, 'OPTIONS', '/notes', {
        origin: 'https://app.example',
        'access-control-request-method': 'GET',
        'x-client': 'preflight',
      });
      expect(a.status).toBe(204);
      expect(a.headers['access-control-allow-methods']).toBe('GET, HEAD, POST');
    }
    expect((await send(gw.url, 'GET', '/notes', { 'x-client': 'preflight' })).headers['ratelimit-remaining']).toBe('1');
  });
  it('logs the GW code of refused requests with their route, and counts them', async () => {
    const limited = log.filter((l) => l.code === 'GW_HTTP_TOO_MANY_REQUESTS');
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0]).toMatchObject({ status: 429, route: 'notes.listNotes', service: 'notes' });
    expect(log.some((l) => l.code === 'GW_HTTP_VALIDATION' && l.route === 'notes.createNote')).toBe(true);
    const metrics = await (await fetch(`${gw.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/gw_rate_limited_total\{route="notes.listNotes",service="notes"\} [1-9]/);
  });
});
