import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import type { KindOf } from '../../diagnostics/kinds.js';
import type { Gateway, Route, SecurityScheme } from '../../model/types.js';
import { MAX_PARTIAL_OVERLAPS } from './method-groups.js';

/**
 * Every GW_TARGET_INEXACT warning of the Envoy target, one function per difference from gw serve
 * (docs/targets/envoy.md, "What differs from gw serve"). The planners decide where a difference
 * applies and call these; the notes of one route and kind become one warning naming the route
 * (routeWarnings), a security scheme's one warning each (schemeWarning). Each note carries its
 * kind (src/diagnostics/kinds.ts), which the warning passes on.
 */
export interface InexactNote {
  kind: EnvoyKind;
  text: string;
}

type EnvoyKind = Extract<KindOf<'GW_TARGET_INEXACT'>, `envoy.${string}`>;

/** One warning per kind among the notes of a route, in the order the kinds first appear. */
export function routeWarnings(r: Route, notes: readonly InexactNote[]): Diagnostic[] {
  const byKind = new Map<EnvoyKind, string[]>();
  for (const n of notes) {
    const texts = byKind.get(n.kind);
    if (texts) texts.push(n.text);
    else byKind.set(n.kind, [n.text]);
  }
  return [...byKind].map(([kind, texts]) =>
    createDiagnostic('GW_TARGET_INEXACT', `envoy: ${r.method} ${r.path} (${r.id}): ${texts.join('; ')}`, {
      kind,
      locations: [{ file: r.source.file, pointer: r.source.pointer }],
      subjects: [r.id],
      hints: ['see docs/targets/envoy.md, "What differs from gw serve"'],
    }),
  );
}

export function schemeWarning(s: SecurityScheme, note: InexactNote): Diagnostic {
  return createDiagnostic('GW_TARGET_INEXACT', `envoy: security scheme ${s.id}: ${note.text}`, {
    kind: note.kind,
    locations: [{ file: s.source.file, pointer: s.source.pointer }],
    hints: ['see docs/targets/envoy.md, "Authentication"'],
  });
}

/** The listener: Envoy binds addresses, never names. */
export function listenHostWarning(gateway: Gateway): Diagnostic {
  return createDiagnostic(
    'GW_TARGET_INEXACT',
    `envoy: listen.host "${gateway.listen.host}" is not an IP address, and Envoy listens on addresses only; ` +
      'the listener uses 0.0.0.0',
    {
      kind: 'envoy.listen-host',
      locations: [{ file: 'gw.yaml', pointer: '#/listen/host' }],
      hints: ['set listen.host in gw.yaml to an IP address such as 127.0.0.1 or 0.0.0.0'],
    },
  );
}

export function trustedProxiesWarning(addresses: readonly string[]): Diagnostic {
  return createDiagnostic(
    'GW_TARGET_INEXACT',
    `envoy: edge.trustedProxies lists addresses (${addresses.join(', ')}) but no hops; this Envoy API has no ` +
      'xff_trusted_cidrs, only a hop count, so Envoy ignores X-Forwarded-For and its peer is the client',
    {
      kind: 'envoy.trusted-proxies',
      locations: [{ file: 'gw.yaml', pointer: '#/edge/trustedProxies' }],
      hints: ['set edge.trustedProxies.hops to the number of proxies in front of Envoy, and let only them reach Envoy'],
    },
  );
}

// The route table.

export function allowTruncatedNote(): InexactNote {
  return {
    kind: 'envoy.allow-header',
    text:
      `more than ${MAX_PARTIAL_OVERLAPS} later paths partly overlap this one, so Envoy's 405 Allow header ` +
      "lists only this path's methods and those of paths that contain it",
  };
}

export function composeUnsupportedNote(steps: number): InexactNote {
  return {
    kind: 'envoy.compose',
    text:
      `it is a composite of ${steps} steps, which Envoy does not run yet (no Lua httpCall for its steps); ` +
      'it answers 501 GW_HTTP_COMPOSE_UNSUPPORTED',
  };
}

export function mockStatusRewrittenNote(status: number): InexactNote {
  return {
    kind: 'envoy.mock-status',
    text: `its mock answer has status ${status}, which Envoy's local reply mapping turns into a gw problem+json body`,
  };
}

