#!/usr/bin/env node
// `npm run demo`: gw at work on the bundled example (examples/shop), in a fresh temp folder:
// init, import three services, print the route table and the diagnostics, then serve them
// (answered from the specs' own examples) over https, with a throwaway certificate made by openssl,
// and show a few requests: HTTP/1.1 and HTTP/2, and the redirect from http. On a terminal it keeps
// serving until Ctrl-C; otherwise it stops after the sample requests.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect as connectH2 } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'run.js');
const dir = mkdtempSync(join(tmpdir(), 'gw-demo-'));
cpSync(join(root, 'examples', 'shop', 'specs'), join(dir, 'specs'), { recursive: true });
const tty = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[0m` : s);

console.log(
  'gw demo: three services of a small shop (Swagger 2.0, OpenAPI 3.0 with multi-file $refs, OpenAPI 3.1)\n' +
    `and a composite dashboard that calls them (docs/composition.md)\nin ${dir}\n`,
);
for (const args of [
  ['init', '--yes', '--name', 'shop', '--port', '0'],
  ['import', 'specs/users.yaml', 'specs/orders/openapi.yaml', 'specs/catalog.json', 'specs/dashboard.yaml'],
  ['routes'],
  ['validate'],
  ['build'],
]) {
  console.log(bold(`$ gw ${args.join(' ')}`));
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\ngw ${args[0]} exited with ${r.status}`);
    process.exit(r.status ?? 1);
  }
  console.log('');
}
console.log(`The overlap warning is on purpose: /products/featured and /products/{productId} overlap, and the
precedence rule (literal segments beat parameters) settles it. The nginx warnings say what nginx
does with the example's hostnames; dist/ now holds the NGINX, Envoy, Node and OpenAPI outputs.\n`);

