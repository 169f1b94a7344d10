/**
 * The request path as the router sees it, following nginx's rules where they matter:
 * - percent-encoded unreserved characters (A-Z a-z 0-9 - . _ ~) are decoded (%41 = A), so
 *   `/users/%6De` is `/users/me`; every other escape stays as sent, and %2F never splits a
 *   segment (`/files/a%2Fb` has two segments);
 * - empty segments are merged (`//a///b` = `/a/b`, nginx's merge_slashes), a trailing slash kept;
 * - `.` segments are dropped and `..` removes the segment before it (also when written %2E);
 *   a path that climbs above `/` is refused (400).
 * Returns the segments (raw, escapes kept) or undefined for a path to refuse.
 */
export function normalizePath(path: string): string[] | undefined {
  if (path.charCodeAt(0) !== 47) return undefined;
  const out: string[] = [];
  const parts = path.split('/');
  const last = parts.length - 1;
  for (let i = 1; i <= last; i++) {
    let s = parts[i]!;
    if (s.indexOf('%') !== -1) {
      s = decodeUnreserved(s);
      if (s === undefined) return undefined;
    }
    if (s === '' || s === '.') {
      if (i === last) out.push('');
      continue;
    }
    if (s === '..') {
      if (out.length === 0 || (out.length === 1 && out[0] === '')) return undefined;
      out.pop();
      if (i === last) out.push('');
      continue;
    }
    out.push(s);
  }
  // The root is no segments at all, as the model's "/" is.
  return out.length === 1 && out[0] === '' ? [] : out;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

function decodeUnreserved(segment: string): string {
  return segment.replace(/%([0-9A-Fa-f]{2})/g, (m, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(c) ? c : m.toUpperCase();
  });
}
