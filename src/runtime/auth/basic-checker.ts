import { createHash } from 'node:crypto';
import { sharedBcryptPool, type BcryptPool } from './bcrypt-pool.js';
import type { HtpasswdEntry } from './parse-htpasswd.js';
import {
  ABSENT,
  BUSY,
  consumerName,
  INVALID,
  type CredentialValue,
  type SchemeChecker,
  type SchemeResult,
} from './types.js';
import { decoyEntry, verifyPassword } from './verify-password.js';

export interface BasicCheckerOptions {
  /** How long a verified user:password stays verified without hashing again. */
  cacheMs?: number;
  /** Entries kept at most; the oldest go first. */
  cacheSize?: number;
  now?: () => number;
  /** Where bcrypt runs; the process's shared pool by default. */
  pool?: BcryptPool;
}

const PREFIX = /^basic[ \t]+/i;

/**
 * HTTP basic (RFC 7617) against an htpasswd file. bcrypt costs tens of milliseconds per check
 * (on the bcrypt pool's threads), so verified credentials are remembered for a minute, keyed by a
 * SHA-256 of the header value (never the password itself); checks of the same credentials
 * already running are shared. A user the file does not have is checked against a decoy hash of
 * the file's costliest kind (verify-password.ts), so it takes as long as a wrong password.
 * A cache hit, a missing header and {SHA}/$apr1$ hashes answer synchronously.
 */
export class BasicChecker implements SchemeChecker {
  private readonly verified = new Map<string, { until: number; result: SchemeResult }>();
  private readonly running = new Map<string, Promise<SchemeResult>>();
  private readonly accepted = new Map<string, SchemeResult>();
  private readonly cacheMs: number;
  private readonly cacheSize: number;
  private readonly now: () => number;
  private readonly decoy: HtpasswdEntry | undefined;
  private readonly pool: BcryptPool | undefined;

  constructor(
    private readonly users: ReadonlyMap<string, HtpasswdEntry>,
    options: BasicCheckerOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 60_000;
    this.cacheSize = options.cacheSize ?? 10_000;
    this.now = options.now ?? Date.now;
    for (const user of users.keys())
      this.accepted.set(user, Object.freeze({ ok: true, consumer: consumerName(user), scopes: null }));
    this.decoy = decoyEntry(users.values());
    // The pool's threads start now, with the gateway, rather than with the first bcrypt check.
    this.pool = options.pool ?? (this.decoy?.kind === 'bcrypt' ? sharedBcryptPool() : undefined);
  }

  check(value: CredentialValue): SchemeResult | Promise<SchemeResult> {
    if (value === undefined) return ABSENT;
    if (value === null) return INVALID;
    const m = PREFIX.exec(value);
    if (!m) return ABSENT;
    const encoded = value.slice(m[0].length).trim();
    const key = createHash('sha256').update(encoded).digest('base64');
    const hit = this.verified.get(key);
    if (hit && hit.until > this.now()) return hit.result;
    const pending = this.running.get(key);
    if (pending) return pending;
    const decoded = /^[A-Za-z0-9+/]*={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon <= 0) return INVALID;
    const user = decoded.slice(0, colon);
    const entry = this.users.get(user);
    if (!entry && !this.decoy) return INVALID;
    const ok = verifyPassword(decoded.slice(colon + 1), entry ?? this.decoy!, this.pool);
    // Whatever the decoy says, a user the file does not have is not accepted.
    const pass = entry ? this.accepted.get(user)! : INVALID;
    if (typeof ok === 'boolean') return this.remember(key, ok ? pass : INVALID);
    const check = ok.then(
      (verdict) => (verdict === 'busy' ? BUSY : this.remember(key, verdict ? pass : INVALID)),
      () => INVALID,
    );
    this.running.set(key, check);
    void check.finally(() => this.running.delete(key));
    return check;
  }

  /** Only successes are cached: a wrong password is hashed every time, as without the cache. */
  private remember(key: string, result: SchemeResult): SchemeResult {
    if (!result.ok) return result;
    this.verified.delete(key);
    if (this.verified.size >= this.cacheSize) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(key, { until: this.now() + this.cacheMs, result });
    return result;
  }
}
