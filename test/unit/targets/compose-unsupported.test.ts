import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGateway } from '../../../src/cli/load-gateway.js';
import { parseProject } from '../../../src/project/load.js';
import { envoyTarget } from '../../../src/targets/envoy/index.js';
import { nginxTarget } from '../../../src/targets/nginx/index.js';
import { ROOT } from '../../helpers/cli.js';

/** The example with its dashboard (golden case 13-compose), the dashboard's key checked so the route is reachable. */
async function dashboardGateway() {
  const file = join(ROOT, 'test', 'golden', 'cases', '13-compose', 'gw.yaml');
  const text = `${readFileSync(file, 'utf8')}credentials:\n  dashboard.apiKey: { keys: { env: GW_TEST_KEYS } }\n`;
  const { gateway, diagnostics } = await buildGateway(parseProject(text, file, 'gw.yaml'));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return gateway;
}

describe('NGINX and Envoy answer a composite route 501 and warn about it (docs/composition.md, "Data planes")', () => {
  it('Envoy: a direct 501 GW_HTTP_COMPOSE_UNSUPPORTED and a GW_TARGET_INEXACT[envoy.compose]', async () => {
    const { files, diagnostics } = await envoyTarget.render(await dashboardGateway(), {});
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const warning = diagnostics.find((d) => d.kind === 'envoy.compose');
    expect(warning?.message).toMatch(
      /GET \/dashboard\/\{userId\} \(dashboard\.getDashboard\): it is a composite of 4 steps/,
    );
    expect(warning?.subjects).toEqual(['dashboard.getDashboard']);
    const yaml = files.find((f) => f.path === 'envoy/envoy.yaml')!.contents;
    const route = yaml.slice(yaml.indexOf('name: "dashboard.getDashboard"'));
    expect(route.slice(0, 1200)).toMatch(/direct_response:\s+status: 501[\s\S]*GW_HTTP_COMPOSE_UNSUPPORTED/);
  });
  it('NGINX: the location jumps to @gw_problem_compose (501), and a GW_TARGET_INEXACT[nginx.compose]', async () => {
    const { files, diagnostics } = await nginxTarget.render(await dashboardGateway(), {});
    const warning = diagnostics.find((d) => d.kind === 'nginx.compose');
    expect(warning?.message).toMatch(/route GET \/dashboard\/\{userId\} \(dashboard\.getDashboard\) is a composite/);
    const conf = files.find((f) => f.path === 'nginx/conf.d/gw.conf')!.contents;
    expect(conf).toContain('error_page 418 = @gw_problem_compose;');
    expect(conf).toMatch(/location @gw_problem_compose \{[^}]*return 501 "[^\n]*GW_HTTP_COMPOSE_UNSUPPORTED/);
  });
});
