import { isIP } from 'node:net';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Gateway, Target, Upstream } from '../../model/types.js';
import type { RenderOptions } from '../types.js';
import { nginxComment, nginxName, nginxString, nginxTime } from './escape.js';
import { inexactWarning } from './inexact-warning.js';

/** `upstream gw_<id> { server ...; keepalive 32; }`: an upstream whose targets are IP addresses or localhost. */
export interface UpstreamView {
  name: string;
  comment: string;
  balancing: string | null;
  servers: { address: string; params: string }[];
  /** keepalive_timeout: the model's edge.upstreamIdleTimeoutMs, shorter than upstreams' own idle timeouts. */
  idleTimeout: string;
}

/** Upstreams whose targets are hostnames: resolved per request through `resolver`, picked by weight. */
export interface SplitView {
  variable: string;
  comment: string;
  choices: { share: string; url: string }[];
  /**
   * The targets' `authority` (their Host) split on the same key with the same shares, so a request
   * sends the Host of the target it goes to; null when every target has the same.
   */
  host: { variable: string; choices: { share: string; value: string }[] } | null;
}

/** The upstreams of the NGINX target (docs/targets/nginx.md, "Upstream hostnames and `nginx -t`"). */
export interface UpstreamsPlan {
  upstreams: UpstreamView[];
  splits: SplitView[];
  /** `resolver` arguments (gw.yaml build.nginx.resolver), or null. */
  resolver: string | null;
  diagnostics: Diagnostic[];
}

/**
 * nginx resolves the hostnames of `upstream` blocks once, at start, and refuses to start when one
 * does not resolve: so only upstreams of IP addresses or localhost get a block (keep-alive, passive
 * ejection); the others are picked per request by `split_clients` and resolved by `resolver`.
 */
export function planUpstreams(gateway: Gateway, options: RenderOptions): UpstreamsPlan {
  const resolver = options.nginx?.resolver?.length ? `${options.nginx.resolver.join(' ')} valid=30s ipv6=off` : null;
  const upstreams: UpstreamView[] = [];
  const splits: SplitView[] = [];
  const unresolved: Upstream[] = [];
  const idle = nginxTime(gateway.edge.upstreamIdleTimeoutMs);
  for (const u of gateway.upstreams) {
    if (u.targets.length === 0) continue;
    if (!byAddress(u)) unresolved.push(u);
    if (oneBlock(u)) upstreams.push(upstreamBlock(u, idle));
    else {
      if (byAddress(u)) upstreams.push(...u.targets.map((_, i) => targetBlock(u, i, idle)));
      splits.push(splitFor(u));
    }
  }
  return { upstreams, splits, resolver, diagnostics: upstreamWarnings(gateway.upstreams, unresolved, resolver) };
}

/**
 * How a route's location reaches `u`: proxy_pass, and the Host and TLS name (proxy_ssl_name) each
 * request sends, the model's `authority` of the target it goes to. nginx picks the server of an
 * upstream block after the request's headers are set, so targets that differ in authority get one
 * block each, picked per request by `split_clients`, and the Host and TLS name by the same split.
 */
export function upstreamAccess(u: Upstream): { proxyPass: string; host: string; tlsName: string | null } {
  const first = u.targets[0]!;
  const same = sameAuthority(u);
  const tls = u.targets.some((t) => t.scheme === 'https');
  return {
    proxyPass: oneBlock(u) ? `${first.scheme}://${nginxName(u.id)}` : `$${nginxName(u.id)}`,
    host: same ? nginxString(first.authority) : hostVariable(u),
    // nginx takes the port off a TLS name (the Host variable's value) before it sends and checks it.
    tlsName: tls ? (same ? nginxString(first.host) : hostVariable(u)) : null,
  };
}

/** An upstream whose targets all share an authority and are addresses: one `upstream` block for all. */
function oneBlock(u: Upstream): boolean {
  return byAddress(u) && sameAuthority(u);
}

function sameAuthority(u: Upstream): boolean {
  return u.targets.every((t) => t.authority === u.targets[0]!.authority);
}

function hostVariable(u: Upstream): string {
  return `$gw_host_${nginxName(u.id).slice(3)}`;
}

