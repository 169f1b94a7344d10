import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXAMPLE_SPECS } from '../helpers/cli.js';
import { BFF_SPEC, COMPOSE_CREDENTIALS_YAML, composeServicesYaml, ECHO_SPEC } from './compose-project.js';
import { SHOP_CREDENTIALS_YAML, writeShopSecrets } from './shop-credentials.js';

/**
 * The scenario project: the example shop's specs, each service pointed at its echo upstream
 * (keeping the spec's base path), catalog mounted under /catalog, and orders limited to 256 KiB
 * bodies (the spec's own x-gw on createOrder); a few operations have rate limits, CORS and
 * validation (scenarios/limits-scenarios.ts says which). Every security scheme has credentials
 * (scenarios/shop-credentials.ts: files under secrets/ and two environment variables).
 * Returns the environment the gateway needs: those variables, and GW_BASE_DIR (the project
 * folder) for the node target, whose relative credential files resolve against it.
 * With an `echo` upstream, the project also has the composition services (scenarios/compose-project.ts).
 * The list sends dozens of wrong credentials from one address on purpose, so the failure limit
 * (auth.failureLimit, 10 a minute by default) is off here; serve-basic-bcrypt.test.ts tests it.
 */
export async function writeShopProject(
  dir: string,
  echoes: { users: string; orders: string; catalog: string; echo?: string },
  port = 0,
  tls?: { cert: string; key: string },
): Promise<Record<string, string>> {
  // With `tls` (files relative to `dir`): the same gateway on https, h2 and http/1.1 by ALPN (docs/tls.md).
  const listenTls = tls ? `, tls: { cert: ${tls.cert}, key: ${tls.key} }` : '';
  await cp(EXAMPLE_SPECS, join(dir, 'specs'), { recursive: true });
  const env = await writeShopSecrets(dir);
  if (echoes.echo !== undefined) {
    await writeFile(join(dir, 'specs', 'echo.yaml'), ECHO_SPEC);
    await writeFile(join(dir, 'specs', 'bff.yaml'), BFF_SPEC);
  }
  const compose = echoes.echo !== undefined ? composeServicesYaml(echoes.echo) : '';
  await writeFile(
    join(dir, 'gw.yaml'),
    `version: 1
name: shop
listen: { host: 127.0.0.1, port: ${port}${listenTls} }
settings:
  auth: { failureLimit: false }
services:
  - name: users
    spec: specs/users.yaml
    upstreams: ["${echoes.users}/api/v1"]
    operations:            # limits-scenarios.ts
      createUser: { validate: true, maxBodySize: 1kb }
  - name: orders
    spec: specs/orders/openapi.yaml
    upstreams: ["${echoes.orders}/v1"]
  - name: catalog
    spec: specs/catalog.json
    prefix: /catalog
    upstreams: ["${echoes.catalog}"]
    operations:            # limits-scenarios.ts
      listProducts: { validate: true }
      listFeaturedProducts:
        rateLimit: { requests: 2, window: 1h, key: "header:X-Client-Id" }
      listCategories:
        cors:
          origins: ["https://shop.example", "HTTPS://Admin.Shop.Example/"]
          credentials: true
          exposeHeaders: [X-Upstream]
          maxAge: 5m
${compose}${SHOP_CREDENTIALS_YAML}${echoes.echo !== undefined ? COMPOSE_CREDENTIALS_YAML : ''}`,
  );
  return { ...env, GW_BASE_DIR: dir };
}
