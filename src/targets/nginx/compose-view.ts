import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Gateway } from '../../model/types.js';
import { inexactWarning } from './inexact-warning.js';

/**
 * Composite routes (docs/composition.md): nginx does not run them yet. Each one's location answers
 * 501 GW_HTTP_COMPOSE_UNSUPPORTED (handler-view.ts), and `gw build` says so, one warning per route
 * naming what is missing.
 */
export function composeWarnings(gateway: Gateway): Diagnostic[] {
  return gateway.routes
    .filter((r) => r.compose !== undefined)
    .map((r) =>
      inexactWarning(
        'nginx.compose',
        `route ${r.method} ${r.path} (${r.id}) is a composite of ${r.compose!.steps.length} steps, which nginx ` +
          'does not run yet (no njs subrequests for its steps); it answers 501 GW_HTTP_COMPOSE_UNSUPPORTED',
        [r],
        'serve composite routes from gw serve or the Node gateway (gw build --target node); docs/composition.md',
      ),
    );
}
