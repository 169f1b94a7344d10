import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

export interface RemoteJwksOptions {
  /** One fetch may take this long. */
  timeoutMs?: number;
  /** Keys are fetched again when older than this. */
  maxAgeMs?: number;
  /** A token naming an unknown key id fetches again, at most this often (key rotation). */
  cooldownMs?: number;
  /**
   * After a failed fetch, wait this long before the next try (requests meanwhile use the keys already known, or are
   * refused).
   */
  retryMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * A JWKS fetched from a URL: cached for maxAgeMs, fetched again on an unknown `kid` (at most
 * once per cooldownMs), with a timeout. A URL that cannot be reached never throws out of the
 * gateway: the last good keys stay in use, and without any the token is simply not valid (401).
 * Concurrent requests share one fetch.
 */
export class RemoteJwks {
  private keys: ReturnType<typeof createLocalJWKSet> | undefined;
  private fetchedAt = -Infinity;
  private failedAt = -Infinity;
  private pending: Promise<void> | undefined;
  private readonly o: Required<Omit<RemoteJwksOptions, 'fetch'>> & { fetch: typeof fetch };

  constructor(
    private readonly url: string,
    options: RemoteJwksOptions = {},
  ) {
    this.o = {
      timeoutMs: 5_000,
      maxAgeMs: 600_000,
      cooldownMs: 30_000,
      retryMs: 5_000,
      fetch: globalThis.fetch,
      now: Date.now,
      ...options,
    };
  }

  /** Fetch now (at start-up), so the first request does not wait; failures are only remembered. */
  warm(): Promise<void> {
    return this.refresh();
  }

  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    if (!this.keys || this.o.now() - this.fetchedAt > this.o.maxAgeMs) await this.refresh();
    if (!this.keys) throw new errors.JWKSNoMatchingKey('the signing keys could not be fetched');
    try {
      return await this.keys(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || this.o.now() - this.fetchedAt < this.o.cooldownMs) throw err;
      await this.refresh();
      return this.keys(header, token);
    }
  };

  private refresh(): Promise<void> {
    if (this.pending) return this.pending;
    if (this.o.now() - this.failedAt < this.o.retryMs) return Promise.resolve();
    this.pending = this.fetchSet()
      .then(
        (set) => {
          this.keys = createLocalJWKSet(set);
          this.fetchedAt = this.o.now();
        },
        () => {
          this.failedAt = this.o.now();
        },
      )
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  private async fetchSet(): Promise<JSONWebKeySet> {
    const res = await this.o.fetch(this.url, {
      signal: AbortSignal.timeout(this.o.timeoutMs),
      redirect: 'manual',
      headers: { accept: 'application/jwk-set+json, application/json' },
    });
    if (res.status !== 200) throw new Error(`JWKS answered ${res.status}`);
    const set = (await res.json()) as JSONWebKeySet;
    if (!set || !Array.isArray(set.keys)) throw new Error('not a JWKS');
    return set;
  }
}
