import { requestChannel } from './events.js';
import { requestIdFrom } from './headers.js';
import type { RequestFacts } from './proxy.js';

/**
 * What the one pass over the raw headers notices for checkHead (check-head.ts) to judge: bits of
 * RequestFacts.oddities.
 */
export const ODD_UNDERSCORE = 1;
export const ODD_HOSTS = 2;
export const ODD_CONTENT_TYPES = 4;
/** A Transfer-Encoding other than one `chunked` (Node's parser has refused the rest of the wrong ones). */
export const ODD_CODING = 8;
/** At least one Host header (HTTP/1.0 may have none). */
export const HAS_HOST = 16;

/**
 * Facts about the request, from one pass over its raw headers: request id, Host, framing, the
 * headers some stage reads, and (as bits) what the gateway may have to refuse. Names are compared
 * by length first, so most headers cost one comparison.
 */
export function readFacts(raw: readonly string[]): RequestFacts {
  let requestId: string | undefined;
  let host = '';
  let contentLength: number | undefined;
  let contentType: string | undefined;
  let chunked = false;
  let prefer: string | undefined;
  let origin: string | undefined;
  let step: string | undefined;
  let odd = 0;
  let authority: string | undefined;
  let upgrade: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const n = name.length;
    if (n === 4 && name.toLowerCase() === 'host') {
      if ((odd & HAS_HOST) !== 0) odd |= ODD_HOSTS;
      odd |= HAS_HOST;
      host = raw[i + 1]!;
    } else if (n === 12) {
      const lower = name.toLowerCase();
      if (lower === 'x-request-id') requestId = raw[i + 1];
      else if (lower === 'content-type') {
        if (contentType !== undefined) odd |= ODD_CONTENT_TYPES;
        contentType = raw[i + 1];
      }
    } else if (n === 14 && name.toLowerCase() === 'content-length') contentLength = Number(raw[i + 1]);
    else if (n === 17 && name.toLowerCase() === 'transfer-encoding') {
      if (chunked || raw[i + 1]!.toLowerCase() !== 'chunked') odd |= ODD_CODING;
      chunked = true;
    } else if (n === 10 && name === ':authority') authority = raw[i + 1];
    else if (n === 7 && name.toLowerCase() === 'upgrade') upgrade = raw[i + 1];
    else if (n === 6) {
      const lower = name.toLowerCase();
      if (lower === 'prefer') prefer = raw[i + 1];
      else if (lower === 'origin') origin = raw[i + 1];
    } else if (n === 9 && name.toLowerCase() === 'x-gw-step') step = raw[i + 1];
    if (name.indexOf('_') !== -1) odd |= ODD_UNDERSCORE;
  }
  // HTTP/2 names the host in :authority (RFC 9113 8.3.1); a Host header, when sent too, is read as over HTTP/1.1.
  if (authority !== undefined && (odd & HAS_HOST) === 0) host = authority;
  const start = requestChannel.hasSubscribers ? performance.now() : 0;
  return {
    requestId: requestIdFrom(requestId),
    client: '',
    peer: '',
    host,
    contentLength,
    contentType,
    chunked,
    prefer,
    origin,
    oddities: odd,
    websocket: upgrade !== undefined && /(^|[\s,])websocket([\s,]|$)/i.test(upgrade),
    start,
    ...(step !== undefined ? { step } : {}),
  };
}
