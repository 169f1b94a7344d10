import { loadTemplates } from '../templates.js';
import type { Target } from '../types.js';
import { checkEnvoyConfig } from './check.js';
import { envoyComment, envoyString } from './escape.js';
import { buildEnvoyView } from './view.js';

export const ENVOY_CONFIG_FILE = 'envoy/envoy.yaml';

/**
 * The envoy target: one static bootstrap, envoy/envoy.yaml. What it renders is checked against
 * Envoy's own API protos (check.ts); problems come back as GW_ENVOY_CONFIG_INVALID errors.
 */
export const envoyTarget: Target = {
  name: 'envoy',
  description: 'an Envoy static bootstrap (envoy.yaml), checked against the Envoy v3 API protos',
  async render(gateway, options) {
    const { view, diagnostics } = buildEnvoyView(gateway);
    const templates = await loadTemplates('envoy', options, {
      json: (value: unknown) => envoyString(String(value)),
      oneLine: (value: unknown) => envoyComment(String(value)),
    });
    const contents = templates.render('envoy.yaml', view);
    const check = await checkEnvoyConfig(contents, ENVOY_CONFIG_FILE, { trustedRegexes: new Set(gateway.routes.map((r) => r.match.regex)) });
    return { files: [{ path: ENVOY_CONFIG_FILE, contents }], diagnostics: [...diagnostics, ...check] };
  },
};
