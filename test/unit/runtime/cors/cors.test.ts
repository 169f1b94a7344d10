import { describe, expect, it } from 'vitest';
import type { Cors } from '../../../../src/model/types.js';
import {
  compileCors,
  compileCorsPolicies,
  corsResponseHeaders,
  preflightHeaders,
} from '../../../../src/runtime/cors.js';
import { addExtraHeaders } from '../../../../src/runtime/extra-headers.js';
import { route, settle } from '../../../helpers/routes.js';

const base: Cors = {
  origins: ['https://app.example'],
  methods: null,
  headers: null,
  exposeHeaders: [],
  credentials: false,
  maxAgeSeconds: 600,
};

describe('preflightHeaders', () => {
  const cases: {
    name: string;
    cors: Partial<Cors>;
    origin: string;
    asks?: string;
    want: Record<string, string> | null;
  }[] = [
    {
      name: "an allowed origin is echoed, methods default to the path's, headers to what is asked",
      cors: {},
      origin: 'https://app.example',
      asks: 'content-type, x-trace',
      want: {
        'access-control-allow-origin': 'https://app.example',
        'access-control-allow-methods': 'GET, HEAD, POST',
        'access-control-allow-headers': 'content-type, x-trace',
        'access-control-max-age': '600',
        vary: 'Origin, Access-Control-Request-Headers',
      },
    },
    {
      name: "the request's origin compares without case or trailing slashes (the model's rule), and is echoed",
      cors: {},
      origin: 'HTTPS://App.Example/',
      want: {
        'access-control-allow-origin': 'HTTPS://App.Example/',
        'access-control-allow-methods': 'GET, HEAD, POST',
        'access-control-max-age': '600',
        vary: 'Origin',
      },
    },
    { name: 'another origin is refused', cors: {}, origin: 'https://evil.example', want: null },
    { name: 'a scheme differs: refused', cors: {}, origin: 'http://app.example', want: null },
    {
      name: 'configured methods and headers, credentials, max age',
      cors: { methods: ['GET', 'PUT'], headers: ['x-api-key'], credentials: true, maxAgeSeconds: 300 },
      origin: 'https://app.example',
      asks: 'x-other',
      want: {
        'access-control-allow-origin': 'https://app.example',
        'access-control-allow-methods': 'GET, PUT',
        'access-control-allow-headers': 'x-api-key',
        'access-control-allow-credentials': 'true',
        'access-control-max-age': '300',
        vary: 'Origin',
      },
    },
    {
      name: '* without credentials: any origin, answered with *',
      cors: { origins: ['*'] },
      origin: 'https://any.example',
      want: {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, HEAD, POST',
        'access-control-max-age': '600',
      },
    },
    {
      name: '* with credentials: the origin is echoed (browsers refuse * with credentials)',
      cors: { origins: ['*'], credentials: true },
      origin: 'https://any.example',
      want: {
        'access-control-allow-origin': 'https://any.example',
        'access-control-allow-methods': 'GET, HEAD, POST',
        'access-control-allow-credentials': 'true',
        'access-control-max-age': '600',
        vary: 'Origin',
      },
    },
  ];
  // The methods are the route's effective.corsMethods: the configured ones, else the path's (settled in merge).
  const settledMethods = (c: Partial<Cors>) => c.methods ?? ['GET', 'HEAD', 'POST'];
  for (const c of cases) {
    it(c.name, () =>
      expect(preflightHeaders(compileCors({ ...base, ...c.cors }, settledMethods(c.cors)), c.origin, c.asks)).toEqual(
        c.want,
      ),
    );
  }
});

describe('corsResponseHeaders (actual requests)', () => {
  const cases: { name: string; cors: Partial<Cors>; origin: string | undefined; want: string[] }[] = [
    {
      name: 'allowed: origin, credentials, exposed headers',
      cors: { credentials: true, exposeHeaders: ['x-upstream', 'ratelimit-remaining'] },
      origin: 'https://app.example',
      want: [
        'Access-Control-Allow-Origin',
        'https://app.example',
        'Vary',
        'Origin',
        'Access-Control-Allow-Credentials',
        'true',
        'Access-Control-Expose-Headers',
        'x-upstream, ratelimit-remaining',
      ],
    },
    {
      name: 'not allowed: only Vary (caches must not mix the two)',
      cors: {},
      origin: 'https://evil.example',
      want: ['Vary', 'Origin'],
    },
    {
      name: 'no Origin (not a browser, or same origin): only Vary',
      cors: {},
      origin: undefined,
      want: ['Vary', 'Origin'],
    },
    {
      name: '*: no Vary needed',
      cors: { origins: ['*'] },
      origin: 'https://x.example',
      want: ['Access-Control-Allow-Origin', '*'],
    },
  ];
  for (const c of cases)
    it(c.name, () =>
      expect(corsResponseHeaders(compileCors({ ...base, ...c.cors }, ['GET']), c.origin)).toEqual(c.want),
    );
});

describe('compileCorsPolicies: the methods merge settled', () => {
  it('are those of the CORS routes on the same path, HEAD with GET', () => {
    const routes = [route('GET', '/a'), route('POST', '/a'), route('DELETE', '/a'), route('PUT', '/b')];
    for (const r of routes.slice(0, 2)) r.settings = { ...r.settings, cors: base };
    routes[3]!.settings = { ...routes[3]!.settings, cors: base };
    const compiled = compileCorsPolicies(settle(routes).routes);
    expect(compiled.map((c) => c?.allowMethods)).toEqual(['GET, HEAD, POST', 'GET, HEAD, POST', undefined, 'PUT']);
  });
});

describe('addExtraHeaders', () => {
  const cases: { name: string; upstream: string[]; extra: string[]; want: string[] }[] = [
    {
      name: 'appends',
      upstream: ['Content-Type', 'text/plain'],
      extra: ['RateLimit-Limit', '5'],
      want: ['Content-Type', 'text/plain', 'RateLimit-Limit', '5'],
    },
    {
      name: "replaces the upstream's own CORS headers",
      upstream: ['access-control-allow-origin', '*', 'X', '1'],
      extra: ['Access-Control-Allow-Origin', 'https://a.example'],
      want: ['X', '1', 'Access-Control-Allow-Origin', 'https://a.example'],
    },
    {
      name: 'joins Vary',
      upstream: ['Vary', 'Accept-Encoding'],
      extra: ['Vary', 'Origin'],
      want: ['Vary', 'Accept-Encoding, Origin'],
    },
    {
      name: 'does not repeat a Vary value',
      upstream: ['vary', 'origin'],
      extra: ['Vary', 'Origin'],
      want: ['Vary', 'origin'],
    },
    {
      name: 'keeps repeated upstream headers it does not replace',
      upstream: ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'],
      extra: ['Vary', 'Origin'],
      want: ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Vary', 'Origin'],
    },
  ];
  for (const c of cases) it(c.name, () => expect(addExtraHeaders(c.upstream, c.extra)).toEqual(c.want));
});
