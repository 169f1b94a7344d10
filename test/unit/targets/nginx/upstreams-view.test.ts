import { describe, expect, it } from 'vitest';
import type { ImportedUpstream } from '../../../../src/model/fragment.js';
import type { Gateway, Target } from '../../../../src/model/types.js';
import { buildNginxView } from '../../../../src/targets/nginx/view.js';
import { route, settle, target } from '../../../helpers/routes.js';

const upstream = (targets: Target[]): ImportedUpstream => ({
  id: 's',
  service: 's',
  basePath: '',
  balancing: 'weighted',
  healthCheck: null,
  connectionsPerTarget: 256,
  targets,
  origin: 'config',
  source: { file: 'gw.yaml', pointer: '#/services/0/upstreams' },
});

const gatewayOf = (targets: Target[]): Gateway => settle([route('GET', '/x')], { upstreams: [upstream(targets)] });

/** The Host the route's location sends, and what the view prints for it. */
function hostOf(g: Gateway) {
  const { view, diagnostics } = buildNginxView(g);
  const location = view.exact[0]!;
  const forward = location.handler.forward!;
  return { host: forward.host, splits: view.splits, kinds: diagnostics.map((d) => d.kind) };
}

describe("the Host sent upstream: each target's authority from the model", () => {
  it('one target: its authority, the default port left out', () => {
    expect(hostOf(gatewayOf([target('https://api.example.com:443')])).host).toBe('"api.example.com"');
    expect(hostOf(gatewayOf([target('http://10.0.0.1:8080')])).host).toBe('"10.0.0.1:8080"');
  });

  it('hostname targets that differ: a second split on the same key, so each request sends its target its Host', () => {
    const got = hostOf(gatewayOf([target('http://a.internal:8080', 3), target('http://b.internal')]));
    expect(got.host).toBe('$gw_host_s');
    expect(got.splits[0]!.choices.map((c) => c.share)).toEqual(got.splits[0]!.host!.choices.map((c) => c.share));
    expect(got.splits[0]!.host).toEqual({
      variable: '$gw_host_s',
      choices: [
        { share: '75.00%', value: '"a.internal:8080"' },
        { share: '*', value: '"b.internal"' },
      ],
    });
  });

  it('address targets that differ: one upstream block each (the others backups), picked by the same split', () => {
    const g = gatewayOf([target('https://127.0.0.1:8081', 3), target('https://localhost:8082')]);
    const got = hostOf(g);
    expect(got.host).toBe('$gw_host_s');
    expect(got.splits[0]!.choices).toEqual([
      { share: '75.00%', url: '"https://gw_s_t1"' },
      { share: '*', url: '"https://gw_s_t2"' },
    ]);
    const { view } = buildNginxView(g);
    expect(view.upstreams.map((u) => [u.name, u.servers])).toEqual([
      [
        'gw_s_t1',
        [
          { address: '127.0.0.1:8081', params: 'max_fails=3 fail_timeout=10s' },
          { address: 'localhost:8082', params: 'backup max_fails=3 fail_timeout=10s' },
        ],
      ],
      [
        'gw_s_t2',
        [
          { address: 'localhost:8082', params: 'max_fails=3 fail_timeout=10s' },
          { address: '127.0.0.1:8081', params: 'backup max_fails=3 fail_timeout=10s' },
        ],
      ],
    ]);
    // The TLS name follows the Host (nginx takes the port off); retries on a backup are inexact, so a warning.
    expect(view.exact[0]!.handler.forward!.tlsName).toBe('$gw_host_s');
    expect(got.kinds).toContain('nginx.upstream-host');
  });

  it('targets with one authority need neither', () => {
    const got = hostOf(gatewayOf([target('http://a.internal:8080'), target('https://a.internal:8080')]));
    expect(got.host).toBe('"a.internal:8080"');
    expect(got.splits[0]!.host).toBeNull();
    expect(got.kinds).not.toContain('nginx.upstream-host');
  });
});
