/**
 * Removing a credential before the request goes upstream: a query parameter (from `?...`, kept
 * byte for byte otherwise) or a cookie (from a Cookie header value). Names compare as the
 * credential reader decodes them.
 */
export function withoutQueryParams(search: string, names: readonly string[]): string {
  if (search.length <= 1) return search;
  const kept = search
    .slice(1)
    .split('&')
    .filter((part) => {
      const eq = part.indexOf('=');
      const raw = eq === -1 ? part : part.slice(0, eq);
      let name = raw;
      try {
        name = decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        // Not a name the reader could have matched either.
      }
      return !names.includes(name);
    });
  return kept.length === 0 ? '' : `?${kept.join('&')}`;
}

/** The Cookie header value without the named cookies; '' when none is left. */
export function withoutCookies(value: string, names: readonly string[]): string {
  return value
    .split(';')
    .filter((part) => {
      const eq = part.indexOf('=');
      return !names.includes((eq === -1 ? part : part.slice(0, eq)).trim());
    })
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .join('; ');
}

/**
 * The request target for logs: the values of credential query parameters replaced by `***` (kept byte for byte
 * otherwise).
 */
export function redactQueryParams(url: string, names: readonly string[]): string {
  const q = url.indexOf('?');
  if (q === -1 || names.length === 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq === -1) return part;
      let name = part.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        return part;
      }
      return names.includes(name) ? `${part.slice(0, eq)}=***` : part;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}
