import type { Gateway, MockResponse, Route } from '../../model/types.js';
import { nginxName, nginxRegex, nginxString, nginxText } from './escape.js';
import type { RouteChecksView, RoutePolicyView } from './policies.js';

/** A mocked route's location (docs/targets/nginx.md, the mocked-services row). */
export interface MockView {
  route: string;
  service: string;
  /** The route's policy variables ($gw_auth, $gw_limit, ...), as a forwarding route sets them. */
  sets: RoutePolicyView['sets'];
  checks: RouteChecksView;
  /**
   * The named location that answers, when credentials or a rate limit must be checked first: nginx runs
   * `return` in the rewrite phase, before limit_req and auth_request, so such a route jumps with
   * try_files (precontent phase, after both) instead. null: the answer is given in place.
   */
  guard: string | null;
  answer: MockAnswerView;
}

/** The answer of a mocked route: its first documented response, the others picked by `Prefer: code=NNN`. */
export interface MockAnswerView {
  status: number;
  contentType: string;
  body: string;
  alternatives: { named: string; prefer: string; status: number; contentType: string; body: string }[];
}

/** A named location at server level that answers one documented response. */
export interface MockNamedAnswerView {
  named: string;
  status: number;
  contentType: string;
  body: string;
}

/** The server-level named locations of mocked routes. */
export interface MocksPlan {
  /** The other documented responses of mocked routes (`Prefer: code=NNN`). */
  answers: MockNamedAnswerView[];
  /** Answers of mocked routes that check credentials or limits first (reached after those phases). */
  guards: { named: string; answer: MockAnswerView }[];
}

export function buildMockView(r: Route, responses: readonly MockResponse[], policy: RoutePolicyView): MockView {
  const { checks } = policy;
  return {
    route: nginxString(r.id),
    service: nginxString(r.service),
    // Nothing is forwarded: the upstream headers ($gw_headers) and the query without credentials ($args) stay unset.
    sets: policy.sets.filter((x) => x.variable !== '$gw_headers' && x.variable !== '$args'),
    checks,
    guard: guarded(checks) ? guardName(r) : null,
    answer: mockAnswer(r, responses),
  };
}

export function planMocks(gateway: Gateway, policies: ReadonlyMap<Route, RoutePolicyView>): MocksPlan {
  const answers: MockNamedAnswerView[] = [];
  const guards: MocksPlan['guards'] = [];
  for (const r of gateway.routes) {
    if (!r.mock) continue;
    const answer = mockAnswer(r, r.mock);
    for (const { named, status, contentType, body } of answer.alternatives)
      answers.push({ named, status, contentType, body });
    if (guarded(policies.get(r)!.checks)) guards.push({ named: guardName(r), answer });
  }
  return { answers, guards };
}

function guarded(checks: RouteChecksView): boolean {
  return checks.auth || checks.limitReq !== null;
}

function guardName(r: Route): string {
  return `@gw_answer_${nginxName(r.id).slice(3)}`;
}

/**
 * The model's answers as they are: the body byte for byte, the content type (`default_type ""`
 * sends none, for a response without content).
 */
function mockAnswer(r: Route, responses: readonly MockResponse[]): MockAnswerView {
  const [first, ...others] = responses;
  return {
    status: first!.status,
    contentType: nginxString(first!.contentType ?? ''),
    body: nginxText(first!.body),
    alternatives: others.map((m) => ({
      named: `@gw_mock_${nginxName(r.id).slice(3)}_${m.status}`,
      prefer: nginxRegex(`(^|[ ,;])code=${m.status}([ ,;]|$)`),
      status: m.status,
      contentType: nginxString(m.contentType ?? ''),
      body: nginxText(m.body),
    })),
  };
}
