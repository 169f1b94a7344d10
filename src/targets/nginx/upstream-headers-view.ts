import { nginxRegex, regexLiteral } from './escape.js';
import type { RouteAuthView } from './auth-view.js';

/** `proxy_set_header <header> <variable>`, a map on $gw_headers: consumer headers and credentials removed per route. */
export interface HeaderMapView {
  /** As nginx.conf prints it (quoted). */
  header: string;
  variable: string;
  entries: { match: string; value: string }[];
  fallback: string;
  /** The value for every route, when all routes treat the header alike: then no map and no `set $gw_headers`. */
  value: string | null;
}

export interface UpstreamHeadersPlan {
  headers: HeaderMapView[];
  /** Per route: its `$gw_headers` text, or null when every route has the same (then no route sets it). */
  routeText(auth: RouteAuthView): string | null;
}

/**
 * What goes upstream instead of credentials (docs/targets/nginx.md, "What goes upstream"): each
 * route says in `$gw_headers` which headers it replaces with the consumer (`|c:x-consumer|`) and
 * which it removes (`|d:authorization|`); a map per header turns that into the header's value.
 * `njs`: gw-auth.js runs, so `$gw_consumer` has a value.
 */
export function planUpstreamHeaders(routes: Iterable<RouteAuthView>, njs: boolean): UpstreamHeadersPlan {
  const use = new Map<string, { name: string; consumer: boolean; drop: boolean }>();
  const mark = (name: string, how: 'consumer' | 'drop') => {
    const key = name.toLowerCase();
    const u = use.get(key) ?? { name, consumer: false, drop: false };
    u[how] = true;
    use.set(key, u);
  };
  const texts = new Set<string>();
  for (const a of routes) {
    mark(a.consumerHeader, a.policy === null ? 'drop' : 'consumer');
    for (const h of a.dropHeaders) mark(h, 'drop');
    texts.add(headersText(a));
  }
  // When every route sends the same $gw_headers (no auth anywhere, or the same everywhere), each header's value is
  // known here: printed as is, with no map to evaluate and no `set` in every location.
  const uniform = texts.size === 1 ? [...texts][0] : undefined;
  const headers = [...use.entries()]
    .filter(([, u]) => /^[A-Za-z0-9-]+$/.test(u.name))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, u]): HeaderMapView => {
      const entries: HeaderMapView['entries'] = [];
      if (u.consumer && njs)
        entries.push({ match: nginxRegex(`~\\|c:${regexLiteral(key)}\\|`), value: '$gw_consumer' });
      if (u.consumer || u.drop) entries.push({ match: nginxRegex(`~\\|[cd]:${regexLiteral(key)}\\|`), value: '""' });
      const fallback = `$http_${key.replace(/-/g, '_')}`;
      let value: string | null = null;
      if (uniform !== undefined) {
        if (uniform.includes(`|c:${key}|`)) value = u.consumer && njs ? '$gw_consumer' : '""';
        else if (uniform.includes(`|d:${key}|`)) value = '""';
        else value = fallback;
      }
      return { header: u.name, variable: `$gw_h_${key.replace(/[^a-z0-9]/g, '_')}`, entries, fallback, value };
    });
  return { headers, routeText: (a) => (uniform === undefined ? headersText(a) : null) };
}

function headersText(a: RouteAuthView): string {
  const consumer = a.consumerHeader.toLowerCase();
  if (a.policy === null) return `|d:${consumer}|`;
  return `|c:${consumer}|${a.dropHeaders.map((h) => `d:${h.toLowerCase()}|`).join('')}`;
}
