import { describe, expect, it } from 'vitest';
import type { CredentialCarrier, Cors, HttpMethod, SecuritySchemeType } from '../../../src/model/types.js';
import { route, settle } from '../../helpers/routes.js';
import { SCHEMES } from './fixtures.js';

const cors: Cors = {
  origins: ['https://app.example'],
  methods: null,
  headers: null,
  exposeHeaders: [],
  credentials: false,
  maxAgeSeconds: 600,
};

/** `GET /a cors`, `PUT /a cors=PUT,GET`: method, path, and whether (and with which methods) the route has CORS. */
function routes(spec: string[]) {
  return spec.map((line) => {
    const [method, path, flag] = line.split(' ') as [HttpMethod, string, string | undefined];
    const r = route(method, path);
    if (flag === undefined) return r;
    const methods = flag.startsWith('cors=') ? flag.slice('cors='.length).split(',') : null;
    return { ...r, settings: { ...r.settings, cors: { ...cors, methods } } };
  });
}

describe('decideGateway: effective.corsMethods, per path', () => {
  const table: { name: string; given: string[]; want: (string[] | null)[] }[] = [
    { name: 'a route without CORS has none', given: ['GET /a'], want: [null] },
    { name: 'GET brings HEAD', given: ['GET /a cors'], want: [['GET', 'HEAD']] },
    {
      name: "the path's CORS routes, sorted, the same for each",
      given: ['POST /a cors', 'GET /a cors', 'DELETE /a cors'],
      want: [
        ['DELETE', 'GET', 'HEAD', 'POST'],
        ['DELETE', 'GET', 'HEAD', 'POST'],
        ['DELETE', 'GET', 'HEAD', 'POST'],
      ],
    },
    {
      name: 'routes of the path without CORS do not count',
      given: ['GET /a cors', 'DELETE /a'],
      want: [['GET', 'HEAD'], null],
    },
    { name: 'another path is another list', given: ['GET /a cors', 'PUT /b cors'], want: [['GET', 'HEAD'], ['PUT']] },
    {
      name: 'a HEAD or OPTIONS route of its own counts once, as itself',
      given: ['GET /a cors', 'HEAD /a cors', 'OPTIONS /a cors'],
      want: [
        ['GET', 'HEAD', 'OPTIONS'],
        ['GET', 'HEAD', 'OPTIONS'],
        ['GET', 'HEAD', 'OPTIONS'],
      ],
    },
    {
      name: 'one path template, whatever its parameter names',
      given: ['GET /a/{id} cors', 'PUT /a/{id} cors'],
      want: [
        ['GET', 'HEAD', 'PUT'],
        ['GET', 'HEAD', 'PUT'],
      ],
    },
    {
      name: 'cors.methods wins, as configured (not sorted), and does not change the others',
      given: ['GET /a cors', 'PUT /a cors=PUT,GET'],
      want: [
        ['GET', 'HEAD', 'PUT'],
        ['PUT', 'GET'],
      ],
    },
  ];
  for (const { name, given, want } of table) {
    it(name, () => expect(settle(routes(given)).routes.map((r) => r.effective.corsMethods)).toEqual(want));
  }
});

describe('decideGateway: effective.methods (what each route answers; a 405 lists them)', () => {
  const table: { name: string; given: string[]; want: string[][] }[] = [
    { name: 'a GET route answers HEAD too', given: ['GET /a', 'POST /a'], want: [['GET', 'HEAD'], ['POST']] },
    {
      name: 'not when its path has a HEAD route of its own',
      given: ['GET /a', 'HEAD /a'],
      want: [['GET'], ['HEAD']],
    },
    {
      name: 'a HEAD route on another path does not count',
      given: ['GET /a/{id}', 'HEAD /a/me'],
      want: [['GET', 'HEAD'], ['HEAD']],
    },
    { name: 'one path, whatever its parameter names', given: ['GET /a/{x}', 'HEAD /a/{y}'], want: [['GET'], ['HEAD']] },
  ];
  for (const { name, given, want } of table)
    it(name, () => expect(settle(routes(given)).routes.map((r) => r.effective.methods)).toEqual(want));
});

describe('decideGateway: effective.retries', () => {
  const table: { method: HttpMethod; want: number }[] = [
    { method: 'GET', want: 2 },
    { method: 'HEAD', want: 2 },
    { method: 'OPTIONS', want: 2 },
    { method: 'PUT', want: 2 },
    { method: 'DELETE', want: 2 },
    { method: 'TRACE', want: 2 },
    { method: 'POST', want: 0 },
    { method: 'PATCH', want: 0 },
  ];
  for (const { method, want } of table) {
    it(`${method} with retries: 2 -> ${want}`, () => {
      const r = route(method, '/x');
      const got = settle([{ ...r, settings: { ...r.settings, retries: 2 } }]).routes[0]!;
      expect([got.effective.retries, got.settings.retries]).toEqual([want, 2]);
    });
  }
});

