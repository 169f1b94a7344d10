import { randomUUID } from 'node:crypto';
import { withoutCookies } from './auth/strip-credentials.js';

/**
 * Hop-by-hop headers (RFC 9110 7.6.1) and their old spellings: never forwarded either way.
 * Expect is answered by the gateway itself (Node sends 100 Continue), so it is not passed on.
 */
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
  'expect',
]);

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's X-Request-Id when it is a plain token, else a fresh one. */
export function requestIdFrom(sent: string | string[] | undefined): string {
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
}

/** Names listed in Connection, which are hop-by-hop for this message only: every Connection line adds to `listed`. */
function connectionListed(value: string | undefined, listed: Set<string> | undefined): Set<string> | undefined {
  if (!value) return listed;
  const out = listed ?? new Set<string>();
  for (const item of value.toLowerCase().split(',')) {
    const name = item.trim();
    if (name !== '') out.add(name);
  }
  return out;
}

export interface ForwardedFacts {
  /** Length of a body that is sent as is; undefined for none or a chunked one. */
  contentLength: number | undefined;
  /** The TCP peer's address, appended to X-Forwarded-For: each proxy adds the one it got the request from. */
  peerIp: string;
  /** X-Forwarded-Proto: the connection's scheme, or the one a trusted proxy reported. */
  proto: string;
  host: string;
  requestId: string;
  upstreamHost: string | undefined;
  /** Lower-case names never forwarded: the consumer header a client sent, credential headers (auth). */
  drop?: ReadonlySet<string>;
  /** Cookies removed from Cookie (API keys sent as cookies). */
  dropCookies?: readonly string[];
  /** The authenticated consumer: header name and value, set upstream. */
  consumer?: readonly [string, string];
}

/**
 * Headers sent upstream, from the client's raw header list: hop-by-hop ones (and those named in
 * Connection) removed, X-Forwarded-For appended to, X-Forwarded-Proto/-Host and X-Request-Id set,
 * Host set to the upstream's unless preserved. Node has already refused CR/LF in any value.
 */
export function upstreamRequestHeaders(raw: readonly string[], f: ForwardedFacts): string[] {
  let listed: Set<string> | undefined;
  let forwardedFor: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === 'connection') listed = connectionListed(raw[i + 1], listed);
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    // HTTP/2's pseudo-headers (:method, :path, :authority, :scheme) are the request line and Host upstream.
    if (name.charCodeAt(0) === 58) continue;
    // Framing is the gateway's: the client's Content-Length is replaced by the parsed one (a header
    // named in Connection must never strip it, or the body would pass as a second request).
    if (HOP_BY_HOP.has(name) || name === 'content-length' || listed?.has(name) || f.drop?.has(name)) continue;
    if (name === 'cookie' && f.dropCookies && f.dropCookies.length > 0) {
      const kept = withoutCookies(raw[i + 1]!, f.dropCookies);
      if (kept !== '') out.push(raw[i]!, kept);
      continue;
    }
    if (name === 'x-forwarded-for') {
      forwardedFor = forwardedFor ? `${forwardedFor}, ${raw[i + 1]}` : raw[i + 1];
      continue;
    }
    if (name === 'x-forwarded-proto' || name === 'x-forwarded-host' || name === 'x-request-id') continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  if (f.contentLength !== undefined) out.push('content-length', String(f.contentLength));
  out.push('host', f.upstreamHost ?? f.host);
  out.push('x-forwarded-for', forwardedFor ? `${forwardedFor}, ${f.peerIp}` : f.peerIp);
  out.push('x-forwarded-proto', f.proto, 'x-forwarded-host', f.host, 'x-request-id', f.requestId);
  if (f.consumer) out.push(f.consumer[0], f.consumer[1]);
  return out;
}

/** Response headers from the upstream's flat list, for the client: hop-by-hop ones removed. */
export function clientResponseHeaders(raw: readonly string[], requestId: string): string[] {
  let listed: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 10 && raw[i]!.toLowerCase() === 'connection') listed = connectionListed(raw[i + 1], listed);
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if ((HOP_BY_HOP.has(lower) && lower !== 'host') || listed?.has(lower) || lower === 'x-request-id') continue;
    out.push(name, raw[i + 1]!);
  }
  out.push('x-request-id', requestId);
  return out;
}