function upstreamWarnings(all: readonly Upstream[], unresolved: readonly Upstream[], resolver: string | null) {
  const diagnostics: Diagnostic[] = [];
  for (const u of all) {
    if (u.targets.length === 0) continue;
    if (!unresolved.includes(u) && !sameAuthority(u))
      diagnostics.push(
        inexactWarning(
          'nginx.upstream-host',
          `the targets of upstream "${u.id}" differ in host or port, so each gets an upstream block of its own ` +
            '(the others as backup servers), picked per request by weight: a retry on another target sends ' +
            `the first one's Host and TLS name${u.balancing === 'least-connections' ? ', and least_conn is lost' : ''}`,
          [u],
          'give the targets one name and port (a load balancer or DNS name) to get one block for all',
        ),
      );
    if (unresolved.includes(u) && u.targets.length > 1)
      diagnostics.push(
        inexactWarning(
          'nginx.hostname-balancing',
          `upstream "${u.id}" has several hostname targets; nginx picks one per request by weight, ` +
            'without keep-alive, passive ejection or retries to another target',
          [u],
          'use IP addresses in gw.yaml upstreams to get an nginx upstream block',
        ),
      );
    if (u.healthCheck)
      diagnostics.push(
        inexactWarning(
          'nginx.health-check',
          `upstream "${u.id}" has an active health check; open-source nginx has none, ` +
            'so only passive checks (max_fails=3 fail_timeout=10s) apply',
          [u],
          'run gw serve, the node target or Envoy where active checks matter',
        ),
      );
  }
  if (unresolved.length > 0 && !resolver) {
    const one = unresolved.length === 1;
    diagnostics.push(
      inexactWarning(
        'nginx.resolver',
        `${one ? 'upstream' : 'upstreams'} ${unresolved.map((u) => `"${u.id}"`).join(', ')} ` +
          `${one ? 'has' : 'have'} hostname targets, which nginx resolves at run time; ` +
          'without build.nginx.resolver in gw.yaml they answer 502',
        unresolved,
        'set build.nginx.resolver to your DNS servers (e.g. [127.0.0.11] in Docker), ' +
          'or use IP addresses in gw.yaml upstreams',
      ),
    );
  }
  return diagnostics;
}

/** Targets an upstream block can name: IP addresses and localhost (a hostname must resolve when nginx starts). */
function byAddress(u: Upstream): boolean {
  return u.targets.every((t) => isIP(t.host) !== 0 || t.host === 'localhost' || /^\[.*\]$/.test(t.host));
}

/** A `server` address: `host:port` (the port always), IPv6 addresses in brackets. */
function serverAddress(t: Target): string {
  return `${isIP(t.host) === 6 ? `[${t.host}]` : t.host}:${t.port}`;
}

function upstreamBlock(u: Upstream, idle: string): UpstreamView {
  const weighted = u.balancing === 'weighted';
  return {
    name: nginxName(u.id),
    comment: commentOf(u),
    balancing: u.balancing === 'least-connections' ? 'least_conn;' : null,
    servers: u.targets.map((t) => ({ address: serverAddress(t), params: serverParams(weighted ? t.weight : 1) })),
    idleTimeout: idle,
  };
}

/** Target `i`'s own block (upstreamAccess): it first, the other targets as backups for retries and ejection. */
function targetBlock(u: Upstream, i: number, idle: string): UpstreamView {
  const t = u.targets[i]!;
  const backups = u.targets.filter((_, j) => j !== i);
  return {
    name: targetBlockName(u, i),
    comment: nginxComment(`${u.id}, target ${t.url}`),
    balancing: null,
    servers: [
      { address: serverAddress(t), params: serverParams(1) },
      ...backups.map((b) => ({ address: serverAddress(b), params: `backup ${serverParams(1)}` })),
    ],
    idleTimeout: idle,
  };
}

function targetBlockName(u: Upstream, i: number): string {
  return `${nginxName(u.id)}_t${i + 1}`;
}

function serverParams(weight: number): string {
  return `${weight !== 1 ? `weight=${weight} ` : ''}max_fails=3 fail_timeout=10s`;
}

function commentOf(u: Upstream): string {
  return nginxComment(
    `${u.id}: ${u.origin === 'config' ? 'gw.yaml upstreams' : `${u.source.file}${u.source.pointer}`}`,
  );
}

function splitFor(u: Upstream): SplitView {
  const total = u.targets.reduce((n, t) => n + t.weight, 0);
  const share = (i: number) =>
    i === u.targets.length - 1 ? '*' : `${((u.targets[i]!.weight / total) * 100).toFixed(2)}%`;
  return {
    variable: `$${nginxName(u.id)}`,
    comment: `${commentOf(u)} ${
      byAddress(u)
        ? '(one upstream block per target, one per request by weight)'
        : '(hostnames: resolved at run time, one target per request by weight)'
    }`,
    choices: u.targets.map((t, i) => ({
      share: share(i),
      url: nginxString(`${t.scheme}://${byAddress(u) ? targetBlockName(u, i) : t.authority}`),
    })),
    host: sameAuthority(u)
      ? null
      : {
          variable: hostVariable(u),
          choices: u.targets.map((t, i) => ({ share: share(i), value: nginxString(t.authority) })),
        },
  };
}
