import type { CredentialReader } from './credential-reader.js';
import type { FailureGuard } from './failure-guard.js';
import { isPromise, type SchemeChecker, type SchemeResult } from './types.js';

export interface AuthPass {
  ok: true;
  consumer: string | null;
}

export interface AuthFail {
  ok: false;
  code: 'GW_HTTP_UNAUTHORIZED' | 'GW_HTTP_FORBIDDEN' | 'GW_HTTP_TOO_MANY_AUTH_FAILURES' | 'GW_HTTP_AUTH_BUSY';
  detail: string;
  /** The WWW-Authenticate value; '' when no scheme has a challenge (mutualTLS only). */
  challenge: string;
  /** For 429 and 503: the Retry-After seconds. */
  retryAfterSeconds?: number;
}

/** A bcrypt check could not even be queued (bcrypt-pool.ts), and nothing else let the request through. */
const BUSY_ANSWER: AuthFail = Object.freeze({
  ok: false,
  code: 'GW_HTTP_AUTH_BUSY',
  detail: 'too many password checks are waiting; retry in a moment',
  challenge: '',
  retryAfterSeconds: 1,
});

/** A client that sent `failures` wrong credentials in the window: 429 for `seconds` more (failure-guard.ts). */
function tooManyFailures(failures: number, seconds: number): AuthFail {
  const detail = `too many wrong credentials from this address (${failures} per window); retry in ${seconds} s`;
  return { ok: false, code: 'GW_HTTP_TOO_MANY_AUTH_FAILURES', detail, challenge: '', retryAfterSeconds: seconds };
}

/** The headers of a refusal: Retry-After (429, 503) or the WWW-Authenticate challenge (401, 403). */
export function authFailHeaders(f: AuthFail): Record<string, string> | undefined {
  if (f.retryAfterSeconds !== undefined) return { 'retry-after': String(f.retryAfterSeconds) };
  return f.challenge ? { 'www-authenticate': f.challenge } : undefined;
}

export type AuthOutcome = AuthPass | AuthFail;

/** One scheme of the route: its checker and which credential slot it reads. */
export interface PolicyScheme {
  checker: SchemeChecker;
  slot: number;
  /** Bearer schemes (JWT): an invalid token makes the challenge say error="invalid_token". */
  bearer: boolean;
}

/** The route's answers when nothing passes, decided at compile time (auth-answers.ts). */
export interface PolicyAnswers {
  /** No credential was sent for any scheme. */
  missing: AuthFail;
  /** Something was sent but nothing passes (a bad key, password or token other than a bearer token). */
  invalid: AuthFail;
  /** A bearer token was sent and is not valid. */
  invalidToken: AuthFail;
  /** Per requirement: its 403 when every scheme passes but scopes are missing (none without scopes). */
  forbidden: (AuthFail | undefined)[];
}

/**
 * One route's security, compiled: the requirements are OR (the first that passes wins), the
 * schemes inside one are AND, and a requirement's scopes must all be in the token. Each scheme is
 * checked once per request, all of them at once; the check stays synchronous unless a checker
 * has real work to wait for (a bcrypt hash, a JWT signature). When a requirement already passes
 * on the synchronous answers, the gateway does not wait for the others.
 * Outcome: pass with the consumer, 403 when some requirement has a valid identity without the
 * scopes, 503 when a password could not be checked for now, else 401 (missing or invalid
 * credentials). With a failure guard, wrong credentials count against the client's address, and
 * a client over the limit gets 429 for any credentials it sends, before anything is checked.
 */
export class AuthPolicy {
  constructor(
    private readonly reader: CredentialReader,
    private readonly schemes: readonly PolicyScheme[],
    /** OR of ANDs: indexes into `schemes` with the scopes each needs. */
    private readonly requirements: readonly (readonly { index: number; scopes: readonly string[] }[])[],
    private readonly answers: PolicyAnswers,
    /** settings.auth.failureLimit; null: wrong credentials are not counted. */
    private readonly guard: FailureGuard | null = null,
  ) {}

  /** `client`: the address wrong credentials are counted against. */
  check(
    rawHeaders: readonly string[],
    url: string,
    queryAt: number,
    client: string,
  ): AuthOutcome | Promise<AuthOutcome> {
    const values = this.reader.read(rawHeaders, url, queryAt);
    if (this.guard !== null && this.sentAny(values)) {
      const wait = this.guard.secondsBlocked(client, Date.now());
      if (wait > 0) return tooManyFailures(this.guard.failures, wait);
    }
    const results: (SchemeResult | undefined)[] = new Array(this.schemes.length);
    let pending: Promise<void>[] | undefined;
    for (let i = 0; i < this.schemes.length; i++) {
      const s = this.schemes[i]!;
      const r = s.checker.check(values[s.slot]);
      if (isPromise(r)) {
        pending ??= [];
        pending.push(
          r.then((x) => {
            results[i] = x;
          }),
        );
      } else results[i] = r;
    }
    if (!pending) return this.counted(this.decide(results), client);
    const early = this.decide(results, true);
    if (early) return early;
    return Promise.all(pending).then(() => this.counted(this.decide(results), client));
  }

  /**
   * Whether the request carries any credential the route reads (the reader's extra last value is the Cookie header).
   */
  private sentAny(values: readonly unknown[]): boolean {
    for (let i = 0; i < this.reader.slots.length; i++) if (values[i] !== undefined) return true;
    return false;
  }

  /** Wrong credentials count against the client. */
  private counted(outcome: AuthOutcome, client: string): AuthOutcome {
    const wrong = outcome === this.answers.invalid || outcome === this.answers.invalidToken;
    if (wrong && this.guard !== null) this.guard.failed(client, Date.now());
    return outcome;
  }

  /** With `partial`, results still running count as not passing, and only a pass is returned. */
  private decide(results: readonly (SchemeResult | undefined)[], partial: true): AuthPass | undefined;
  private decide(results: readonly (SchemeResult | undefined)[]): AuthOutcome;
  private decide(results: readonly (SchemeResult | undefined)[], partial = false): AuthOutcome | undefined {
    let forbidden: AuthFail | undefined;
    // An empty requirement ({} in the spec: anonymous allowed) passes without a consumer; one that names the caller is
    // preferred.
    let anonymous: AuthPass | undefined;
    for (let r = 0; r < this.requirements.length; r++) {
      const req = this.requirements[r]!;
      let pass = true;
      let scoped = true;
      let consumer: string | null = null;
      for (const { index, scopes } of req) {
        const res = results[index];
        if (!res?.ok) {
          pass = false;
          break;
        }
        consumer ??= res.consumer;
        for (const scope of scopes) if (!res.scopes?.has(scope)) scoped = false;
      }
      if (!pass) continue;
      if (scoped && (consumer !== null || partial)) return { ok: true, consumer };
      if (scoped) anonymous ??= { ok: true, consumer };
      else forbidden ??= this.answers.forbidden[r];
    }
    if (anonymous) return anonymous;
    if (partial) return undefined;
    if (forbidden) return forbidden;
    for (const res of results) if (res?.ok === false && res.busy) return BUSY_ANSWER;
    let presented = false;
    for (let i = 0; i < results.length; i++) {
      const res = results[i]!;
      if (res.ok || !res.presented) continue;
      if (this.schemes[i]!.bearer) return this.answers.invalidToken;
      presented = true;
    }
    return presented ? this.answers.invalid : this.answers.missing;
  }
}
