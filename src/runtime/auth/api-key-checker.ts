import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyEntry } from './parse-keys.js';
import {
  ABSENT,
  INVALID,
  type CredentialValue,
  type SchemeAccepted,
  type SchemeChecker,
  type SchemeResult,
} from './types.js';

/**
 * API keys, compared in constant time. Every key is stored as an HMAC-SHA256 under a random
 * secret made at start-up; a presented key is hashed the same way, looked up by that digest and
 * confirmed with crypto.timingSafeEqual on the two equal-length digests. The lookup's timing
 * depends only on digests an attacker cannot compute, so it says nothing about the keys.
 */
export class ApiKeyChecker implements SchemeChecker {
  private readonly secret = randomBytes(32);
  private readonly byDigest = new Map<string, { digest: Buffer; result: SchemeAccepted }>();

  constructor(keys: readonly KeyEntry[]) {
    for (const k of keys) {
      const digest = this.digest(k.key);
      this.byDigest.set(digest.toString('base64'), {
        digest,
        result: Object.freeze({ ok: true, consumer: k.consumer, scopes: null }),
      });
    }
  }

  check(value: CredentialValue): SchemeResult {
    if (value === undefined) return ABSENT;
    if (value === null || value === '') return INVALID;
    const digest = this.digest(value);
    const found = this.byDigest.get(digest.toString('base64'));
    return found && timingSafeEqual(found.digest, digest) ? found.result : INVALID;
  }

  private digest(key: string): Buffer {
    return createHmac('sha256', this.secret).update(key, 'utf8').digest();
  }
}
