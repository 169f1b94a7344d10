import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Edge, ProblemType } from '../../model/types.js';
import { inexactWarning } from './inexact-warning.js';
import { problemView } from './problems-view.js';

/** Who the client is and which hosts are answered (the model's edge): realip, maps, server_name. */
export interface NginxClientView {
  /** The realip module and the forwarded headers' maps (edge.trustedProxies); null: the TCP peer is the client. */
  trusted: {
    /** set_real_ip_from, one per range (every address when the model trusts any peer). */
    from: string[];
    /** real_ip_recursive: on walks X-Forwarded-For through every trusted address; off takes one hop. */
    recursive: 'on' | 'off';
    /** The geo block that tells a trusted peer ($realip_remote_addr): 1 for any peer, else per range. */
    anyPeer: boolean;
  } | null;
  /** server_name: `_` first, so a request without Host ($host `_`) is an unknown host, then the names. */
  serverName: string;
  /** The map of known hosts and the 421 answer (edge.serverNames); null: any host. */
  hosts: { names: string[]; body: string } | null;
  /** X-Forwarded-For upstream: the header with the TCP peer appended (realip changes $remote_addr to the client). */
  forwardedFor: string;
  /** X-Forwarded-Proto upstream: $scheme, or a trusted peer's own. */
  forwardedProto: string;
}

/**
 * edge.trustedProxies as nginx's realip module (nginx.org/en/docs/http/ngx_http_realip_module.html),
 * X-Forwarded-Proto believed from trusted peers only, and edge.serverNames as a `hostnames` map
 * (ngx_http_map_module) that a server-level `if` answers 421 from. nginx counts one hop at most:
 * real_ip_recursive is all trusted addresses or one.
 */
export function buildNginxClientView(
  edge: Edge,
  problems: readonly ProblemType[],
): { view: NginxClientView; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const t = edge.trustedProxies;
  let trusted: NginxClientView['trusted'] = null;
  if (t !== null) {
    const anyPeer = t.addresses.length === 0;
    trusted = {
      from: anyPeer ? ['0.0.0.0/0', '::/0'] : t.addresses,
      recursive: t.hops === 1 || (anyPeer && t.hops !== null) ? 'off' : 'on',
      anyPeer,
    };
    if (t.hops !== null && t.hops > 1) diagnostics.push(hopsWarning(t.hops, anyPeer));
  }
  const unknown = problems.find((p) => p.code === 'GW_HTTP_UNKNOWN_HOST')!;
  const hosts =
    edge.serverNames.length === 0
      ? null
      : { names: edge.serverNames, body: problemView(unknown, 'this gateway does not answer for this host', []).body };
  const serverName = ['_', ...edge.serverNames].join(' ');
  const forwardedFor = trusted ? '$gw_forwarded_for' : '$proxy_add_x_forwarded_for';
  const forwardedProto = trusted ? '$gw_forwarded_proto' : '$scheme';
  return { view: { trusted, serverName, hosts, forwardedFor, forwardedProto }, diagnostics };
}

function hopsWarning(hops: number, anyPeer: boolean): Diagnostic {
  const does = anyPeer
    ? 'takes only the last X-Forwarded-For entry (real_ip_recursive off), one hop'
    : 'passes every trusted address in X-Forwarded-For (real_ip_recursive on), however many';
  return inexactWarning(
    'nginx.trusted-hops',
    `edge.trustedProxies.hops is ${hops}, and nginx cannot count hops: it ${does}`,
    [{ source: { file: 'gw.yaml', pointer: '#/edge/trustedProxies/hops' } }],
    'list the proxies in edge.trustedProxies.addresses: nginx then finds the client by address, as gw serve does',
  );
}