export function validationSkippedNote(): InexactNote {
  return {
    kind: 'envoy.validate',
    text:
      "Envoy does not check requests against the operation's schemas (validate: true), " +
      'so invalid requests reach the upstream',
  };
}

// Authentication.

export function optionalCredentialsNote(): InexactNote {
  return {
    kind: 'envoy.optional-auth',
    text: 'credentials are optional here (an empty requirement); Envoy checks none and names no consumer',
  };
}

export function unprovableScopesNote(requirement: string): InexactNote {
  return {
    kind: 'envoy.scopes-without-jwt',
    text:
      `the requirement ${requirement} lists scopes an API key or basic credentials cannot prove, so it never ` +
      'passes (gw serve answers 403 when its credentials are valid, Envoy 401)',
  };
}

export function basicAlternativeNote(refused: readonly string[]): InexactNote {
  return {
    kind: 'envoy.basic-alternative',
    text:
      "Envoy's basic_auth filter checks every request of a route or none, so it cannot be one alternative " +
      `among others: ${refused.join(' and ')} ${refused.length > 1 ? 'are' : 'is'} refused (401)`,
  };
}

/** jwt_authn (per provider) and basic_auth (per filter) name the consumer in one header, the first route's. */
export function consumerHeaderNote(
  scheme: SecurityScheme,
  filter: 'jwt' | 'basic',
  header: string,
  routeHeader: string,
): InexactNote {
  const perWhat = filter === 'jwt' ? 'jwt_authn provider' : 'basic_auth filter';
  return {
    kind: 'envoy.consumer-header',
    text: `${scheme.id} names the consumer in ${header} (set once per ${perWhat}), not in this route's ${routeHeader}`,
  };
}

/** `source`: where the htpasswd lines are (auth-sources.ts, describeSource). */
export function basicShaOnlyNote(source: string): InexactNote {
  return {
    kind: 'envoy.basic-sha-only',
    text:
      `Envoy's basic_auth filter reads only {SHA} lines (htpasswd -s) of ${source}; ` +
      'a bcrypt or $apr1$ line makes Envoy refuse the whole configuration',
  };
}

/** `jwks`, `secret`: where Envoy reads the key set, where gw serve reads the secret. */
export function hs256JwksNote(jwks: string, secret: string): InexactNote {
  return {
    kind: 'envoy.hs256-jwks',
    text:
      `jwt_authn takes the HS256 secret only as a JWKS, so Envoy reads it from ${jwks}, which ` +
      `envoy/hs256-jwks.sh makes from ${secret} (run it where Envoy runs; the secret never goes into envoy.yaml)`,
  };
}

// Rate limits.

/** `key`: what gw counts per; `sharedCounter`: the counter when other routes share it. */
export function localBucketNote(key: string, sharedCounter: string | null): InexactNote {
  const shared = sharedCounter !== null ? ` and apart from the other routes of counter "${sharedCounter}"` : '';
  return {
    kind: 'envoy.local-rate-limit',
    text: `local_ratelimit keeps one token bucket for all clients of the route (gw counts per ${key})${shared}`,
  };
}

export function mockNotLimitedNote(): InexactNote {
  return {
    kind: 'envoy.rate-limit-mock',
    text: 'is not rate-limited: a mock answer (direct_response) has no route action to carry rate_limits',
  };
}

export function windowScaledNote(requests: number, window: string, scaled: number, unit: string): InexactNote {
  return {
    kind: 'envoy.rate-limit-unit',
    text: `the rate limit service counts per ${unit}, so ${requests} per ${window} becomes ${scaled} per ${unit}`,
  };
}

export function counterLimitNote(counter: string, firstRoute: string, requests: number, unit: string): InexactNote {
  return {
    kind: 'envoy.rate-limit-shared-counter',
    text:
      `shares counter "${counter}" with ${firstRoute}, and the rate limit service holds one limit per counter, ` +
      `${requests} per ${unit}`,
  };
}

// CORS.

export function corsRequestHeadersNote(): InexactNote {
  return {
    kind: 'envoy.cors-request-headers',
    text:
      'Envoy does not echo Access-Control-Request-Headers and "*" does not cover credentialed requests, ' +
      'so preflights allow no request headers beyond the CORS-safelisted ones; list them in cors.headers',
  };
}
