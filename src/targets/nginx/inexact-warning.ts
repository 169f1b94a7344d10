import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import type { KindOf } from '../../diagnostics/kinds.js';
import type { Route, Source } from '../../model/types.js';

/**
 * A GW_TARGET_INEXACT warning of the NGINX target: its kind (diagnostics/kinds.ts), what nginx
 * does unlike gw serve, the model elements it concerns (`at`, each pointing back to its spec or
 * gw.yaml), and what to do. Every view makes its warnings through this one function.
 */
export function inexactWarning(
  kind: KindOf<'GW_TARGET_INEXACT'>,
  message: string,
  at: readonly { source: Source }[],
  hint: string,
): Diagnostic {
  const routes = at.flatMap((x) => ('method' in x && 'id' in x && typeof x.id === 'string' ? [x.id] : []));
  return createDiagnostic('GW_TARGET_INEXACT', `nginx: ${message}`, {
    kind,
    locations: at.map(({ source }) => ({ file: source.file, pointer: source.pointer })),
    ...(routes.length > 0 ? { subjects: routes } : {}),
    hints: [hint],
  });
}

/** Routes a warning names: the first five, in model order. */
export function firstRoutes(routes: readonly Route[]): readonly Route[] {
  return routes.slice(0, 5);
}

/** `GET /a, POST /b and 3 more`: the routes a warning is about, in words. */
export function routesText(routes: readonly Route[]): string {
  const names = firstRoutes(routes).map((r) => `${r.method} ${r.path}`);
  return `${names.join(', ')}${routes.length > 5 ? ` and ${routes.length - 5} more` : ''}`;
}
