import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportedScheme } from '../../../../src/model/fragment.js';
import type { Gateway, SecurityRequirement } from '../../../../src/model/types.js';
import { planAuth } from '../../../../src/targets/nginx/auth-view.js';
import { nginxTarget } from '../../../../src/targets/nginx/index.js';
import { renderKeyMaps } from '../../../../src/cli/key-maps.js';
import {
  includedMaps,
  loadNjsModule,
  type NginxMaps,
  type NjsModule,
  njsRequest,
  type NjsRequest,
} from '../../../helpers/njs-stand-in.js';
import { route, settle, plainListen } from '../../../helpers/routes.js';
import {
  API_KEY_ROWS,
  APR1_ROWS,
  BASIC_ROWS,
  HTPASSWD_FILE,
  KEYS_FILE,
  READ_ROWS,
  REDACT_ROWS,
  type Row,
  type SchemeAnswer,
  SLOTS,
  STRIP_COOKIE_ROWS,
  STRIP_QUERY_ROWS,
} from '../../../scenarios/credential-tables.js';
import { JWKS, JWT_ROWS, JWT_SECRET_TEXT, JWT_SETUP, type JwtSetup, NOW } from '../../../scenarios/jwt-table.js';
import {
  GATEWAY_NAME,
  POLICY_ROWS,
  type PolicyAnswer,
  SCHEMES,
  scheme,
  SECRET_ENV,
  SECRET_FILES,
} from '../../../scenarios/policy-table.js';

/**
 * gw-auth.js, the njs program the NGINX target copies beside its rendered gw-auth-config.js, run
 * under Node's vm with a stand-in for njs 0.7.9 (test/helpers/njs-stand-in.ts), against the very
 * tables gw serve's auth tests use (test/scenarios/credential-tables.ts, jwt-table.ts,
 * policy-table.ts): both planes give the same answers, except the rows whose `differs` names
 * nginx (docs/targets/nginx.md). The configuration is what `gw build` writes for a gateway with
 * those schemes. test/e2e/targets-scenarios.test.ts runs the same program in Debian's nginx.
 */
