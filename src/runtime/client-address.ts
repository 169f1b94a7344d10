import { BlockList, isIP } from 'node:net';
import type { TrustedProxies } from '../model/types.js';

/** Who sent a request and over what: the client's address, and the scheme a trusted proxy reports (else undefined). */
export interface ClientOrigin {
  address: string;
  proto: 'http' | 'https' | undefined;
}

/** Finds a request's origin from its TCP peer and raw headers; compiled once per table. */
export type ClientResolver = (peer: string, raw: readonly string[]) => ClientOrigin;

/**
 * The model's trusted proxies as a resolver (null: none, the peer is the client). As nginx's
 * realip module with real_ip_recursive on: from the peer, while the address in hand is a trusted
 * proxy (and fewer than `hops` were passed), the next address from the right of X-Forwarded-For
 * (all its lines, in order) is taken; an entry that is no address ends the walk. Only from a
 * trusted peer is X-Forwarded-Proto believed, when it is one `http` or `https`.
 */
export function compileClientResolver(trusted: TrustedProxies | null): ClientResolver | null {
  if (trusted === null) return null;
  const list = new BlockList();
  for (const range of trusted.addresses) {
    const [address, length] = range.split('/') as [string, string];
    list.addSubnet(address, Number(length), isIP(address) === 4 ? 'ipv4' : 'ipv6');
  }
  const anyPeer = trusted.addresses.length === 0;
  const isTrusted = (ip: string) => anyPeer || list.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
  const most = trusted.hops ?? Number.POSITIVE_INFINITY;
  return (peer, raw) => {
    let address = unmapped(peer);
    if (!isTrusted(address)) return { address, proto: undefined };
    const { forwardedFor, proto } = forwardingHeaders(raw);
    const entries = forwardedFor === undefined ? [] : forwardedFor.split(/[\s,]+/).filter((e) => e !== '');
    let passed = 0;
    for (let i = entries.length - 1; i >= 0 && passed < most && isTrusted(address); i--, passed++) {
      const next = entryAddress(entries[i]!);
      if (next === undefined) break;
      address = next;
    }
    return { address, proto };
  };
}

function forwardingHeaders(raw: readonly string[]): { forwardedFor: string | undefined; proto: ClientOrigin['proto'] } {
  let forwardedFor: string | undefined;
  let proto: string | undefined;
  let protos = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 15 && name.toLowerCase() === 'x-forwarded-for') {
      forwardedFor = forwardedFor === undefined ? raw[i + 1]! : `${forwardedFor}, ${raw[i + 1]!}`;
    } else if (name.length === 17 && name.toLowerCase() === 'x-forwarded-proto') {
      proto = raw[i + 1]!.trim().toLowerCase();
      protos++;
    }
  }
  return { forwardedFor, proto: protos === 1 && (proto === 'http' || proto === 'https') ? proto : undefined };
}

/** An X-Forwarded-For entry's address: `192.0.2.7`, `192.0.2.7:443`, `2001:db8::7`, `[2001:db8::7]:443`. */
function entryAddress(entry: string): string | undefined {
  let text = entry;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end === -1 || (end + 1 < text.length && !/^:\d+$/.test(text.slice(end + 1)))) return undefined;
    text = text.slice(1, end);
  } else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.indexOf(':'));
  return isIP(text) !== 0 && !text.includes('%') ? unmapped(text.toLowerCase()) : undefined;
}

/** `::ffff:192.0.2.7` (an IPv4 client of a dual-stack socket) is 192.0.2.7. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
