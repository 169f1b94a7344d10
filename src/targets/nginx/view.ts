import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Gateway } from '../../model/types.js';
import type { RenderOptions } from '../types.js';
import { buildNginxClientView, type NginxClientView } from './client-view.js';
import { buildNginxEdgeView, type NginxEdgeView } from './edge-view.js';
import { buildNginxPathsView, type NginxPathsView } from './paths-view.js';
import { SharedForwards, type SharedForwardView } from './forward-view.js';
import { type LocationsPlan, planLocations } from './locations-view.js';
import { planMocks, type MockAnswerView, type MockNamedAnswerView } from './mocks-view.js';
import { buildPolicies, type PoliciesView } from './policies.js';
import { buildProblemsView, type ProblemView } from './problems-view.js';
import { composeWarnings } from './compose-view.js';
import { buildNginxListenView, type NginxListenView } from './tls-view.js';
import { planUpstreams, type SplitView, type UpstreamView } from './upstreams-view.js';
import { buildNginxWebSocketView, type NginxWebSocketView } from './websocket-view.js';

/**
 * Every decision of the NGINX target; the templates (templates/nginx/) only print this view. It
 * is put together from one view per concern: upstreams (upstreams-view.ts), locations
 * (locations-view.ts, which nests them as locations.ts explains), how routes forward
 * (forward-view.ts), mocks (mocks-view.ts), gw's own problem answers (problems-view.ts), the
 * policies (policies.ts: auth, rate limits, CORS) and the edge (edge-view.ts). The locations and
 * the maps their method checks use are LocationsPlan's fields.
 */
export interface NginxView extends LocationsPlan {
  name: string;
  /** The listen line, TLS and the redirect server (gw.yaml listen; tls-view.ts). */
  listen: NginxListenView;
  /** WebSocket handshakes: refused where no route takes them, tunnelled where one does (websocket-view.ts). */
  websocket: NginxWebSocketView;
  /** How clients are treated (the model's edge): server-level directives. */
  edge: NginxEdgeView;
  /** The request path forms refused before any location (the model's edge.paths). */
  paths: NginxPathsView;
  /** The client behind trusted proxies and the hosts answered (edge.trustedProxies, edge.serverNames). */
  client: NginxClientView;
  resolver: string | null;
  /** nginx.conf's main settings: the workers' account, their connections and open files (docs/targets/nginx.md). */
  processes: { user: string; workerConnections: number; openFiles: number };
  /** Server-level upstream TLS settings, or null when no upstream is https. */
  upstreamTls: { trustedCertificate: string; verifyDepth: number } | null;
  /** The access_log directive's arguments (`access.log gw_json`, `off`, ...). */
  accessLog: string;
  upstreams: UpstreamView[];
  splits: SplitView[];
  problems: ProblemView[];
  /** Some route is mocked: `X-Gw-Mock: true` on its answers ($gw_mock). */
  mocked: boolean;
  /** Named locations for the other documented responses of mocked routes (`Prefer: code=NNN`). */
  mockAnswers: MockNamedAnswerView[];
  /** Named locations answering mocked routes that check credentials or limits first (reached after those phases). */
  mockGuards: { named: string; answer: MockAnswerView }[];
  /** Authentication, rate limits, CORS (policies.ts). */
  policies: PoliciesView;
  /** `recursive_error_pages on`: a route served from a named location still gets gw's error answers (401, 429, ...). */
  recursiveErrorPages: boolean;
  /** Shared forwarding locations: `error_page <status> = <name>` at server level, one named location each. */
  forwards: SharedForwardView[];
}

/** Connections one worker holds at once, clients' and upstreams' together (nginx counts both). */
const WORKER_CONNECTIONS = 4096;

/** Debian's CA bundle (package ca-certificates): gw.yaml build.nginx.trustedCertificate replaces it. */
const DEFAULT_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * proxy_ssl_verify_depth: nginx's default, 1, refuses a chain with an intermediate between the
 * upstream's certificate and a root's direct child (a 502); public chains carry one or two
 * intermediates, private ones sometimes more. 5 leaves room for four.
 */
const VERIFY_DEPTH = 5;

export function buildNginxView(
  gateway: Gateway,
  options: RenderOptions = {},
): { view: NginxView; diagnostics: Diagnostic[] } {
  const upstreams = planUpstreams(gateway, options);
  const policies = buildPolicies(gateway);
  const shared = new SharedForwards();
  const locations = planLocations(gateway, policies, shared);
  const mocks = planMocks(gateway, policies.routes);
  const forwards = shared.list();
  const client = buildNginxClientView(gateway.edge, gateway.problems);
  const listen = buildNginxListenView(gateway.listen, options.projectDir);
  const websocket = buildNginxWebSocketView(gateway.routes, gateway.problems);
  const view: NginxView = {
    name: gateway.name,
    listen: listen.view,
    websocket: websocket.view,
    edge: buildNginxEdgeView(gateway.edge),
    paths: buildNginxPathsView(gateway.edge.paths, gateway.problems),
    client: client.view,
    resolver: upstreams.resolver,
    processes: {
      user: options.nginx?.user ?? 'www-data',
      workerConnections: WORKER_CONNECTIONS,
      // Each connection is a socket, and a request may hold a temp file besides: two files per connection.
      openFiles: 2 * WORKER_CONNECTIONS,
    },
    upstreamTls: gateway.upstreams.some((u) => u.targets.some((t) => t.scheme === 'https'))
      ? { trustedCertificate: options.nginx?.trustedCertificate ?? DEFAULT_CA_BUNDLE, verifyDepth: VERIFY_DEPTH }
      : null,
    accessLog: accessLogOf(options.nginx?.accessLog),
    upstreams: upstreams.upstreams,
    splits: upstreams.splits,
    problems: buildProblemsView(gateway.problems, {
      auth: policies.view.njs !== null,
      rateLimits: policies.view.rateLimits,
      cors: policies.view.cors !== null,
      compose: gateway.routes.some((r) => r.compose !== undefined),
    }),
    mocked: gateway.routes.some((r) => r.mock !== null),
    mockAnswers: mocks.answers,
    mockGuards: mocks.guards,
    ...locations,
    policies: policies.view,
    // A shared forwarding location is itself reached through error_page: nginx's own errors there (502, 504) need it.
    recursiveErrorPages: policies.view.njs !== null || policies.view.rateLimits || forwards.length > 0,
    forwards,
  };
  const diagnostics = [
    ...upstreams.diagnostics,
    ...policies.diagnostics,
    ...client.diagnostics,
    ...listen.diagnostics,
    ...websocket.diagnostics,
    ...composeWarnings(gateway),
  ];
  return { view, diagnostics };
}

/**
 * gw.yaml `build.nginx.accessLog`: a file under nginx's prefix by default, which works whatever nginx's
 * standard output is (a socket under systemd, where /dev/stdout cannot be opened, or /dev/null after a
 * reload in daemon mode); `stdout` for `daemon off` containers; `off`; or a path or `syslog:` address as given.
 */
function accessLogOf(setting = 'access.log'): string {
  if (setting === 'off') return 'off';
  // The schema allows no white space, quotes, `;`, braces or `$` (a variable would reopen the file per request).
  return `${setting === 'stdout' ? '/dev/stdout' : setting} gw_json`;
}
