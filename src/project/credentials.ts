import type { Diagnostic, Location } from '../diagnostics/diagnostic.js';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import { escapePointerToken } from '../diagnostics/json-pointer.js';
import { suggestClosest } from '../diagnostics/suggest.js';
import type { Gateway, RateLimitStore, SchemeCredentials, SecurityScheme } from '../model/types.js';
import type { CredentialsInput, ProjectConfig } from './config.js';
import { parseDuration } from './settings.js';

export const DEFAULT_CLOCK_SKEW_MS = 30_000;

/** Which kind of credentials each scheme type takes. */
function expectedKind(s: SecurityScheme): 'keys' | 'htpasswd' | 'jwt' | undefined {
  if (s.type === 'apiKey') return 'keys';
  if (s.type === 'http' && s.scheme === 'basic') return 'htpasswd';
  if ((s.type === 'http' && s.scheme === 'bearer') || s.type === 'oauth2' || s.type === 'openIdConnect') return 'jwt';
  return undefined;
}

/** gw.yaml `credentials.<id>` in model form: where each secret is read at run time, never the secret. */
export function resolveCredentials(c: CredentialsInput): SchemeCredentials {
  if (c.keys) return { kind: 'keys', source: c.keys };
  if (c.htpasswd) return { kind: 'htpasswd', source: c.htpasswd };
  const j = c.jwt!;
  const audiences = j.audience === undefined ? [] : Array.isArray(j.audience) ? [...j.audience] : [j.audience];
  return {
    kind: 'jwt',
    issuer: j.issuer ?? null,
    audiences,
    algorithms: j.algorithms
      ? [...j.algorithms]
      : [...(j.secret ? ['HS256' as const] : []), ...(j.jwks ? ['RS256' as const, 'ES256' as const] : [])],
    jwks: j.jwks ?? null,
    secret: j.secret ?? null,
    clockSkewMs: j.clockSkew !== undefined ? parseDuration(j.clockSkew) : DEFAULT_CLOCK_SKEW_MS,
  };
}

/**
 * Attaches gw.yaml `credentials` to the model's security schemes, and says what cannot work:
 * a key that names no scheme, credentials of the wrong kind, a JWT setting without keys, and
 * (as a warning) schemes that routes require but nothing can check, so those requests are refused.
 */
