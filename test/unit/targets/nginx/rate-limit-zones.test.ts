import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../../../src/cli/load-gateway.js';
import type { Gateway } from '../../../../src/model/types.js';
import { parseProject } from '../../../../src/project/load.js';
import { buildPolicies } from '../../../../src/targets/nginx/policies.js';
import { nginxTarget } from '../../../../src/targets/nginx/index.js';
import { tempDir } from '../../../helpers/cli.js';
import { oas30, writeFiles } from '../../../helpers/specs.js';

/**
 * limit_req zones shared by what they count (issue 13, item 3): limits with the same rate, key and
 * size share one zone, their counters told apart inside it, so a gateway-wide limit over many
 * routes is one zone, not one per route; each zone is sized from the limit's expected keys.
 */
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('gw-zones-'));
  const ops = (s: string) => ({
    '/x': { get: { operationId: `${s}X` }, post: { operationId: `${s}Post` } },
    '/y': { get: { operationId: `${s}Y` } },
  });
  await writeFiles(dir, { 'a.yaml': oas30('A', ops('a')), 'b.yaml': oas30('B', ops('b')) });
});

afterAll(() => cleanup());

async function gatewayWith(rateLimit: string): Promise<Gateway> {
  const yaml = [
    'version: 1',
    'name: zones',
    `settings: { rateLimit: ${rateLimit} }`,
    'services:',
    '  - { name: a, spec: a.yaml, prefix: /a }',
    '  - { name: b, spec: b.yaml, prefix: /b }',
    '',
  ].join('\n');
  const file = join(dir, 'gw.yaml');
  return (await buildGateway(parseProject(yaml, file, 'gw.yaml'))).gateway;
}

/** Per route id: the zone its limit_req names and the counter it sets ('' when the zone has one counter). */
function limits(g: Gateway): Record<string, string> {
  const p = buildPolicies(g);
  return Object.fromEntries(
    g.routes.map((r) => {
      const zone = /zone=(\w+)/.exec(p.routes.get(r)!.checks.limitReq!)![1];
      const counter = p.routes.get(r)!.sets.find((s) => s.variable === '$gw_limit_counter')?.value ?? '';
      return [r.id, `${zone} ${counter}`.trim()];
    }),
  );
}

describe('nginx: limit_req zones shared by what they count', () => {
  it('a gateway-scope limit: one zone keyed by the address alone', async () => {
    const g = await gatewayWith('{ requests: 10, window: 1s, scope: gateway }');
    const p = buildPolicies(g);
    expect(p.view.zones.map((z) => `${z.name} ${z.key} ${z.size} ${z.rate}`)).toEqual([
      'gw_limit_0 $binary_remote_addr 1276k 10r/s',
    ]);
    expect(new Set(Object.values(limits(g)))).toEqual(new Set(['gw_limit_0']));
  });

  it('a per-route limit set gateway-wide: one zone, a counter per route in its key', async () => {
    const g = await gatewayWith('{ requests: 10, window: 1s }');
    const p = buildPolicies(g);
    expect(p.view.zones.map((z) => `${z.name} ${z.key}`)).toEqual(['gw_limit_0 $gw_limit_counter$binary_remote_addr']);
    expect(limits(g)).toEqual({
      'a.aX': 'gw_limit_0 "0:"',
      'a.aPost': 'gw_limit_0 "1:"',
      'a.aY': 'gw_limit_0 "2:"',
      'b.bX': 'gw_limit_0 "3:"',
      'b.bPost': 'gw_limit_0 "4:"',
      'b.bY': 'gw_limit_0 "5:"',
    });
    const windows = p.diagnostics.filter((d) => d.kind === 'nginx.rate-limit-window');
    expect(windows).toHaveLength(1);
    expect(windows[0]!.message).toContain('(a counter per route) on GET /a/x, POST /a/x, GET /a/y, GET /b/x');
  });

  it('a service-scope limit: one zone, one counter per service', async () => {
    const g = await gatewayWith('{ requests: 10, window: 1s, scope: service }');
    const got = limits(g);
    expect(new Set(Object.values(got))).toEqual(new Set(['gw_limit_0 "0:"', 'gw_limit_0 "1:"']));
    expect(got['a.aX']).toBe(got['a.aY']);
    expect(got['b.bX']).toBe(got['b.bPost']);
    expect(got['a.aX']).not.toBe(got['b.bX']);
  });

  it('limits of one rate but other windows get zones of their own, so each warning tells its limit', async () => {
    const g = await gatewayWith('{ requests: 10, window: 1s, scope: gateway }');
    const [first, ...rest] = g.routes;
    const perMinute = { ...first!.settings.rateLimit!, requests: 600, windowMs: 60_000 };
    const edited = { ...g, routes: [{ ...first!, settings: { ...first!.settings, rateLimit: perMinute } }, ...rest] };
    const p = buildPolicies(edited);
    expect(p.view.zones.map((z) => `${z.name} ${z.key} ${z.rate}`)).toEqual([
      'gw_limit_0 $binary_remote_addr 10r/s',
      'gw_limit_1 $binary_remote_addr 10r/s',
    ]);
    const messages = p.diagnostics.filter((d) => d.kind === 'nginx.rate-limit-window').map((d) => d.message);
    expect(messages.map((m) => /rate limit (\d+ per \d+ ms)/.exec(m)![1])).toEqual([
      '600 per 60000 ms',
      '10 per 1000 ms',
    ]);
  });

  it('sizes each zone from the keys it expects: 128 bytes a key and the slab overhead, at least 32k', async () => {
    const size = async (keys: number) =>
      buildPolicies(await gatewayWith(`{ requests: 10, window: 1s, keys: ${keys} }`)).view.zones[0]!.size;
    expect(await size(1)).toBe('32k');
    expect(await size(100)).toBe('36k');
    expect(await size(1_000_000)).toBe('125752k');
  });

  it('prints the zones in gw.conf', async () => {
    const { files } = await nginxTarget.render(await gatewayWith('{ requests: 10, window: 1s, keys: 50000 }'), {});
    const conf = files.find((f) => f.path === 'nginx/conf.d/gw.conf')!.contents;
    expect(conf.match(/^limit_req_zone .*$/gm)).toEqual([
      'limit_req_zone $gw_limit_counter$binary_remote_addr zone=gw_limit_0:6308k rate=10r/s;',
    ]);
    expect(conf).toContain('set $gw_limit_counter "0:";');
  });
});
