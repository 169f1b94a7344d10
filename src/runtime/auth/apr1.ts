import { createHash } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const MAGIC = '$apr1$';

function md5(...parts: Buffer[]): Buffer {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

function to64(value: number, chars: number): string {
  let out = '';
  for (let v = value; chars > 0; chars--, v >>= 6) out += ITOA64[v & 0x3f];
  return out;
}

/**
 * Apache's `$apr1$` hash (Poul-Henning Kamp's MD5-crypt with another magic string), as
 * `htpasswd -m` and `openssl passwd -apr1` write it: `$apr1$<salt>$<22 characters>`.
 * The salt is at most 8 characters; the password is taken as UTF-8 bytes.
 */
export function apr1Crypt(password: string, salt: string): string {
  const pw = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 8), 'utf8');
  const magic = Buffer.from(MAGIC);
  const alternate = md5(pw, s, pw);
  const first = createHash('md5').update(pw).update(magic).update(s);
  for (let left = pw.length; left > 0; left -= 16) first.update(alternate.subarray(0, Math.min(left, 16)));
  for (let i = pw.length; i > 0; i >>= 1) first.update(i & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  let final = first.digest();
  // 1000 rounds, each mixing the password, salt and previous digest in an order set by the round number.
  for (let round = 0; round < 1000; round++) {
    const h = createHash('md5');
    h.update(round & 1 ? pw : final);
    if (round % 3) h.update(s);
    if (round % 7) h.update(pw);
    h.update(round & 1 ? final : pw);
    final = h.digest();
  }
  const f = final;
  const text =
    to64((f[0]! << 16) | (f[6]! << 8) | f[12]!, 4) +
    to64((f[1]! << 16) | (f[7]! << 8) | f[13]!, 4) +
    to64((f[2]! << 16) | (f[8]! << 8) | f[14]!, 4) +
    to64((f[3]! << 16) | (f[9]! << 8) | f[15]!, 4) +
    to64((f[4]! << 16) | (f[10]! << 8) | f[5]!, 4) +
    to64(f[11]!, 2);
  return `${MAGIC}${salt.slice(0, 8)}$${text}`;
}
