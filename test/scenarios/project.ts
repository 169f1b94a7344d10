import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXAMPLE_SPECS } from '../helpers/cli.js';
import { SHOP_CREDENTIALS_YAML, writeShopSecrets } from './shop-credentials.js';

/**
 * The scenario project: the example shop's specs, each service pointed at its echo upstream
 * (keeping the spec's base path), catalog mounted under /catalog, and orders limited to 256 KiB
 * bodies (the spec's own x-gw on createOrder). Every security scheme has credentials
 * (scenarios/shop-credentials.ts: files under secrets/ and two environment variables).
 * Returns the environment the gateway needs: those variables, and GW_BASE_DIR (the project
 * folder) for the node target, whose relative credential files resolve against it.
 */
export async function writeShopProject(dir: string, echoes: { users: string; orders: string; catalog: string }, port = 0): Promise<Record<string, string>> {
  await cp(EXAMPLE_SPECS, join(dir, 'specs'), { recursive: true });
  const env = await writeShopSecrets(dir);
  await writeFile(
    join(dir, 'gw.yaml'),
    `version: 1
name: shop
listen: { host: 127.0.0.1, port: ${port} }
services:
  - name: users
    spec: specs/users.yaml
    upstreams: ["${echoes.users}/api/v1"]
  - name: orders
    spec: specs/orders/openapi.yaml
    upstreams: ["${echoes.orders}/v1"]
  - name: catalog
    spec: specs/catalog.json
    prefix: /catalog
    upstreams: ["${echoes.catalog}"]
${SHOP_CREDENTIALS_YAML}`,
  );
  return { ...env, GW_BASE_DIR: dir };
}
