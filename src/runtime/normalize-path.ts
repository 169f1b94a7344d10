/**
 * The request path as the router sees it and as it is forwarded, following nginx's rules so
 * that `gw serve`, the Node target and the generated NGINX config route alike:
 * - every escape is decoded first (`/users/%6De` is `/users/me`), `%2F` included: a decoded
 *   slash separates segments, as in nginx (`/orders/a%2Fb/items` has four segments); a bad
 *   escape (`%zz`) or a decoded NUL is refused (400);
 * - empty segments are merged (`//a///b` = `/a/b`, nginx's merge_slashes), a trailing slash kept;
 * - `.` segments are dropped and `..` removes the segment before it (also when written %2E);
 *   a path that climbs above `/` is refused (400);
 * - each segment is escaped again the way nginx escapes a URI it forwards: space, `#`, `%`, `?`,
 *   control characters and bytes from 0x7F up become `%XX`; everything else is sent as is.
 * Returns the segments in that forwarded form, or undefined for a path to refuse.
 */
export function normalizePath(path: string): string[] | undefined {
  if (path.charCodeAt(0) !== 47) return undefined;
  let text = path;
  if (path.indexOf('%') !== -1) {
    const decoded = percentDecode(path);
    if (decoded === undefined) return undefined;
    text = decoded;
  }
  const out: string[] = [];
  const parts = text.split('/');
  const last = parts.length - 1;
  for (let i = 1; i <= last; i++) {
    const s = parts[i]!;
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
    out.push(needsEscape(s) ? escapeSegment(s) : s);
  }
  // The root is no segments at all, as the model's "/" is.
  return out.length === 1 && out[0] === '' ? [] : out;
}

/** `%XX` to the byte it names (as a latin1 character); undefined for a malformed escape or NUL. */
function percentDecode(text: string): string | undefined {
  let out = '';
  let from = 0;
  for (let i = text.indexOf('%'); i !== -1; i = text.indexOf('%', from)) {
    const code = parseInt(text.slice(i + 1, i + 3), 16);
    if (!/^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3)) || code === 0) return undefined;
    out += text.slice(from, i) + String.fromCharCode(code);
    from = i + 3;
  }
  return out + text.slice(from);
}

/** nginx's NGX_ESCAPE_URI set: controls, space, #, %, ?, DEL and up. */
function escapes(code: number): boolean {
  return code <= 0x20 || code === 0x23 || code === 0x25 || code === 0x3f || code >= 0x7f;
}

function needsEscape(segment: string): boolean {
  for (let i = 0; i < segment.length; i++) if (escapes(segment.charCodeAt(i))) return true;
  return false;
}

function escapeSegment(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    out += escapes(c) ? `%${c.toString(16).toUpperCase().padStart(2, '0')}` : segment[i];
  }
  return out;
}
