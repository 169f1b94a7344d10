import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

/** What bcrypt-pool.ts sends a thread: one check. */
export interface BcryptJob {
  password: string;
  hash: string;
}

/** The thread's answer: the password matches the hash (false for a hash bcrypt cannot read, too). */
export interface BcryptAnswer {
  ok: boolean;
}

/**
 * A worker thread of the bcrypt pool (bcrypt-pool.ts): takes one job at a time and answers it.
 * bcrypt is slow on purpose (about 0.1 s at cost 10), so it runs here, never on the thread that
 * serves requests. The node target's bundle carries this file as source text
 * (scripts/bundle-runtime.js); gw serve runs the compiled file.
 */
parentPort?.on('message', (job: BcryptJob) => {
  let ok = false;
  try {
    // $2y$ (PHP, htpasswd -B) is the same algorithm as $2b$.
    ok = bcrypt.compareSync(job.password, job.hash.replace(/^\$2y\$/, '$2b$'));
  } catch {
    ok = false;
  }
  parentPort!.postMessage({ ok } satisfies BcryptAnswer);
});
