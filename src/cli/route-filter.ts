import { GwError } from '../diagnostics/gw-error.js';
import { suggestClosest } from '../diagnostics/suggest.js';
import type { Route } from '../model/types.js';

/** What `gw routes --service NAME --path PATTERN` keeps. */
export interface RouteFilter {
  services?: readonly string[];
  path?: string;
}

/**
 * The routes a filter keeps, in model order. `--service` names services of gw.yaml (an unknown
 * one is a usage error with a "did you mean"). `--path` without `*` is a prefix by whole segments
 * (`/users` keeps `/users` and `/users/{id}`, not `/users-admin`); with `*` it is a glob over the
 * whole public path template, `*` within one segment and `**` across segments.
 */
export function filterRoutes<R extends Pick<Route, 'service' | 'path'>>(
  routes: readonly R[],
  filter: RouteFilter,
  knownServices: readonly string[],
): R[] {
  for (const name of filter.services ?? []) {
    if (knownServices.includes(name)) continue;
    const close = suggestClosest(name, knownServices);
    throw GwError.of('GW_USAGE', `--service "${name}" names no service of this gateway`, {
      hints: [
        close ? `did you mean "${close}"?` : `the services are: ${[...knownServices].sort().join(', ') || 'none yet'}`,
      ],
    });
  }
  const services = filter.services?.length ? new Set(filter.services) : undefined;
  const matches = filter.path === undefined ? undefined : pathMatcher(filter.path);
  return routes.filter((r) => (!services || services.has(r.service)) && (!matches || matches(r.path)));
}

function pathMatcher(pattern: string): (path: string) => boolean {
  if (!pattern.startsWith('/')) {
    throw GwError.of('GW_USAGE', `--path "${pattern}" is not a path`, {
      hints: ['start it with "/": --path /users (a prefix) or --path "/users/*/orders" (a glob)'],
    });
  }
  if (pattern.includes('*')) {
    const body = pattern
      .split(/(\*\*|\*)/)
      .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    const re = new RegExp(`^${body}$`);
    return (path) => re.test(path);
  }
  const prefix = pattern.replace(/\/+$/, '');
  return (path) => prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}
