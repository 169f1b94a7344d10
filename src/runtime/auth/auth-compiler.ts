import type { Gateway, Route, SecurityScheme } from '../../model/types.js';
import type { MemoryStore } from '../rate-limit/memory-store.js';
import { ApiKeyChecker } from './api-key-checker.js';
import { isBearer } from '../../model/auth-answers.js';
import { authAnswers } from './auth-answers.js';
import { AuthPolicy, type PolicyScheme } from './auth-policy.js';
import { BasicChecker } from './basic-checker.js';
import type { BcryptPool } from './bcrypt-pool.js';
import { CredentialReader } from './credential-reader.js';
import { FailureGuard } from './failure-guard.js';
import { JwtChecker } from './jwt-checker.js';
import type { AuthSecrets } from './load-auth-secrets.js';
import { RemoteJwks } from './remote-jwks.js';
import { ABSENT, type CredentialSlot, type SchemeChecker } from './types.js';

/** What the request path needs of a route's auth, decided at start-up. */
export interface RouteAuth {
  /** null: nothing to check (a public route, or `auth.enforce: false`). */
  policy: AuthPolicy | null;
  /** Lower-case header name that carries the consumer upstream; any value the client sent is removed. */
  consumerHeader: string;
  /** Lower-case request headers never forwarded: the consumer header, and the credential headers unless forwardCredentials. */
  dropHeaders: ReadonlySet<string>;
  /** Cookies and query parameters removed before forwarding (the credentials, unless forwardCredentials). */
  dropCookies: readonly string[];
  dropQuery: readonly string[];
  /** Query parameters that carry credentials, whose values the access log never shows. */
  logRedact: readonly string[];
}

/** A scheme nothing can check (no credentials in gw.yaml, or none loaded): fail closed. */
const UNCHECKED: SchemeChecker = { check: () => ABSENT };

/**
 * Model + loaded secrets -> each route's compiled auth. One checker per security scheme, shared
 * by every route that uses it (so the basic-auth cache and a JWKS fetch serve them all); one
 * AuthPolicy per route with its reader, requirements and worded answers. Nothing of this is
 * parsed or built per request.
 */
export class AuthCompiler {
  private readonly schemes: Map<string, SecurityScheme>;
  private readonly checkers = new Map<string, SchemeChecker>();
  private readonly remotes = new Map<string, RemoteJwks>();

  constructor(
    private readonly gateway: Gateway,
    private readonly secrets: AuthSecrets,
    /** Where wrong credentials are counted per client address (settings.auth.failureLimit). */
    private readonly failures: MemoryStore,
    /** Where bcrypt runs; the process's shared pool by default. */
    private readonly bcryptPool?: BcryptPool,
  ) {
    this.schemes = new Map(gateway.securitySchemes.map((s) => [s.id, s]));
  }

  compile(route: Route): RouteAuth {
    const a = route.settings.auth;
    const consumerHeader = a.consumerHeader.toLowerCase();
    const enforced = a.enforce && route.security.length > 0;
    if (!enforced)
      return {
        policy: null,
        consumerHeader,
        dropHeaders: new Set([consumerHeader]),
        dropCookies: [],
        dropQuery: [],
        logRedact: queryCredentials(route, this.schemes),
      };

    const slots: CredentialSlot[] = [];
    const slotOf = (slot: CredentialSlot) => {
      const same = (s: CredentialSlot) =>
        s.in === slot.in &&
        (slot.in === 'header' ? s.name.toLowerCase() === slot.name.toLowerCase() : s.name === slot.name);
      const at = slots.findIndex(same);
      return at !== -1 ? at : slots.push(slot) - 1;
    };
    const used: PolicyScheme[] = [];
    const indexOf = new Map<string, number>();
    const requirements = route.security.map((req) =>
      req.schemes.map(({ scheme, scopes }) => {
        let index = indexOf.get(scheme);
        if (index === undefined) {
          const s = this.schemes.get(scheme);
          index =
            used.push({
              checker: this.checker(scheme),
              slot: slotOf(s ? slotFor(s) : { in: 'header', name: 'authorization' }),
              bearer: s !== undefined && isBearer(s),
            }) - 1;
          indexOf.set(scheme, index);
        }
        return { index, scopes };
      }),
    );
    const limit = a.failureLimit;
    const guard = limit ? new FailureGuard(limit, this.failures.bucket('auth-failures', limit.windowMs)) : null;
    const answers = authAnswers(route.security, this.schemes, this.gateway.name);
    const policy = new AuthPolicy(new CredentialReader(slots), used, requirements, answers, guard);
    const drop = (kind: CredentialSlot['in']) =>
      a.forwardCredentials ? [] : slots.filter((s) => s.in === kind).map((s) => s.name);
    return {
      policy,
      consumerHeader,
      dropHeaders: new Set([consumerHeader, ...drop('header').map((n) => n.toLowerCase())]),
      dropCookies: drop('cookie'),
      dropQuery: drop('query'),
      logRedact: slots.filter((s) => s.in === 'query').map((s) => s.name),
    };
  }

  private checker(id: string): SchemeChecker {
    let c = this.checkers.get(id);
    if (!c) {
      c = this.build(this.schemes.get(id), this.secrets.get(id));
      this.checkers.set(id, c);
    }
    return c;
  }

  private build(scheme: SecurityScheme | undefined, loaded: ReturnType<AuthSecrets['get']>): SchemeChecker {
    const c = scheme?.credentials;
    if (!scheme || !c || !loaded || loaded.kind !== c.kind) return UNCHECKED;
    if (loaded.kind === 'keys' && scheme.type === 'apiKey') return new ApiKeyChecker(loaded.keys);
    if (loaded.kind === 'htpasswd' && scheme.type === 'http' && scheme.scheme === 'basic') {
      return new BasicChecker(loaded.users, { pool: this.bcryptPool });
    }
    if (loaded.kind === 'jwt' && c.kind === 'jwt' && isBearer(scheme)) {
      const keys = loaded.jwks ? loaded.jwks : null;
      if (loaded.jwksUrl) {
        let remote = this.remotes.get(loaded.jwksUrl);
        if (!remote) {
          remote = new RemoteJwks(loaded.jwksUrl);
          this.remotes.set(loaded.jwksUrl, remote);
          void remote.warm();
        }
        return new JwtChecker({ ...c, secret: loaded.secret, keys: remote.getKey });
      }
      return new JwtChecker({ ...c, secret: loaded.secret, keys });
    }
    return UNCHECKED;
  }
}

/** Query parameters of the route's apiKey schemes, checked or not. */
function queryCredentials(route: Route, schemes: ReadonlyMap<string, SecurityScheme>): string[] {
  const names = route.security
    .flatMap((r) => r.schemes.map((x) => schemes.get(x.scheme)))
    .filter((s) => s?.type === 'apiKey' && s.in === 'query' && s.paramName);
  return [...new Set(names.map((s) => s!.paramName!))];
}

/** Where a scheme's credential travels. */
function slotFor(s: SecurityScheme): CredentialSlot {
  if (s.type === 'apiKey' && s.paramName) return { in: s.in ?? 'header', name: s.paramName };
  return { in: 'header', name: 'authorization' };
}
