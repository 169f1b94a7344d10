import type { ImportedRoute, ImportedScheme } from '../../../src/model/fragment.js';
import type { HttpMethod, RouteSettings, SecurityRequirement } from '../../../src/model/types.js';
import { route } from '../../helpers/routes.js';

/** Schemes of service `s` as an importer reads them, one of each kind merge words differently. */
function scheme(name: string, s: Partial<ImportedScheme>): ImportedScheme {
  return {
    id: `s.${name}`,
    service: 's',
    name,
    type: 'apiKey',
    credentials: null,
    source: { file: 's.yaml', pointer: `#/components/securitySchemes/${name}` },
    ...s,
  };
}

export const SCHEMES: ImportedScheme[] = [
  scheme('key', { type: 'apiKey', in: 'header', paramName: 'X-Api-Key' }),
  scheme('qkey', { type: 'apiKey', in: 'query', paramName: 'api_key' }),
  scheme('ckey', { type: 'apiKey', in: 'cookie', paramName: 'sid' }),
  scheme('basic', { type: 'http', scheme: 'basic' }),
  scheme('jwt', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
  scheme('oauth', { type: 'oauth2', flows: {} }),
  scheme('oidc', { type: 'openIdConnect', openIdConnectUrl: 'https://id.example/.well-known/openid-configuration' }),
  scheme('mtls', { type: 'mutualTLS' }),
  scheme('digest', { type: 'http', scheme: 'digest' }),
];

/** `['jwt:read,write', 'key']` is one requirement (AND); scopes after a colon. */
export function requirement(...schemes: string[]): SecurityRequirement {
  return {
    schemes: schemes.map((s) => {
      const [name, scopes] = s.split(':');
      return { scheme: `s.${name}`, scopes: scopes ? scopes.split(',') : [] };
    }),
  };
}

/** A route of service `s` with this security (OR of the requirements) and these settings. */
export function securedRoute(
  security: SecurityRequirement[],
  settings: Partial<RouteSettings> = {},
  method: HttpMethod = 'GET',
  path = '/x',
): ImportedRoute {
  const r = route(method, path);
  return { ...r, security, settings: { ...r.settings, ...settings } };
}