// The example's upstreams (*.shop.internal) do not exist here, so the services answer from their specs.
// The dashboard has no upstream: the gateway answers it by calling the (mocked) users, orders and catalog.
const config = parseDocument(readFileSync(join(dir, 'gw.yaml'), 'utf8'));
for (const s of config.get('services').items) if (s.get('name') !== 'dashboard') s.set('mock', true);
config.setIn(['listen', 'host'], '127.0.0.1');
// The users spec asks for an API key (X-Api-Key); the gateway checks it before any answer, mocked
// or not. The demo makes a key for a consumer "demo" in a keys file (never in gw.yaml).
const demoKey = randomBytes(12).toString('hex');
mkdirSync(join(dir, 'secrets'));
writeFileSync(join(dir, 'secrets', 'users.keys'), `demo:${demoKey}\n`, { mode: 0o600 });
// The dashboard takes the same key; its orders step needs an OAuth token with orders:read, which the
// gateway checks as an HS256 JWT here (GW_DEMO_JWT_SECRET), and the dashboard forwards.
const jwtSecret = randomBytes(32).toString('hex');
const keys = { keys: { file: 'secrets/users.keys' } };
config.set(
  'credentials',
  config.createNode({
    'users.apiKey': keys,
    'dashboard.apiKey': keys,
    'orders.oauth': { jwt: { secret: { env: 'GW_DEMO_JWT_SECRET' } } },
  }),
);
const token = hs256({ sub: 'demo', scope: 'orders:read', exp: Math.floor(Date.now() / 1000) + 3600 }, jwtSecret);
// https: a throwaway self-signed certificate for localhost and 127.0.0.1 (docs/tls.md), and a cleartext port that
// redirects to it.
mkdirSync(join(dir, 'certs'));
const openssl = spawnSync(
  'openssl',
  ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1']
    .concat(['-keyout', 'certs/demo.key', '-out', 'certs/demo.pem', '-subj', '/CN=localhost'])
    .concat(['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']),
  { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
);
if (openssl.status !== 0) {
  console.error(`openssl could not make the demo certificate (is it installed?)\n${openssl.stderr ?? ''}`);
  process.exit(1);
}
config.setIn(['listen', 'tls'], config.createNode({ cert: 'certs/demo.pem', key: 'certs/demo.key' }));
config.setIn(['listen', 'redirectHttp'], 0);
writeFileSync(join(dir, 'gw.yaml'), config.toString());
const ca = readFileSync(join(dir, 'certs', 'demo.pem'));

console.log(bold('$ openssl req -x509 ... -keyout certs/demo.key -out certs/demo.pem   # a throwaway certificate'));
console.log(
  bold('$ gw serve --port 0   # every service set to mock: true, and an API key for users in secrets/users.keys'),
);
console.log('#   gw.yaml: listen: { tls: { cert: certs/demo.pem, key: certs/demo.key }, redirectHttp: 0 }');
const serve = spawn(process.execPath, [bin, 'serve', '--port', '0', '--json', '--log-format', 'off'], {
  cwd: dir,
  env: { ...process.env, GW_DEMO_JWT_SECRET: jwtSecret },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const ready = await new Promise((resolve, reject) => {
  let out = '';
  serve.stdout.on('data', (b) => {
    out += b;
    const line = out.split('\n').find((l) => l.startsWith('{"event":"ready"'));
    if (line) resolve(JSON.parse(line));
  });
  serve.on('exit', (code) => reject(new Error(`gw serve exited with ${code}`)));
});
console.log(`serving on ${ready.url} (HTTP/2 and HTTP/1.1); ${ready.redirect} redirects to it\n`);

const samples = [
  ['GET', '/users/me', {}],
  ['GET', '/users/me', { 'x-api-key': demoKey }],
  ['GET', '/products/no-such-thing', { prefer: 'code=404' }],
  ['PATCH', '/orders', {}],
  // The composite: user, orders and featured side by side, then one product call per ordered SKU.
  ['GET', '/dashboard/42', { 'x-api-key': demoKey, authorization: `Bearer ${token}` }],
  // Without the token the optional orders step fails (401 at its route), and products, which reads it, too.
  ['GET', '/dashboard/42', { 'x-api-key': demoKey }],
];
for (const [method, path, headers] of samples) {
  const h = Object.entries(headers)
    .map(([k, v]) => ` -H '${k}: ${v}'`)
    .join('');
  console.log(
    bold(`$ curl -i --cacert certs/demo.pem${method === 'GET' ? '' : ` -X ${method}`}${h} ${ready.url}${path}`),
  );
  show(await exchange(httpsRequest, ready.url, method, path, headers));
}
console.log(bold(`$ curl -i --http2 --cacert certs/demo.pem ${ready.url}/products/featured   # HTTP/2 by ALPN`));
show(await exchangeH2(ready.url, '/products/featured'));
console.log(bold(`$ curl -i ${ready.redirect}/orders?status=paid   # the cleartext port`));
show(await exchange(httpRequest, ready.redirect, 'GET', '/orders?status=paid', {}));

function exchange(request, base, method, path, headers) {
  return new Promise((resolve, reject) => {
    const u = new URL(base);
    request({ host: u.hostname, port: u.port, method, path, headers, ca }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () =>
        resolve({ version: `HTTP/${res.httpVersion}`, status: res.statusCode, headers: res.headers, body }),
      );
    })
      .on('error', reject)
      .end();
  });
}

function exchangeH2(base, path) {
  return new Promise((resolve, reject) => {
    const session = connectH2(base, { ca });
    const stream = session.request({ ':path': path });
    let head = {};
    let body = '';
    stream.on('response', (h) => (head = h));
    stream.on('data', (c) => (body += c));
    stream.on('end', () => {
      session.close();
      resolve({ version: 'HTTP/2', status: head[':status'], headers: head, body });
    });
    stream.on('error', reject);
  });
}

function show(answer) {
  const body = answer.body.length > 400 ? `${answer.body.slice(0, 400)}...` : answer.body;
  const where = answer.headers.location ? ` location: ${answer.headers.location}` : '';
  const partial = answer.headers['x-gw-partial'] ? `, X-Gw-Partial: ${answer.headers['x-gw-partial']}` : '';
  console.log(`${answer.version} ${answer.status} (${answer.headers['content-type'] ?? 'no body'}${partial})${where}`);
  if (body.trim()) console.log(body.trim());
  console.log('');
}

if (process.stdout.isTTY) {
  console.log(`Still serving on ${ready.url}: try the curl lines above, or any route from the table. Ctrl-C stops.`);
  process.on('SIGINT', () => serve.kill('SIGTERM'));
  await new Promise((r) => serve.on('exit', r));
} else {
  serve.kill('SIGTERM');
  await new Promise((r) => serve.on('exit', r));
  console.log(`Explore the project yourself: cd ${dir} && node ${bin} serve`);
}

/** A JWT signed with HS256, for the demo's orders token. */
function hs256(payload, secret) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
