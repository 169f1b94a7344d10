import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { apr1Crypt } from './apr1.js';
import type { HtpasswdEntry } from './parse-htpasswd.js';

function equalText(a: string, b: string): boolean {
  // Digests of both sides, so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * Checks a password against one htpasswd hash. {SHA} and $apr1$ are cheap and answer at once;
 * bcrypt is slow on purpose (about 50-250 ms at cost 10 in bcryptjs), so it answers with a
 * promise and the caller caches what it verified (basic-checker.ts).
 */
export function verifyPassword(password: string, entry: HtpasswdEntry): boolean | Promise<boolean> {
  switch (entry.kind) {
    case 'sha':
      return equalText(`{SHA}${createHash('sha1').update(password, 'utf8').digest('base64')}`, entry.hash);
    case 'apr1': {
      const salt = entry.hash.slice('$apr1$'.length, entry.hash.lastIndexOf('$'));
      return equalText(apr1Crypt(password, salt), entry.hash);
    }
    case 'bcrypt':
      // $2y$ (PHP, htpasswd -B) is the same algorithm as $2b$.
      return bcrypt.compare(password, entry.hash.replace(/^\$2y\$/, '$2b$'));
  }
}
