import type { IncomingMessage } from 'node:http';
import type { Code } from '../diagnostics/codes.js';
import type { Edge } from '../model/types.js';
import type { RequestFacts } from './proxy.js';
import { HAS_HOST, ODD_CODING, ODD_CONTENT_TYPES, ODD_HOSTS, ODD_UNDERSCORE } from './read-facts.js';

/** A request the gateway refuses from its head alone; the connection is closed after the answer (as nginx does). */
export interface HeadRefusal {
  code: Code;
  detail: string;
}

/**
 * RFC 3986's host (a name, an IPv4 address or a bracketed IPv6 literal) and an optional port: what a Host header may
 * hold.
 */
const VALID_HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::[0-9]{0,5})?$/;

// Built once: refusing allocates nothing.
const TWO_HOSTS: HeadRefusal = { code: 'GW_HTTP_BAD_REQUEST', detail: 'the request has more than one Host header' };
const BAD_HOST: HeadRefusal = {
  code: 'GW_HTTP_BAD_REQUEST',
  detail: 'the Host header is not a host name or address, with a port or not',
};
const CODING: HeadRefusal = {
  code: 'GW_HTTP_TRANSFER_ENCODING',
  detail: 'the body uses a transfer coding other than chunked',
};
const OLD_CODING: HeadRefusal = {
  code: 'GW_HTTP_BAD_REQUEST',
  detail: 'an HTTP/1.0 request cannot use Transfer-Encoding',
};
const TWO_TYPES: HeadRefusal = {
  code: 'GW_HTTP_BAD_REQUEST',
  detail: 'the request has more than one Content-Type header',
};

/**
 * Judges what readFacts noticed, before routing: two Host headers or one that is not
 * `host[:port]`, a transfer coding other than chunked (501, as nginx), Transfer-Encoding in
 * HTTP/1.0, two Content-Type headers. A request that passes has its headers with "_" in their
 * names removed when edge.underscoresInHeaders is drop, so no later stage (auth, limits,
 * validation, the upstream) ever sees them.
 */
export function checkHead(req: IncomingMessage, facts: RequestFacts, edge: Edge): HeadRefusal | undefined {
  const odd = facts.oddities;
  if ((odd & ODD_HOSTS) !== 0) return TWO_HOSTS;
  if ((odd & HAS_HOST) !== 0 && !VALID_HOST.test(facts.host)) return BAD_HOST;
  if (facts.chunked) {
    if ((odd & ODD_CODING) !== 0) return CODING;
    if (req.httpVersionMinor === 0) return OLD_CODING;
  }
  if ((odd & ODD_CONTENT_TYPES) !== 0) return TWO_TYPES;
  if ((odd & ODD_UNDERSCORE) !== 0 && edge.underscoresInHeaders === 'drop') dropUnderscoreHeaders(req);
  return undefined;
}

/** Removes every header whose name has "_" from the request's raw list and its header object. */
function dropUnderscoreHeaders(req: IncomingMessage): void {
  const raw = req.rawHeaders;
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.indexOf('_') === -1) kept.push(name, raw[i + 1]!);
    else delete req.headers[name.toLowerCase()];
  }
  // Defined, not assigned: an HTTP/2 request's rawHeaders is a getter without a setter.
  Object.defineProperty(req, 'rawHeaders', { value: kept, writable: true, configurable: true });
}
