/**
 * JSON pointers (RFC 6901), the one place that escapes and unescapes their reference tokens:
 * '~' is written '~0' and '/' is written '~1'. Diagnostics, model `source`s and the runtime's
 * validation answers all point with them.
 */

/** "/users" -> "~1users": one key as a reference token. */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** "~1users" -> "/users": one reference token back to its key ('~1' first, so "~01" stays "~1"). */
export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** "#/paths/~1users/get" -> ["paths", "/users", "get"] */
export function parsePointer(pointer: string): string[] {
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (body === '' || body === '/') return [];
  return body.slice(1).split('/').map(unescapePointerToken);
}

/** ["paths", "/users", "get"] -> "#/paths/~1users/get" */
export function formatPointer(segments: readonly (string | number)[]): string {
  return `#${segments.map((s) => `/${escapePointerToken(s)}`).join('')}`;
}
