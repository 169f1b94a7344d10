import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { ProblemType, Route } from '../../model/types.js';
import { nginxRegex, regexLiteral } from './escape.js';
import { inexactWarning, routesText } from './inexact-warning.js';
import { problemView } from './problems-view.js';

/**
 * The model's `effective.websocket` in nginx (docs/targets/nginx.md, "WebSocket"). Before any location, the server
 * refuses a handshake (`$gw_handshake`: Upgrade names websocket) that no WebSocket route's path takes (400) or that
 * comes from an origin its route does not allow (403); the location of a WebSocket route sets `$gw_websocket`, so
 * only there do `Upgrade` and `Connection: upgrade` go upstream, and nginx tunnels the upstream's 101. Its
 * proxy_read_timeout is the idle timeout.
 */
export interface NginxWebSocketView {
  /** `$gw_not_websocket`: handshakes on the paths of WebSocket GET routes pass (0), all others are refused (1). */
  paths: string[];
  /** `$gw_ws_origin_refused` entries: per WebSocket route with origins, the allowed ones (0), then the rest (1). */
  origins: { match: string; value: number }[];
  /** Some route tunnels: the Upgrade and Connection maps and their proxy_set_header lines are printed. */
  tunnels: boolean;
  /** gw's 400 GW_HTTP_NOT_WEBSOCKET and 403 GW_HTTP_CORS_REJECTED, as `return` texts. */
  refusal: string;
  originRefusal: string;
}

export function buildNginxWebSocketView(
  routes: readonly Route[],
  problems: readonly ProblemType[],
): { view: NginxWebSocketView; diagnostics: Diagnostic[] } {
  const ws = routes.filter((r) => r.effective.websocket !== null);
  const body = (r: Route) => r.match.regex.slice(1, -1);
  const origins = ws.flatMap((r) => {
    const allowed = r.effective.websocket!.origins;
    if (allowed === null) return [];
    const list = allowed.map(regexLiteral).join('|');
    return [
      { match: nginxRegex(`~^1:GET:${body(r)}:(?:(?i:${list})/*)?$`), value: 0 },
      { match: nginxRegex(`~^1:GET:${body(r)}:`), value: 1 },
    ];
  });
  const problem = (code: string) => problems.find((p) => p.code === code)!;
  const lifetime = ws.filter((r) => r.effective.websocket!.maxLifetimeMs !== null);
  const diagnostics =
    lifetime.length === 0
      ? []
      : [
          inexactWarning(
            'nginx.websocket-lifetime',
            `${routesText(lifetime)}: websocket.maxLifetime: nginx has no limit on a tunnel's life; it closes ` +
              'a tunnel only when it is idle',
            lifetime.slice(0, 5),
            'close long tunnels from the upstream, or run gw serve or Envoy where the limit matters',
          ),
        ];
  return {
    view: {
      paths: ws.map((r) => nginxRegex(`~^1:GET:${body(r)}$`)),
      origins,
      tunnels: ws.length > 0,
      refusal: problemView(
        problem('GW_HTTP_NOT_WEBSOCKET'),
        'this route takes no WebSocket handshakes; set websocket: true in the x-gw of its operation ' +
          '(or path, service, gateway), or in gw.yaml',
        [],
      ).body,
      originRefusal: problemView(problem('GW_HTTP_CORS_REJECTED'), 'the origin may not open a WebSocket here', []).body,
    },
    diagnostics,
  };
}