describe('decideGateway: effective.websocket (issue 14)', () => {
  const ws = { idleTimeoutMs: 30_000, maxLifetimeMs: null };
  const tunnel = { ...ws, origins: null };
  const table: { method: HttpMethod; websocket: typeof ws | null; want: typeof tunnel | null }[] = [
    { method: 'GET', websocket: ws, want: tunnel },
    { method: 'GET', websocket: null, want: null },
    { method: 'POST', websocket: ws, want: null },
    { method: 'HEAD', websocket: ws, want: null },
  ];
  for (const { method, websocket, want } of table) {
    it(`${method} with websocket ${websocket ? 'on' : 'off'} -> ${want ? 'tunnels' : 'refuses'} handshakes`, () => {
      const r = route(method, '/live');
      const got = settle([{ ...r, settings: { ...r.settings, websocket } }]).routes[0]!;
      expect(got.effective.websocket).toEqual(want);
    });
  }
  const cors = (origins: string[]) => ({
    origins,
    methods: null,
    headers: null,
    exposeHeaders: [],
    credentials: false,
    maxAgeSeconds: 600,
  });
  it.each([
    [
      ['https://app.example', 'https://admin.example'],
      ['https://app.example', 'https://admin.example'],
    ],
    [['*'], null],
  ])('handshakes may come from the cors origins %j: %j', (origins, want) => {
    const r = route('GET', '/live');
    const got = settle([{ ...r, settings: { ...r.settings, websocket: ws, cors: cors(origins) } }]).routes[0]!;
    expect(got.effective.websocket?.origins).toEqual(want);
  });
});

describe('decideGateway: where each scheme carries its credential', () => {
  const table: { scheme: string; type: SecuritySchemeType; carrier: CredentialCarrier | null; bearer: boolean }[] = [
    { scheme: 's.key', type: 'apiKey', carrier: { in: 'header', name: 'X-Api-Key' }, bearer: false },
    { scheme: 's.qkey', type: 'apiKey', carrier: { in: 'query', name: 'api_key' }, bearer: false },
    { scheme: 's.ckey', type: 'apiKey', carrier: { in: 'cookie', name: 'sid' }, bearer: false },
    { scheme: 's.basic', type: 'http', carrier: { in: 'header', name: 'Authorization' }, bearer: false },
    { scheme: 's.jwt', type: 'http', carrier: { in: 'header', name: 'Authorization' }, bearer: true },
    { scheme: 's.oauth', type: 'oauth2', carrier: { in: 'header', name: 'Authorization' }, bearer: true },
    { scheme: 's.oidc', type: 'openIdConnect', carrier: { in: 'header', name: 'Authorization' }, bearer: true },
    { scheme: 's.mtls', type: 'mutualTLS', carrier: null, bearer: false },
    { scheme: 's.digest', type: 'http', carrier: { in: 'header', name: 'Authorization' }, bearer: false },
  ];
  const settled = new Map(settle([], { securitySchemes: SCHEMES }).securitySchemes.map((s) => [s.id, s]));
  for (const { scheme, type, carrier, bearer } of table) {
    it(`${scheme} (${type})`, () => {
      const s = settled.get(scheme)!;
      expect([s.type, s.carrier, s.bearer]).toEqual([type, carrier, bearer]);
    });
  }
});

describe("decideGateway: an upstream's connect timeout", () => {
  const upstream = (id: string) => ({
    id,
    service: 's',
    basePath: '',
    balancing: 'round-robin' as const,
    healthCheck: null,
    connectionsPerTarget: 256,
    targets: [],
    origin: 'spec' as const,
    source: { file: 's.yaml', pointer: '#/servers' },
  });
  const using = (id: string, connectTimeoutMs: number, path: string) => {
    const r = route('GET', path);
    return { ...r, upstream: id, settings: { ...r.settings, connectTimeoutMs } };
  };
  const table: { name: string; routes: [string, number][]; want: number[] }[] = [
    { name: 'the one its route asks for', routes: [['a', 1500]], want: [1500, 5000] },
    {
      name: 'the longest its routes ask for',
      routes: [
        ['a', 1000],
        ['a', 3000],
        ['b', 200],
      ],
      want: [3000, 200],
    },
    { name: 'the default (5 s) when no route uses it', routes: [], want: [5000, 5000] },
  ];
  for (const { name, routes: given, want } of table) {
    it(name, () => {
      const g = settle(
        given.map(([id, ms], i) => using(id, ms, `/r${i}`)),
        { upstreams: [upstream('a'), upstream('b')] },
      );
      expect(g.upstreams.map((u) => u.connectTimeoutMs)).toEqual(want);
    });
  }
});
