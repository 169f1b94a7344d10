import type { GatewayDraft } from '../../../../src/merge/decide-gateway.js';
import type { ImportedRoute, ImportedScheme } from '../../../../src/model/fragment.js';
import type {
  Gateway,
  HttpMethod,
  Route,
  SchemeCredentials,
  SecurityRequirement,
} from '../../../../src/model/types.js';
import { route, settle, target } from '../../../helpers/routes.js';

/** Hand-built models for the Envoy policy tests: one service `s`, schemes by short name. */
export function scheme(
  name: string,
  type: ImportedScheme['type'],
  credentials: SchemeCredentials | null,
  over: Partial<ImportedScheme> = {},
): ImportedScheme {
  return {
    id: `s.${name}`,
    service: 's',
    name,
    type,
    credentials,
    source: { file: 's.yaml', pointer: `#/components/securitySchemes/${name}` },
    ...over,
  };
}

export const jwtCreds = (over: Partial<Extract<SchemeCredentials, { kind: 'jwt' }>> = {}): SchemeCredentials => ({
  kind: 'jwt',
  issuer: 'https://id.example',
  audiences: ['api'],
  algorithms: ['RS256'],
  jwks: { file: 'jwks.json' },
  secret: null,
  clockSkewMs: 30_000,
  ...over,
});

export const SCHEMES = {
  jwt: scheme('jwt', 'oauth2', jwtCreds()),
  jwt2: scheme(
    'jwt2',
    'http',
    jwtCreds({ issuer: null, audiences: [], jwks: { url: 'https://login.example:8443/jwks' } }),
    { scheme: 'bearer' },
  ),
  hs: scheme('hs', 'http', jwtCreds({ algorithms: ['HS256'], jwks: null, secret: { file: 'secrets/hs.secret' } }), {
    scheme: 'bearer',
  }),
  key: scheme('key', 'apiKey', { kind: 'keys', source: { file: 'keys.txt' } }, { in: 'header', paramName: 'X-Key' }),
  qkey: scheme('qkey', 'apiKey', { kind: 'keys', source: { env: 'QKEYS' } }, { in: 'query', paramName: 'api_key' }),
  ckey: scheme('ckey', 'apiKey', { kind: 'keys', source: { env: 'QKEYS' } }, { in: 'cookie', paramName: 'sid' }),
  basic: scheme('basic', 'http', { kind: 'htpasswd', source: { file: 'users.htpasswd' } }, { scheme: 'basic' }),
  basic2: scheme('basic2', 'http', { kind: 'htpasswd', source: { env: 'USERS' } }, { scheme: 'basic' }),
  none: scheme('none', 'apiKey', null, { in: 'header', paramName: 'X-None' }),
};

/** `[['jwt:read,write', 'key'], ['basic']]`: OR of ANDs, scopes after a colon. */
export function security(spec: string[][]): SecurityRequirement[] {
  return spec.map((req) => ({
    schemes: req.map((s) => {
      const [name, scopes] = s.split(':');
      return { scheme: `s.${name}`, scopes: scopes ? scopes.split(',') : [] };
    }),
  }));
}

export function secured(
  method: HttpMethod,
  path: string,
  spec: string[][],
  over: Partial<Route['settings']> = {},
): ImportedRoute {
  const r = route(method, path);
  return {
    ...r,
    security: security(spec),
    settings: { ...r.settings, ...over },
    source: { file: 's.yaml', pointer: `#/paths/${path}/${method.toLowerCase()}` },
  };
}

/** The routes in a gateway as merge completes it (their `effective` fields settled against SCHEMES). */
export function gatewayOf(routes: ImportedRoute[], over: Partial<GatewayDraft> = {}): Gateway {
  return settle(routes, {
    upstreams: [
      {
        id: 's',
        service: 's',
        basePath: '',
        balancing: 'round-robin',
        healthCheck: null,
        connectionsPerTarget: 256,
        origin: 'spec',
        source: { file: 's.yaml', pointer: '#/servers' },
        targets: [target('http://a.internal:8080')],
      },
    ],
    securitySchemes: Object.values(SCHEMES).sort((a, b) => (a.id < b.id ? -1 : 1)),
    ...over,
  });
}
