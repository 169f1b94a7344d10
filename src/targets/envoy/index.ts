import { loadTemplates } from '../templates.js';
import type { Gateway } from '../../model/types.js';
import type { RenderedFile, RenderOptions, RenderResult, Target } from '../types.js';
import { checkEnvoyConfig, prepareEnvoyCheck } from './check.js';
import { envoyComment, envoyFlow, shellQuote } from './escape.js';
import { envoyPathRegexes } from './route-match.js';
import { buildEnvoyView } from './view.js';

export const ENVOY_CONFIG_FILE = 'envoy/envoy.yaml';
/** The configuration of envoyproxy/ratelimit for Redis-backed limits. */
export const RATE_LIMIT_CONFIG_FILE = 'envoy/ratelimit-config.yaml';
/** Turns HS256 secrets into the JWKS jwt_authn reads. */
export const HS256_SCRIPT_FILE = 'envoy/hs256-jwks.sh';

/**
 * The envoy target: one static bootstrap, envoy/envoy.yaml (plus, when the policies need them,
 * envoy/ratelimit-config.yaml and envoy/hs256-jwks.sh). What it renders is checked against
 * Envoy's own API protos (check.ts); problems come back as GW_ENVOY_CONFIG_INVALID errors.
 */
export const envoyTarget: Target = {
  name: 'envoy',
  description: 'an Envoy static bootstrap (envoy.yaml), checked against the Envoy v3 API protos',
  async render(gateway, options) {
    // The view is let go before the check, which reads the whole rendered file back (both are large on a big gateway).
    const { files, diagnostics } = await renderFiles(gateway, options);
    const check = await checkEnvoyConfig(files[0]!.contents, ENVOY_CONFIG_FILE, {
      trustedRegexes: envoyPathRegexes(gateway.routes),
    });
    return { files, diagnostics: [...diagnostics, ...check] };
  },
  prepare() {
    prepareEnvoyCheck();
  },
};

/** The files, envoy.yaml first, and the view's diagnostics. */
async function renderFiles(gateway: Gateway, options: RenderOptions): Promise<RenderResult> {
  const { view, diagnostics } = buildEnvoyView(gateway, options.envoy);
  const templates = await loadTemplates('envoy', options, {
    json: (value: unknown) => envoyFlow(String(value)),
    oneLine: (value: unknown) => envoyComment(String(value)),
    flow: (value: unknown) => envoyFlow(value),
    shell: (value: unknown) => shellQuote(String(value)),
  });
  const files: RenderedFile[] = [{ path: ENVOY_CONFIG_FILE, contents: templates.render('envoy.yaml', view) }];
  // Neither file holds a secret: the script reads them where Envoy runs.
  if (view.rateLimitConfig)
    files.push({
      path: RATE_LIMIT_CONFIG_FILE,
      contents: templates.render('ratelimit-config.yaml', view.rateLimitConfig),
    });
  if (view.hs256.length > 0)
    files.push({ path: HS256_SCRIPT_FILE, contents: templates.render('hs256-jwks.sh', view), mode: 0o755 });
  return { files, diagnostics };
}
