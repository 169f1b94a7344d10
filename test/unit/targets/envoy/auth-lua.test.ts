import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { luaString } from '../../../../src/targets/envoy/auth-sources.js';
import { envoyTarget } from '../../../../src/targets/envoy/index.js';
import { gatewayOf, secured } from './policies-fixtures.js';

/**
 * The gw-auth Lua script as rendered, run by LuaJIT (Envoy's Lua) against a stand-in for Envoy's
 * request handle: the route metadata the view wrote, the payloads jwt_authn would have put in
 * dynamic metadata, the request headers. Skipped locally where no luajit is installed (apt install luajit); under CI
 * a missing luajit fails.
 */
const luajit = ['luajit', 'lua5.1'].find((bin) => spawnSync(bin, ['-v']).status === 0);

function toLua(value: unknown): string {
  if (typeof value === 'string') return luaString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{ ${value.map(toLua).join(', ')} }`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
  return `{ ${entries.map(([k, v]) => `[${luaString(k)}] = ${toLua(v)}`).join(', ')} }`;
}

const HARNESS = `
local script = assert(loadfile("gw-auth.lua"))
script()
local function run(meta, headers, jwt)
  local h = { response = nil, headers = {} }
  for k, v in pairs(headers) do h.headers[string.lower(k)] = v end
  local map = {}
  function map:get(k) return h.headers[string.lower(k)] end
  function map:replace(k, v) h.headers[string.lower(k)] = v end
  function map:remove(k) h.headers[string.lower(k)] = nil end
  local handle = {}
  function handle:headers() return map end
  function handle:metadata() return { get = function(_, k) return meta[k] end } end
  function handle:streamInfo()
    return { dynamicMetadata = function()
      return { get = function(_, k) if k == "envoy.filters.http.jwt_authn" then return jwt end end }
    end }
  end
  function handle:respond(hs, body) h.response = hs end
  envoy_on_request(handle)
  local r = h.response
  print(table.concat({
    r and r[":status"] or "pass",
    r and r["www-authenticate"] or "-",
    h.headers["x-consumer"] or "-",
    h.headers[":path"] or "-",
    h.headers["cookie"] or "-",
    h.headers["x-key"] or "-",
  }, "|"))
end
`;

interface Case {
  name: string;
  route: string;
  headers: Record<string, string>;
  jwt?: Record<string, unknown>;
  want: string;
}

// Under CI the suite must fail, not skip, when LuaJIT is missing (.ci/run installs it).
if (!luajit && process.env.CI)
  throw new Error('luajit is not installed (apt-get install -y luajit); .ci/run installs it');

describe.skipIf(!luajit)('gw-auth (the Lua filter) under LuaJIT', () => {
  let dir: string;
  let meta: Record<string, unknown>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-lua-'));
    const routes = [
      secured('GET', '/or', [['key'], ['jwt:read']]),
      secured('GET', '/and', [['qkey', 'jwt']]),
      secured('GET', '/cookie', [['ckey']]),
      secured('GET', '/keep', [['key']], {
        auth: { enforce: true, consumerHeader: 'X-Consumer', forwardCredentials: true, failureLimit: null },
      }),
    ];
    const result = await envoyTarget.render(gatewayOf(routes), {});
    // biome-ignore lint/suspicious/noExplicitAny: a parsed config, walked by hand in assertions
    const config = parse(result.files[0]!.contents) as any;
    const hcm = config.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
    const lua = hcm.http_filters.find((f: { name: string }) => f.name === 'envoy.filters.http.lua');
    writeFileSync(join(dir, 'gw-auth.lua'), lua.typed_config.source_codes['gw-auth'].inline_string);
    writeFileSync(join(dir, 'keys.txt'), '# partners\nacme:k-acme-1\n\nk-bare\n');
    meta = {};
    for (const r of hcm.route_config.virtual_hosts[0].routes) {
      if (r.metadata) meta[r.match.path] = r.metadata.filter_metadata['envoy.filters.http.lua'];
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Case[] = [
    {
      name: 'no credentials: 401 with every challenge',
      route: '/or',
      headers: {},
      want: '401|ApiKey realm="g", in="header", name="X-Key", Bearer realm="g"|-|/or|-|-',
    },
    {
      name: 'a named key: passes, consumer set, key removed',
      route: '/or',
      headers: { 'X-Key': 'k-acme-1', 'X-Consumer': 'forged' },
      want: 'pass|-|acme|/or|-|-',
    },
    {
      name: 'a bare key: passes without a consumer',
      route: '/or',
      headers: { 'X-Key': 'k-bare' },
      want: 'pass|-|-|/or|-|-',
    },
    {
      name: 'a wrong key: 401',
      route: '/or',
      headers: { 'X-Key': 'nope' },
      want: '401|ApiKey realm="g", in="header", name="X-Key", Bearer realm="g"|-|/or|-|nope',
    },
    {
      name: 'a token with the scope: passes as its sub',
      route: '/or',
      headers: { authorization: 'Bearer t' },
      jwt: { 's.jwt': { sub: 'ann', scope: ['read', 'write'] } },
      want: 'pass|-|ann|/or|-|-',
    },
    {
      name: 'scp as a string counts too',
      route: '/or',
      headers: { authorization: 'Bearer t' },
      jwt: { 's.jwt': { sub: 'ann', scp: 'x read' } },
      want: 'pass|-|ann|/or|-|-',
    },
    {
      name: 'a token without the scope: 403 insufficient_scope',
      route: '/or',
      headers: { authorization: 'Bearer t' },
      jwt: { 's.jwt': { sub: 'ann', scope: ['write'] } },
      want: '403|Bearer realm="g", error="insufficient_scope", scope="read"|-|/or|-|-',
    },
    {
      name: 'a token jwt_authn did not accept: 401 invalid_token',
      route: '/or',
      headers: { authorization: 'Bearer bad' },
      want: '401|ApiKey realm="g", in="header", name="X-Key", Bearer realm="g", error="invalid_token"|-|/or|-|-',
    },
    {
      name: 'AND: the query key alone is not enough',
      route: '/and',
      headers: { ':path': '/and?api_key=q1' },
      want: '401|ApiKey realm="g", in="query", name="api_key", Bearer realm="g"|-|/and?api_key=q1|-|-',
    },
    {
      name: 'AND: query key and token; the key leaves the query, the rest stays',
      route: '/and',
      headers: { ':path': '/and?a=1&api_key=q1&b=2' },
      jwt: { 's.jwt': { sub: 'bob' } },
      want: 'pass|-|qa|/and?a=1&b=2|-|-',
    },
    {
      name: 'a cookie key; the other cookies stay',
      route: '/cookie',
      headers: { cookie: 'x=1; sid=q2; y=2' },
      want: 'pass|-|-|/cookie|x=1; y=2|-',
    },
    {
      name: 'forwardCredentials: the key stays',
      route: '/keep',
      headers: { 'X-Key': 'k-acme-1' },
      want: 'pass|-|acme|/keep|-|k-acme-1',
    },
  ];

  it('decides each request as gw serve does', () => {
    const calls = cases.map(
      (c) => `run(${toLua(meta[c.route])}, ${toLua({ ':path': c.route, ...c.headers })}, ${toLua(c.jwt ?? {})})`,
    );
    writeFileSync(join(dir, 'run.lua'), `${HARNESS}\n${calls.join('\n')}\n`);
    const out = spawnSync(luajit!, ['run.lua'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, QKEYS: 'qa:q1,q2' },
    });
    expect(out.stderr).toBe('');
    const lines = out.stdout.trim().split('\n');
    expect(Object.fromEntries(cases.map((c, i) => [c.name, lines[i]]))).toEqual(
      Object.fromEntries(cases.map((c) => [c.name, c.want])),
    );
  });

  it('a keys source that cannot be read stops the script from loading (Envoy then refuses the configuration)', () => {
    writeFileSync(join(dir, 'load.lua'), 'assert(loadfile("gw-auth.lua"))()');
    const out = spawnSync(luajit!, ['load.lua'], { cwd: dir, encoding: 'utf8', env: { ...process.env, QKEYS: '' } });
    expect(out.status).not.toBe(0);
    expect(out.stderr).toContain('gw-auth: the environment variable QKEYS is not set');
  });
});