const base = mkdtempSync(join(tmpdir(), 'gw-auth-js-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
writeFileSync(join(base, 'keys.txt'), KEYS_FILE);
writeFileSync(join(base, 'users.htpasswd'), HTPASSWD_FILE);
writeFileSync(join(base, 'jwks.json'), JSON.stringify(JWKS));
for (const [file, text] of Object.entries(SECRET_FILES)) writeFileSync(join(base, file), text);
const ENV = { GW_BASE_DIR: base, JWT_SECRET: JWT_SECRET_TEXT, ...SECRET_ENV };

/** A gateway whose routes /r0, /r1, ... each have one of `securities`. */
function gatewayOf(schemes: ImportedScheme[], securities: SecurityRequirement[][]): Gateway {
  const routes = securities.map((security, i) => ({ ...route('GET', `/r${i}`), security }));
  const listen = plainListen('127.0.0.1', 0);
  return settle(routes, { name: GATEWAY_NAME, listen, securitySchemes: schemes });
}

interface Loaded {
  module: NjsModule;
  /** The key maps gw.conf declares, with the entries `gw build` writes for them. */
  maps: NginxMaps;
  /** The `$gw_auth` of route /r<i>. */
  policy(i: number): string;
  scheme(id: string): unknown;
}

/** gw build's nginx output for the gateway (key maps too), its gw-auth.js loaded with its gw-auth-config.js. */
async function load(g: Gateway, now?: () => number): Promise<Loaded> {
  const { files } = await nginxTarget.render(g, {});
  // Keys in variables the test does not set give empty maps, as gw build writes them.
  const keyMaps = await renderKeyMaps(g, { baseDir: base, baseDirName: 'the test folder', env: ENV }, 'warn');
  const text = (name: string) => files.find((f) => f.path === `nginx/conf.d/${name}`)!.contents;
  const module = loadNjsModule(text('gw-auth.js'), text('gw-auth-config.js'), { env: ENV, now });
  const auth = planAuth(g);
  const config = module.global('CONFIG') as { schemes: { id: string }[] };
  return {
    module,
    maps: includedMaps([...files, ...keyMaps.files]),
    policy: (i) => String(auth.routes.get(g.routes[i]!)!.policy),
    scheme: (id) => config.schemes.find((s) => s.id === id),
  };
}

/** The row's answer on this plane: its own, or what nginx answers instead. */
const wantOnNginx = <G, W>(row: Row<G, W>): W => (row.differs?.plane === 'nginx' ? row.differs.want : row.want);

/** gw-auth.js's result for one scheme as the runtime's checkers give it (scopes as a Set). */
function schemeAnswer(x: { ok: boolean; presented?: boolean; consumer?: string | null; scopes?: object | null }) {
  if (!x.ok) return { ok: false, presented: x.presented } as SchemeAnswer;
  return { ok: true, consumer: x.consumer ?? null, scopes: x.scopes ? new Set(Object.keys(x.scopes)) : null };
}

const keyScheme = scheme('key', {
  in: 'header',
  paramName: 'X-Key',
  credentials: { kind: 'keys', source: { file: 'keys.txt' } },
});
const basicScheme = scheme('basic', {
  type: 'http',
  scheme: 'basic',
  credentials: { kind: 'htpasswd', source: { file: 'users.htpasswd' } },
});
const one = (id: string): SecurityRequirement[] => [{ schemes: [{ scheme: id, scopes: [] }] }];
const checks = await load(gatewayOf([keyScheme, basicScheme], [one('s.key'), one('s.basic')]));

describe('gw-auth.js: one credential, as gw serve checks it', () => {
  for (const c of API_KEY_ROWS)
    it(`API key: ${c.name}`, () => {
      const result = checks.module.fn('checkKey')(njsRequest([], {}, checks.maps), checks.scheme('s.key'), c.given);
      expect(schemeAnswer(result as never)).toEqual(wantOnNginx(c));
    });
  for (const c of BASIC_ROWS)
    it(`basic: ${c.name}`, () => {
      const result = checks.module.fn('checkBasic')(checks.scheme('s.basic'), c.given);
      expect(schemeAnswer(result as never)).toEqual(wantOnNginx(c));
    });
  for (const c of APR1_ROWS)
    it(`$apr1$: ${c.name}`, () => expect(checks.module.fn('apr1')(c.given.password, c.given.salt)).toBe(c.want));
});

function jwtScheme(setup: JwtSetup): ImportedScheme {
  const { issuer, audiences, algorithms, clockSkewMs } = setup;
  const jwks =
    setup.keys === 'file' ? { file: 'jwks.json' } : setup.keys === 'url' ? { url: 'https://issuer.test/jwks' } : null;
  const secret = setup.secret ? { env: 'JWT_SECRET' } : null;
  return scheme('jwt', {
    type: 'http',
    scheme: 'bearer',
    credentials: { kind: 'jwt', issuer, audiences, algorithms, jwks, secret, clockSkewMs },
  });
}

describe('gw-auth.js: bearer JWTs, as gw serve checks them', () => {
  for (const c of JWT_ROWS)
    it(c.name, async () => {
      const loaded = await load(gatewayOf([jwtScheme({ ...JWT_SETUP, ...c.setup })], [one('s.jwt')]), () => NOW * 1000);
      const result = await loaded.module.fn('checkJwt')(loaded.scheme('s.jwt'), await c.given());
      expect(schemeAnswer(result as never)).toEqual(wantOnNginx(c));
    });
});

/**
 * A stand-in request: the header list (name, value, ...) and the query, as the route's location sets
 * $gw_args, with the key maps of `maps`.
 */
function request(headers: string[] = [], url = '/x', gwAuth = '', maps: NginxMaps = {}): NjsRequest {
  const pairs: [string, string][] = [];
  for (let i = 0; i < headers.length; i += 2) pairs.push([headers[i]!, headers[i + 1]!]);
  const q = url.indexOf('?');
  const variables = { gw_auth: gwAuth, gw_args: q === -1 ? '' : url.slice(q + 1), request_uri: url };
  return njsRequest(pairs, variables, maps);
}

/** check()'s answer as gw serve's AuthCompiler gives it. */
function policyAnswer(r: NjsRequest): PolicyAnswer {
  if (r.status === 204) return { ok: true, consumer: r.variables.gw_consumer || null };
  const code =
    r.status === 403 ? 'GW_HTTP_FORBIDDEN' : r.status === 401 ? 'GW_HTTP_UNAUTHORIZED' : `status ${r.status}`;
  const detail = JSON.parse(`"${r.variables.gw_auth_detail}"`) as string;
  return { ok: false, code: code as 'GW_HTTP_UNAUTHORIZED', detail, challenge: r.variables.gw_challenge ?? '' };
}

describe("gw-auth.js check(): a route's requirements, as gw serve decides them", async () => {
  const loaded = await load(
    gatewayOf(
      SCHEMES,
      POLICY_ROWS.map((c) => c.given.security),
    ),
  );
  POLICY_ROWS.forEach((c, i) => {
    it(c.name, async () => {
      const r = request(c.given.headers, c.given.url, loaded.policy(i), loaded.maps);
      await loaded.module.exports.check!(r);
      expect(policyAnswer(r)).toEqual(wantOnNginx(c));
    });
  });
});

/** A gateway whose one route reads and removes credentials named `names` where `where` says. */
async function stripping(where: 'query' | 'cookie', names: string[]): Promise<Loaded> {
  const schemes = names.map((n) =>
    scheme(n, { in: where, paramName: n, credentials: { kind: 'keys', source: { env: 'K' } } }),
  );
  // Without names, a header key, so that gw-auth.js is there at all.
  const used = schemes.length ? schemes : [keyScheme];
  return load(gatewayOf(used, [[{ schemes: used.map((x) => ({ scheme: x.id, scopes: [] })) }]]));
}

describe('gw-auth.js: reading credentials and what goes upstream, as gw serve does', async () => {
  const readers = await load(
    gatewayOf(SCHEMES, [
      [{ schemes: ['s.key', 's.basic', 's.qkey', 's.ckey'].map((id) => ({ scheme: id, scopes: [] })) }],
    ]),
  );
  for (const c of READ_ROWS)
    it(`read: ${c.name}`, () => {
      const r = request(c.given.headers, c.given.url);
      expect(SLOTS.map((slot) => readers.module.fn('readSlot')(r, slot))).toEqual(c.want);
    });
  for (const c of STRIP_QUERY_ROWS)
    it(`query: ${c.name}`, async () => {
      const loaded = await stripping('query', c.given[1]);
      const r = request([], `/x${c.given[0]}`, loaded.policy(0));
      // $args holds the query without its `?`: gw serve's `?` alone is nginx's empty $args.
      expect(loaded.module.exports.strippedArgs!(r)).toBe(c.want.replace(/^\?/, ''));
    });
  for (const c of STRIP_COOKIE_ROWS)
    it(`cookie: ${c.name}`, async () => {
      const loaded = await stripping('cookie', c.given[1]);
      expect(loaded.module.exports.strippedCookie!(request(['Cookie', c.given[0]], '/x', loaded.policy(0)))).toBe(
        c.want,
      );
    });
  for (const c of REDACT_ROWS)
    it(`access log: ${c.name}`, async () => {
      const loaded = await stripping('query', c.given[1]);
      expect(loaded.module.exports.logUri!(request([], c.given[0]))).toBe(c.want);
    });
});
