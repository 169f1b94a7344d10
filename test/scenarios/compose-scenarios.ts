import type { Scenario } from './scenarios.js';
import { AUTH, SHOP } from './shop-credentials.js';

/** NGINX does not run compositions yet (docs/composition.md, "Data planes"): each composite answers 501 there. */
const NGINX_501 = {
  plane: 'nginx',
  why: 'nginx does not run composite operations yet; it answers 501 GW_HTTP_COMPOSE_UNSUPPORTED',
  // Each difference is the 501 itself: its status, its body, its problem+json content type (and no X-Gw-Partial).
  got: /gw_http_compose_unsupported|^response header (content-type is "application\/problem\+json"|x-gw-partial is)/,
};

/**
 * Compositions (scenarios/compose-project.ts): steps side by side and in order, fan-out, shaping,
 * optional and required failures, a step timeout, auth on the composite and forwarded to steps.
 * gw serve and the Node gateway run them; NGINX answers 501 (a documented difference).
 */
export const composeScenarios: Scenario[] = [
  {
    name: 'compose: independent steps run side by side (two 400 ms steps within a 700 ms deadline)',
    request: { method: 'GET', path: '/bff/parallel', headers: { 'x-request-id': 'cmp-1' } },
    expect: {
      status: 200,
      headers: { 'x-request-id': 'cmp-1', 'content-type': 'application/json', 'x-gw-partial': null },
      body: new RegExp(
        '^\\{"a":\\{"name":"echo","method":"GET","url":"/echo/a".*"x-request-id":"cmp-1\\.a".*\\},' +
          '"b":\\{.*"url":"/echo/b".*"x-request-id":"cmp-1\\.b"',
      ),
    },
    differs: [NGINX_501],
  },
  {
    name: 'compose: a dependent step reads an earlier answer, the response picks and renames',
    request: { method: 'GET', path: '/bff/dependent/start' },
    expect: { status: 200, body: /^\{"first":"\/echo\/start","second":"\/echo\/beta"\}$/ },
    differs: [NGINX_501],
  },
  {
    name: 'compose: fan-out calls once per element, results in order',
    request: { method: 'GET', path: '/bff/fanout', headers: { 'x-items': 'p,q,r', 'x-request-id': 'fan' } },
    expect: { status: 200, body: /^\{"urls":\["\/echo\/p","\/echo\/q","\/echo\/r"\]\}$/ },
    differs: [NGINX_501],
  },
  {
    name: 'compose: a fan-out over more than maxItems fails the step',
    request: { method: 'GET', path: '/bff/fanout', headers: { 'x-items': 'p,q,r,s' } },
    expect: {
      status: 502,
      problem: 'GW_HTTP_COMPOSE_STEP_FAILED',
      body: /"step":"each","reason":"too-many-items"/,
    },
    differs: [NGINX_501],
  },
  {
    name: 'compose: shaping merges an answer and nests picked members',
    request: { method: 'GET', path: '/bff/shape' },
    expect: {
      status: 200,
      body: /^\{"name":"echo","method":"GET","url":"\/echo\/one",.*"nested":\{"verb":"GET","where":"\/echo\/one"\}\}$/,
    },
    differs: [NGINX_501],
  },
  {
    name: 'compose: an optional step that fails gives a partial answer, marked and listed',
    request: { method: 'GET', path: '/bff/optional' },
    expect: {
      status: 200,
      headers: { 'x-gw-partial': 'bad' },
      body: /^\{"good":"\/echo\/good","bad":null,"failures":\[\{"step":"bad","reason":"status","status":503\}\]\}$/,
    },
    differs: [NGINX_501],
  },
  {
    name: 'compose: a required step that fails ends the request with a problem naming it',
    request: { method: 'GET', path: '/bff/required' },
    expect: {
      status: 502,
      problem: 'GW_HTTP_COMPOSE_STEP_FAILED',
      body: /"step":"bad","reason":"status","stepStatus":500/,
    },
    differs: [NGINX_501],
  },
  {
    name: 'compose: a step past its timeout gives 504 naming it',
    request: { method: 'GET', path: '/bff/slow' },
    expect: { status: 504, problem: 'GW_HTTP_COMPOSE_TIMEOUT', body: /"step":"slow","reason":"timeout"/ },
    differs: [NGINX_501],
  },
  {
    name: "compose: inputs from the request's JSON body: a path parameter and the step's body",
    request: {
      method: 'POST',
      path: '/bff/body',
      headers: { 'content-type': 'application/json' },
      body: '{"word":"w","payload":{"a":1}}',
    },
    expect: {
      status: 200,
      upstream: 'echo',
      upstreamMethod: 'POST',
      upstreamUrl: '/echo/w',
      upstreamHeaders: { 'content-type': 'application/json', 'content-length': '7' },
    },
    // No step runs on nginx, so the 501 carries no upstream report either.
    differs: [
      { ...NGINX_501, got: new RegExp(`${NGINX_501.got.source}|^answered by undefined|^upstream (got|header) `) },
    ],
  },
  {
    name: "compose: the composite's own security applies",
    request: { method: 'GET', path: '/bff/me' },
    expect: { status: 401, problem: 'GW_HTTP_UNAUTHORIZED' },
    differs: [NGINX_501],
  },
  {
    name: 'compose: forwarded credentials pass the step route, the consumer reaches every step',
    request: { method: 'GET', path: '/bff/me', headers: AUTH.usersKey },
    expect: {
      status: 200,
      body: new RegExp(
        `^\\{"me":\\{"name":"users","method":"GET","url":"/api/v1/users/me".*"x-consumer":"${SHOP.users.consumer}".*` +
          `"echo":\\{"name":"echo".*"x-consumer":"${SHOP.users.consumer}"`,
      ),
    },
    differs: [NGINX_501],
  },
  {
    name: "compose: without forwarded credentials the step route's own auth refuses it",
    request: { method: 'GET', path: '/bff/me-unforwarded', headers: AUTH.usersKey },
    expect: {
      status: 502,
      problem: 'GW_HTTP_COMPOSE_STEP_FAILED',
      body: /"step":"me","reason":"status","stepStatus":401,"stepCode":"GW_HTTP_UNAUTHORIZED"/,
    },
    differs: [NGINX_501],
  },
];
