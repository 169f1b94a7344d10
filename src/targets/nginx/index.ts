import { loadTemplates } from '../templates.js';
import type { RenderedFile, Target } from '../types.js';
import { hashSizeDirectives, hashSizes } from './hash-sizes.js';
import { buildNginxView } from './view.js';

/** The njs program that checks credentials: shipped in templates/nginx/ and copied as it is. */
export const GW_AUTH_JS = 'gw-auth.js';

/**
 * Open-source NGINX (as Debian ships it): nginx/nginx.conf (complete), nginx/conf.d/gw.conf
 * (include-able) and, with credentials to check, the njs program nginx/conf.d/gw-auth.js (copied
 * as gw ships it) with its configuration nginx/conf.d/gw-auth-config.js (rendered).
 */
export const nginxTarget: Target = {
  name: 'nginx',
  description: 'NGINX configuration: nginx.conf and an include-able conf.d/gw.conf',
  async render(gateway, options) {
    const { view, diagnostics } = buildNginxView(gateway, options);
    const templates = await loadTemplates('nginx', options, {});
    const files: RenderedFile[] = [
      { path: 'nginx/nginx.conf', contents: templates.render('nginx.conf', view) },
      { path: 'nginx/conf.d/gw.conf', contents: withHashSizes(templates.render('gw.conf', view)) },
    ];
    // The credential checks (njs); no secret is in either file, so they are ordinary files.
    if (view.policies.njs) {
      const program = await templates.asset(GW_AUTH_JS);
      files.push(
        {
          path: `nginx/conf.d/${GW_AUTH_JS}`,
          contents: program.contents,
          ...(program.shipped !== null ? { copiedFrom: program.shipped } : {}),
        },
        { path: 'nginx/conf.d/gw-auth-config.js', contents: templates.render('gw-auth-config.js', view) },
      );
    }
    return { files, diagnostics };
  },
};

/** gw.conf with its hash table sizes (hash-sizes.ts) after the header comment, before any map. */
function withHashSizes(conf: string): string {
  const header = /^(?:#[^\n]*\n)*\n?/.exec(conf)![0];
  return header + hashSizeDirectives(hashSizes(conf)) + conf.slice(header.length);
}
