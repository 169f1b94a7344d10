import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { apr1Crypt } from './apr1.js';
import { sharedBcryptPool, type BcryptPool, type BcryptVerdict } from './bcrypt-pool.js';
import type { HtpasswdEntry } from './parse-htpasswd.js';

function equalText(a: string, b: string): boolean {
  // Digests of both sides, so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * Checks a password against one htpasswd hash. {SHA} and $apr1$ are cheap and answer at once;
 * bcrypt is slow on purpose (about 0.1 s at cost 10 in bcryptjs), so it runs on the pool's worker
 * threads and answers with a promise ('busy' when the pool's queue is full); the caller caches
 * what it verified (basic-checker.ts).
 */
export function verifyPassword(
  password: string,
  entry: HtpasswdEntry,
  pool?: BcryptPool,
): boolean | Promise<BcryptVerdict> {
  switch (entry.kind) {
    case 'sha':
      return equalText(`{SHA}${createHash('sha1').update(password, 'utf8').digest('base64')}`, entry.hash);
    case 'apr1': {
      const salt = entry.hash.slice('$apr1$'.length, entry.hash.lastIndexOf('$'));
      return equalText(apr1Crypt(password, salt), entry.hash);
    }
    case 'bcrypt':
      return (pool ?? sharedBcryptPool()).verify(password, entry.hash);
  }
}

const ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** How costly a check is, for ordering only: {SHA} < $apr1$ < bcrypt, bcrypt by its cost (4 to 31). */
const cost = (e: HtpasswdEntry) => (e.kind === 'sha' ? 0 : e.kind === 'apr1' ? 1 : 1 + bcryptCost(e));

/**
 * What the password of a user the file does not have is checked against: a made-up hash (random
 * salt and digest, which no password matches) of the costliest kind in the file, bcrypt at its
 * highest cost. So a wrong user name takes as long as a wrong password, and timing does not tell
 * which users exist. Undefined for a file without users.
 */
export function decoyEntry(users: Iterable<HtpasswdEntry>): HtpasswdEntry | undefined {
  let costliest: HtpasswdEntry | undefined;
  for (const e of users) if (!costliest || cost(e) > cost(costliest)) costliest = e;
  if (!costliest) return undefined;
  switch (costliest.kind) {
    case 'sha':
      return { kind: 'sha', hash: `{SHA}${randomBytes(20).toString('base64')}` };
    case 'apr1':
      return { kind: 'apr1', hash: `$apr1$${randomText(8)}$${randomText(22)}` };
    case 'bcrypt':
      return { kind: 'bcrypt', hash: `$2b$${String(bcryptCost(costliest)).padStart(2, '0')}$${randomText(53)}` };
  }
}

function bcryptCost(e: HtpasswdEntry): number {
  return e.kind === 'bcrypt' ? Number(e.hash.slice(4, 6)) : 0;
}

function randomText(length: number): string {
  let out = '';
  for (const b of randomBytes(length)) out += ALPHABET[b & 63];
  return out;
}
