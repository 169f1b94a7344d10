import type { Diagnostic, Location } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import type { OperationEntry } from './paths.js';

/**
 * Path keys with a `#` or `?` (`/webhdfs/v1/{path}#op=APPEND`, common in Azure specs, where the
 * suffix tells operations on one path apart). No request path holds either character: a client
 * never sends the fragment, and `?` starts the query string, which gw does not route on. Such
 * operations are left out of the gateway, with one GW_ROUTE_UNREACHABLE warning per path key.
 */
export class UnreachablePaths {
  private readonly byPath = new Map<string, { entry: OperationEntry; methods: string[] }>();

  /** True when the operation's path cannot be reached: it is remembered, and must be left out. */
  take(entry: OperationEntry): boolean {
    if (!/[?#]/.test(entry.path)) return false;
    const seen = this.byPath.get(entry.path);
    if (seen) seen.methods.push(entry.method);
    else this.byPath.set(entry.path, { entry, methods: [entry.method] });
    return true;
  }

  diagnostics(at: (pointer: string) => Location): Diagnostic[] {
    return [...this.byPath.values()].map(({ entry, methods }) => {
      const cut = entry.path.search(/[?#]/);
      const base = entry.path.slice(0, cut);
      const suffix = entry.path.slice(cut);
      const why = suffix.startsWith('#')
        ? `"#" starts a URL fragment, which clients never send`
        : `"?" starts the query string, and gw routes on the path alone`;
      const message =
        `path "${entry.path}" holds "${suffix}", which no request path can carry, ` +
        `so its operations (${methods.join(', ')}) are left out of the gateway`;
      return createDiagnostic('GW_ROUTE_UNREACHABLE', message, {
        locations: [at(entry.pathPointer)],
        hints: [
          `${why}; requests for "${base || '/'}" go to the spec's operation on that path, if it has one, ` +
            'and the upstream gets the query string as sent',
          'to serve these requests, describe one operation per method under that path; ' +
            'to silence this warning, set `x-gw: { exclude: true }` on this path item',
        ],
      });
    });
  }
}
