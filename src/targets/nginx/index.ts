import { loadTemplates } from '../templates.js';
import type { Target } from '../types.js';
import { buildNginxView } from './view.js';

/** Open-source NGINX (as Debian ships it): nginx/nginx.conf (complete), nginx/conf.d/gw.conf (include-able) and, with credentials to check, nginx/conf.d/gw-auth.js (njs). */
export const nginxTarget: Target = {
  name: 'nginx',
  description: 'NGINX configuration: nginx.conf and an include-able conf.d/gw.conf',
  async render(gateway, options) {
    const { view, diagnostics } = buildNginxView(gateway, options);
    const templates = await loadTemplates('nginx', options, {});
    return {
      files: [
        { path: 'nginx/nginx.conf', contents: templates.render('nginx.conf', view) },
        { path: 'nginx/conf.d/gw.conf', contents: templates.render('gw.conf', view) },
        // The credential checks (njs); no secret is in it, so it is an ordinary file.
        ...(view.policies.njs
          ? [
              {
                path: 'nginx/conf.d/gw-auth.js',
                contents: templates.render('gw-auth.js', { name: view.name, config: view.policies.njs.config }),
              },
            ]
          : []),
      ],
      diagnostics,
    };
  },
};
