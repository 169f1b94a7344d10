import type { SecurityScheme, RuntimeGateway, RuntimeRoute } from '../../model/types.js';
import type { MemoryStore } from '../rate-limit/memory-store.js';
import { ApiKeyChecker } from './api-key-checker.js';
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
  /**
   * Lower-case request headers never forwarded: the consumer header, and the credential headers unless
   * forwardCredentials.
   */
  dropHeaders: ReadonlySet<string>;
  /** Cookies and query parameters removed before forwarding (the credentials, unless forwardCredentials). */
  dropCookies: readonly string[];
  dropQuery: readonly string[];
  /** Query parameters that carry credentials, whose values the access log never shows. */
  logRedact: readonly string[];
}

/** The slot of a scheme that reads no request part: its value is always absent. */
const NO_SLOT = -1;

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
    gateway: RuntimeGateway,
    private readonly secrets: AuthSecrets,
    /** Where wrong credentials are counted per client address (settings.auth.failureLimit). */
    private readonly failures: MemoryStore,
    /** Where bcrypt runs; the process's shared pool by default. */
    private readonly bcryptPool?: BcryptPool,
  ) {
    this.schemes = new Map(gateway.securitySchemes.map((s) => [s.id, s]));
  }

  compile(route: RuntimeRoute): RouteAuth {
    const { remove, redactQuery, authAnswers: answers } = route.effective;
    const removals = {
      consumerHeader: route.settings.auth.consumerHeader.toLowerCase(),
      dropHeaders: new Set(remove.headers),
      dropCookies: remove.cookies,
      dropQuery: remove.query,
      logRedact: redactQuery,
    };
    if (answers === null) return { policy: null, ...removals };

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
          // A scheme with no carrier (mutualTLS) or none at all reads nothing: it never passes.
          const carrier = s?.carrier ?? null;
          index =
            used.push({
              checker: this.checker(scheme),
              slot: carrier ? slotOf({ in: carrier.in, name: carrier.name }) : NO_SLOT,
              bearer: s?.bearer === true,
            }) - 1;
          indexOf.set(scheme, index);
        }
        return { index, scopes };
      }),
    );
    const limit = route.settings.auth.failureLimit;
    const guard = limit ? new FailureGuard(limit, this.failures.bucket('auth-failures', limit.windowMs)) : null;
    const policy = new AuthPolicy(new CredentialReader(slots), used, requirements, authAnswers(answers), guard);
    return { policy, ...removals };
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
    if (loaded.kind === 'jwt' && c.kind === 'jwt' && scheme.bearer) {
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
