// The policies variant of bench/nginx-routes.js: the config `gw build --target nginx` generates for
// the same GitHub spec with an API key on every route (1,000 keys, nginx/keys/*.map) and a
// gateway-wide rate limit, next to the generated config without policies (the `gw` variant), so
// the run reports the share of that config's capacity the policies keep (CPU per request, same run).
// The project is bench/proxy.js --policies' (lib/policy-project.mjs): the secured copy of the spec
// and N random keys written into the temp folder on every run, never kept.

import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNginxConf } from './nginx-conf.mjs';
import { KEY_HEADER, projectYaml, securedSpec, writeKeys } from './policy-project.mjs';

export const POLICY_KEYS = Math.max(1, Number(process.env.BENCH_KEYS ?? 1000) | 0);

/**
 * Builds the policy project in tmp/policies and returns the variant (id gwPol) with the header the
 * load sends (a key from the middle of the file), or a reason it cannot run.
 */
export async function policiesVariant({ tmp, specFile, upstreamPort, port, gw }) {
  const project = join(tmp, 'policies');
  mkdirSync(project, { recursive: true });
  const { file: keysFile, keys } = writeKeys(project, POLICY_KEYS);
  const secured = securedSpec(specFile);
  writeFileSync(
    join(project, 'gw.yaml'),
    projectYaml({ specFile: secured, upstreamPort, listenPort: port, keysFile, policies: true }),
  );
  const built = await gw(['build', '--target', 'nginx', '--out', 'out'], project);
  if (built.code !== 0) return { skipWhy: `gw build of the policy project failed: ${built.stderr.slice(-500)}` };
  const gen = join(project, 'out', 'nginx');
  const key = keys[keys.length >> 1];
  // njs and the environment variables it reads: the policy build's nginx.conf main-context lines.
  const main = parseNginxConf(readFileSync(join(gen, 'nginx.conf'), 'utf8')).filter((d) =>
    ['load_module', 'env'].includes(d.name),
  );
  return {
    id: 'gwPol',
    label: `gw config + ${POLICY_KEYS} keys + limit`,
    what:
      `the generated conf.d/gw.conf of the same spec with an API key (${KEY_HEADER}, ${POLICY_KEYS} keys in ` +
      `key maps) on every route and a gateway-wide rate limit (100,000,000/min, never reached); the load sends ` +
      `${key.consumer}'s key`,
    port,
    main,
    headers: { [KEY_HEADER]: key.key },
    text: () => readFileSync(join(gen, 'conf.d', 'gw.conf'), 'utf8'),
    // gw.conf imports conf.d/gw-auth.js and includes keys/*.map relative to nginx's prefix, the variant's folder.
    prepare: (dir) => {
      cpSync(join(gen, 'conf.d'), join(dir, 'conf.d'), { recursive: true });
      cpSync(join(gen, 'keys'), join(dir, 'keys'), { recursive: true });
    },
  };
}