export function applyCredentials(
  gateway: Gateway,
  config: ProjectConfig,
  configAt: (pointer: string) => Location,
): { gateway: Gateway; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const given = config.credentials ?? {};
  const byId = new Map(gateway.securitySchemes.map((s) => [s.id, s]));
  const resolved = new Map<string, SchemeCredentials>();
  for (const [id, input] of Object.entries(given)) {
    const at = configAt(`#/credentials/${escapePointerToken(id)}`);
    const scheme = byId.get(id);
    if (!scheme) {
      const close = suggestClosest(id, [...byId.keys()]);
      diagnostics.push(
        createDiagnostic(
          'GW_CREDENTIALS_UNKNOWN_SCHEME',
          `credentials are given for "${id}", but no service has that security scheme`,
          {
            locations: [at],
            hints: [
              close
                ? `did you mean "${close}"?`
                : `the schemes are: ${[...byId.keys()].join(', ') || 'none'} (gw model --json lists them)`,
            ],
          },
        ),
      );
      continue;
    }
    const kind = Object.keys(input)[0] as 'keys' | 'htpasswd' | 'jwt';
    const want = expectedKind(scheme);
    if (kind !== want) {
      diagnostics.push(
        createDiagnostic(
          'GW_CREDENTIALS_KIND',
          `"${id}" is ${describe(scheme)}, so it takes ${want ?? 'no'} credentials, not ${kind}`,
          {
            locations: [at, { file: scheme.source.file, pointer: scheme.source.pointer }],
            hints: [
              want
                ? `write \`${id}: { ${want}: ... }\` (docs/auth.md)`
                : 'gw cannot check this kind of scheme; routes that need it alone are refused',
            ],
          },
        ),
      );
      continue;
    }
    if (kind === 'jwt' && !input.jwt?.jwks && !input.jwt?.secret) {
      diagnostics.push(
        createDiagnostic(
          'GW_CREDENTIALS_KIND',
          `"${id}" checks JWTs but says neither where the signing keys are (jwks) nor the shared secret (secret)`,
          {
            locations: [at],
            hints: ['add `jwks: { url: https://.../jwks.json }` (or file), or `secret: { env: NAME }` for HS256'],
          },
        ),
      );
      continue;
    }
    if (kind === 'jwt' && input.jwt?.algorithms) {
      const algs = input.jwt.algorithms;
      const missing =
        algs.includes('HS256') && !input.jwt.secret
          ? 'HS256 needs `secret`'
          : algs.some((a) => a !== 'HS256') && !input.jwt.jwks
            ? `${algs.filter((a) => a !== 'HS256').join(' and ')} ` +
              `need${algs.filter((a) => a !== 'HS256').length === 1 ? 's' : ''} \`jwks\``
            : undefined;
      const unused =
        input.jwt.secret && !algs.includes('HS256')
          ? '`secret` is only used for HS256'
          : input.jwt.jwks && algs.every((a) => a === 'HS256')
            ? '`jwks` is only used for RS256 and ES256'
            : undefined;
      if (missing || unused) {
        diagnostics.push(
          createDiagnostic('GW_CREDENTIALS_KIND', `"${id}" accepts ${algs.join(', ')}, but ${missing ?? unused}`, {
            locations: [at],
            hints: [
              'HS256 tokens are checked against `secret`, RS256 and ES256 tokens against the keys in `jwks`; ' +
                'list only the algorithms you give keys for',
            ],
          }),
        );
        continue;
      }
    }
    resolved.set(id, resolveCredentials(input));
  }
  const schemes = gateway.securitySchemes.map((s) => ({ ...s, credentials: resolved.get(s.id) ?? null }));

  // Schemes some enforced route needs that nothing can check: such requests are refused (fail closed).
  const unchecked = new Map<string, number>();
  for (const r of gateway.routes) {
    if (!r.settings.auth.enforce) continue;
    // (A scheme the spec does not define is already a GW_SECURITY_UNKNOWN_SCHEME error.)
    for (const req of r.security)
      for (const { scheme } of req.schemes)
        if (!resolved.has(scheme) && byId.has(scheme)) unchecked.set(scheme, (unchecked.get(scheme) ?? 0) + 1);
  }
  if (unchecked.size > 0) {
    const ids = [...unchecked.keys()].sort();
    const list = ids
      .map((id) => `"${id}" (${unchecked.get(id)} route${unchecked.get(id) === 1 ? '' : 's'})`)
      .join(', ');
    const example = ids.map((id) => `${id}: { ${expectedKind(byId.get(id)!) ?? 'keys'}: ... }`)[0];
    diagnostics.push(
      createDiagnostic(
        'GW_AUTH_NO_CREDENTIALS',
        `no credentials in gw.yaml for ${ids.length === 1 ? 'the security scheme' : 'the security schemes'} ` +
          `${list}, so requests that need ${ids.length === 1 ? 'it' : 'them'} are refused (401)`,
        {
          locations: ids.flatMap((id) =>
            byId.get(id) ? [{ file: byId.get(id)!.source.file, pointer: byId.get(id)!.source.pointer }] : [],
          ),
          hints: [
            `say how each is checked under \`credentials:\` in gw.yaml, e.g. \`${example}\` (docs/auth.md)`,
            'or, for local development only, turn checks off with `settings: { auth: { enforce: false } }`',
          ],
        },
      ),
    );
  }
  return { gateway: { ...gateway, securitySchemes: schemes }, diagnostics };
}

function describe(s: SecurityScheme): string {
  if (s.type === 'http') return `an http ${s.scheme ?? ''} scheme`.replace('  ', ' ');
  return `an ${s.type} scheme`;
}

/** gw.yaml `rateLimitStore` in model form. */
export function resolveRateLimitStore(config: ProjectConfig): RateLimitStore {
  const r = config.rateLimitStore;
  if (!r?.redis) return { kind: 'memory' };
  return { kind: 'redis', url: r.redis, failMode: r.failMode ?? 'open' };
}
