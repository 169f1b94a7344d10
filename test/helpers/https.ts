import { type ClientHttp2Session, connect as connectH2 } from 'node:http2';
import { Agent, request } from 'node:https';
import type { PeerCertificate } from 'node:tls';
import type { Answer } from '../scenarios/scenarios.js';

/** How a test client reaches a TLS listener: the CA it trusts, the name it asks for (SNI), the protocol. */
export interface TlsClient {
  ca: string;
  /** The SNI name; none when absent and the URL's host is an IP address (Node sends none then). */
  servername?: string;
  protocol: 'http/1.1' | 'h2';
}

/** An answer with the protocol spoken and the fingerprint of the certificate the server sent. */
export type TlsAnswer = Answer & { protocol: string; certificate: string };

/** Headers HTTP/2 has no place for (RFC 9113 8.2.2): a client cannot send them over h2 at all. */
const H2_FORBIDDEN = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

const agents = new Map<string, Agent>();
const sessions = new Map<string, ClientHttp2Session>();

/** One request over TLS, HTTP/1.1 (a keep-alive agent per CA and name) or h2 (one session per base, CA and name). */
export function sendTls(
  base: string,
  client: TlsClient,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
  timeoutMs = 10_000,
): Promise<TlsAnswer> {
  const withLength = body !== undefined ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers;
  return client.protocol === 'h2'
    ? sendH2(base, client, method, path, withLength, body, timeoutMs)
    : sendH1(base, client, method, path, withLength, body, timeoutMs);
}

function sendH1(
  base: string,
  client: TlsClient,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  timeoutMs: number,
): Promise<TlsAnswer> {
  const u = new URL(base);
  const key = `${client.ca}\u0000${client.servername ?? ''}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({
      keepAlive: true,
      maxSockets: 64,
      ca: client.ca,
      // '' sends no SNI, and the certificate is checked against the URL's host whatever Host header is sent.
      servername: client.servername ?? '',
      ALPNProtocols: ['http/1.1'],
    });
    agents.set(key, agent);
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers, agent }, (res) => {
      // Read now: once the answer ends, the agent takes the socket back.
      const certificate = subjectOf((res.socket as import('node:tls').TLSSocket).getPeerCertificate());
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers as Record<string, string>,
          body: Buffer.concat(chunks).toString('utf8'),
          protocol: `HTTP/${res.httpVersion}`,
          certificate,
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer to ${method} ${path} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function session(base: string, client: TlsClient): ClientHttp2Session {
  const key = `${base}\u0000${client.ca}\u0000${client.servername ?? ''}`;
  const open = sessions.get(key);
  if (open && !open.closed && !open.destroyed) return open;
  const s = connectH2(base, { ca: client.ca, servername: client.servername, ALPNProtocols: ['h2'] });
  s.on('error', () => sessions.delete(key));
  s.on('close', () => sessions.delete(key));
  s.unref();
  sessions.set(key, s);
  return s;
}

function sendH2(
  base: string,
  client: TlsClient,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  timeoutMs: number,
): Promise<TlsAnswer> {
  const s = session(base, client);
  const h2Headers: Record<string, string> = { ':method': method, ':path': path };
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (H2_FORBIDDEN.has(name) || (name === 'te' && v !== 'trailers')) continue;
    // A Host header becomes :authority, as a browser's would.
    if (name === 'host') h2Headers[':authority'] = v;
    else h2Headers[name] = v;
  }
  return new Promise((resolve, reject) => {
    const stream = s.request(h2Headers, { endStream: body === undefined });
    const chunks: Buffer[] = [];
    let status = 0;
    let answerHeaders: Record<string, string> = {};
    stream.setTimeout(timeoutMs, () => stream.close());
    stream.on('response', (h) => {
      status = Number(h[':status']);
      answerHeaders = Object.fromEntries(
        Object.entries(h)
          .filter(([k]) => !k.startsWith(':'))
          .map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
      );
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () =>
      resolve({
        status,
        headers: answerHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
        protocol: 'HTTP/2',
        certificate: subjectOf((s.socket as import('node:tls').TLSSocket).getPeerCertificate()),
      }),
    );
    stream.on('close', () => {
      if (status === 0) reject(new Error(`no answer to ${method} ${path} (h2 stream closed, code ${stream.rstCode})`));
    });
    stream.on('error', reject);
    if (body !== undefined) stream.end(body);
  });
}

/** The server certificate's SHA-256 fingerprint, as X509Certificate.fingerprint256 gives it. */
function subjectOf(cert: PeerCertificate): string {
  return cert?.fingerprint256 ?? '';
}

/** Closes every HTTP/2 session and keep-alive agent the helper opened. */
export function closeTlsClients(): void {
  for (const s of sessions.values()) s.destroy();
  sessions.clear();
  for (const a of agents.values()) a.destroy();
  agents.clear();
}
