import { isIPv4, isIPv6 } from 'node:net';

/** An address or CIDR range from gw.yaml: its model form (`address/length`, lower case), or what is wrong with it. */
export type IpRangeResult = { ok: true; range: string } | { ok: false; why: string; suggestion?: string };

/**
 * Reads `192.0.2.7`, `10.0.0.0/8`, `2001:db8::/32`: an address is a range of one. A range whose
 * address has bits set after the prefix length is refused, with the range it probably means (nginx
 * would only warn, and ignore those bits).
 */
export function parseIpRange(text: string): IpRangeResult {
  const slash = text.indexOf('/');
  const address = (slash === -1 ? text : text.slice(0, slash)).toLowerCase();
  const v4 = isIPv4(address);
  if (!v4 && (!isIPv6(address) || address.includes('%'))) return { ok: false, why: '' };
  const bits = v4 ? 32 : 128;
  const lengthText = slash === -1 ? String(bits) : text.slice(slash + 1);
  const length = /^\d{1,3}$/.test(lengthText) ? Number(lengthText) : Number.NaN;
  if (!(length <= bits)) return { ok: false, why: `: an IPv${v4 ? 4 : 6} prefix length is 0 to ${bits}` };
  const bytes = addressBytes(address);
  const network = bytes.map((b, i) => b & maskByte(length - i * 8));
  if (network.some((b, i) => b !== bytes[i])) {
    return { ok: false, why: '', suggestion: `${formatAddress(network, v4)}/${length}` };
  }
  return { ok: true, range: `${address}/${length}` };
}

/** The mask of one byte whose first `ones` bits (clamped to 0..8) are set. */
function maskByte(ones: number): number {
  const n = Math.max(0, Math.min(8, ones));
  return (0xff << (8 - n)) & 0xff;
}

/** The 4 or 16 bytes of an address Node has already judged valid (IPv6 with `::` and a dotted IPv4 end). */
function addressBytes(address: string): number[] {
  if (isIPv4(address)) return address.split('.').map(Number);
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const words = (part: string) => (part === '' ? [] : part.split(':'));
  const left = words(head);
  const right = tail === undefined ? [] : words(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.flatMap((w) => {
    const n = Number.parseInt(w, 16);
    return [n >> 8, n & 0xff];
  });
}

function formatAddress(bytes: readonly number[], v4: boolean): string {
  if (v4) return bytes.join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return words.join(':');
}
