import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

describe('npm run demo', () => {
  it('imports the example, prints routes and diagnostics, serves it and answers sample requests', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'demo.js')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('added users: specs/users.yaml, Swagger 2.0, 7 operations');
    expect(r.stdout).toMatch(/^GET\s+\/products\/featured\s+catalog/m);
    for (const f of ['nginx/conf.d/gw.conf', 'envoy/envoy.yaml', 'node/server.mjs', 'openapi/openapi.json'])
      expect(r.stdout).toContain(f);
    // Served over https with the certificate the demo made (issue 14), HTTP/1.1 and HTTP/2, and redirected from http.
    expect(r.stdout).toMatch(/serving on https:\/\/127\.0\.0\.1:\d+ \(HTTP\/2 and HTTP\/1\.1\)/);
    expect(r.stdout).toContain('HTTP/1.1 401 (application/problem+json)');
    expect(r.stdout).toContain('"code":"GW_HTTP_UNAUTHORIZED"');
    expect(r.stdout).toContain('HTTP/1.1 200 (application/json)');
    expect(r.stdout).toContain('HTTP/1.1 404 (application/json)');
    expect(r.stdout).toContain('HTTP/1.1 405 (application/problem+json)');
    expect(r.stdout).toContain('HTTP/2 200 (application/json)');
    expect(r.stdout).toMatch(/HTTP\/1\.1 308 \(no body\) location: https:\/\/127\.0\.0\.1:\d+\/orders\?status=paid/);
    // The composite dashboard (examples/shop/specs/dashboard.yaml): whole with the orders token, partial without.
    expect(r.stdout).toMatch(
      /^HTTP\/1\.1 200 \(application\/json\)\n\{"user":\{"id":42,"name":"Ada L\.".*"orders":\[\{/m,
    );
    expect(r.stdout).toMatch(/"products":\[\{"id":"dune-paperback"/);
    expect(r.stdout).toContain('HTTP/1.1 200 (application/json, X-Gw-Partial: orders, products)');
    expect(r.stdout).toContain(
      '"failures":[{"step":"orders","reason":"status","status":401},{"step":"products","reason":"dependency"}]',
    );
  });
});
