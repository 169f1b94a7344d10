import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import type { Gateway, Route, SecurityScheme } from '../../model/types.js';

/**
 * The GW_TARGET_INEXACT warnings of the Envoy target: what Envoy does differently from gw serve
 * (docs/targets/envoy.md, "What differs from gw serve"), per route, per security scheme, or for
 * the listener.
 */
export function inexact(r: Route, what: string): Diagnostic {
  return createDiagnostic('GW_TARGET_INEXACT', `envoy: ${r.method} ${r.path} (${r.id}): ${what}`, {
    locations: [{ file: r.source.file, pointer: r.source.pointer }],
    hints: ['see docs/targets/envoy.md, "What differs from gw serve"'],
  });
}

export function schemeNote(s: SecurityScheme, what: string): Diagnostic {
  return createDiagnostic('GW_TARGET_INEXACT', `envoy: security scheme ${s.id}: ${what}`, {
    locations: [{ file: s.source.file, pointer: s.source.pointer }],
    hints: ['see docs/targets/envoy.md, "Authentication"'],
  });
}

export function listenHostNote(gateway: Gateway): Diagnostic {
  return createDiagnostic(
    'GW_TARGET_INEXACT',
    `envoy: listen.host "${gateway.listen.host}" is not an IP address, and Envoy listens on addresses only; the listener uses 0.0.0.0`,
    {
      locations: [{ file: 'gw.yaml', pointer: '#/listen/host' }],
      hints: ['set listen.host in gw.yaml to an IP address such as 127.0.0.1 or 0.0.0.0'],
    },
  );
}
