// The least a Node reverse proxy does, as a baseline for `gw serve` in bench/proxy.js: a node:http
// server, one undici Pool (keep-alive) to a single upstream, and per request: forward the method,
// the path (query included) and the headers minus hop-by-hop ones, stream the body up and the
// answer down with backpressure. No routing, no request id, no X-Forwarded-*, no retries, no
// timeouts beyond undici's defaults. It uses undici's dispatch() with a handler that receives the
// raw response headers, the same low-level API gw's Forward uses.
//
//   node bench/lib/bare-undici-proxy.mjs --upstream http://127.0.0.1:8081 [--host 127.0.0.1] [--port 0]
//
// Prints {"event":"ready","url":...} on stdout once listening; SIGTERM/SIGINT close it.

import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    upstream: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    connections: { type: 'string', default: '256' },
  },
});
if (!values.upstream) {
  process.stderr.write('bare-undici-proxy: --upstream URL is required\n');
  process.exit(2);
}

const pool = new Pool(values.upstream, {
  connections: Number(values.connections),
  pipelining: 1,
  keepAliveTimeout: 30_000,
});
const upstreamHost = new URL(values.upstream).host;

// RFC 9110 7.6.1, plus Host (undici sends the upstream's).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function requestHeaders(raw) {
  const out = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!HOP_BY_HOP.has(raw[i].toLowerCase())) out.push(raw[i], raw[i + 1]);
  }
  out.push('host', upstreamHost);
  return out;
}

function responseHeaders(raw) {
  const out = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toString('latin1');
    if (!HOP_BY_HOP.has(name.toLowerCase())) out.push(name, raw[i + 1].toString('latin1'));
  }
  return out;
}

class Forward {
  constructor(req, res) {
    this.req = req;
    this.res = res;
    this.abort = undefined;
    this.done = false;
    res.on('close', () => {
      if (!this.done) this.abort?.(new Error('client closed the connection'));
    });
  }
  onConnect(abort) {
    this.abort = abort;
  }
  onHeaders(statusCode, rawHeaders, resume) {
    this.res.writeHead(statusCode, responseHeaders(rawHeaders));
    this.res.on('drain', resume);
    return true;
  }
  onData(chunk) {
    return this.res.write(chunk);
  }
  onComplete() {
    this.done = true;
    this.res.end();
  }
  onError(err) {
    if (this.done) return;
    this.done = true;
    if (this.res.headersSent) this.res.destroy(err);
    else {
      this.res.writeHead(502, { 'content-type': 'text/plain' });
      this.res.end('bad gateway\n');
    }
  }
}

const server = createServer((req, res) => {
  const te = req.headers['transfer-encoding'];
  const hasBody = te !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  pool.dispatch(
    { path: req.url, method: req.method, headers: requestHeaders(req.rawHeaders), body: hasBody ? req : null },
    new Forward(req, res),
  );
});

server.listen(Number(values.port), values.host, () => {
  const a = server.address();
  process.stdout.write(`${JSON.stringify({ event: 'ready', url: `http://${a.address}:${a.port}` })}\n`);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  pool.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
