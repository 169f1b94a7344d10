import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BcryptAnswer, BcryptJob } from './bcrypt-thread.js';

/**
 * The thread's source text, set by scripts/bundle-runtime.js in the node target's bundle (one file, no thread file
 * beside it).
 */
declare const GW_BCRYPT_THREAD_SOURCE: string | undefined;

export interface BcryptPoolOptions {
  /** Worker threads; default one per core but one, at least 1 and at most 4. */
  threads?: number;
  /** Checks that may wait for a thread; beyond that, verify answers 'busy' at once. Default 32 a thread. */
  maxWaiting?: number;
}

/** true or false: the password matches or not; 'busy': the queue is full (or a thread failed), nothing was checked. */
export type BcryptVerdict = boolean | 'busy';

interface Job extends BcryptJob {
  resolve(verdict: BcryptVerdict): void;
}

interface Thread {
  worker: Worker;
  job: Job | undefined;
}

/**
 * bcrypt checks on worker threads, so the event loop that serves requests never runs one. Each
 * thread takes one check at a time; the others wait in a bounded queue, and a check that finds
 * the queue full is answered 'busy' at once (the gateway answers 503) instead of waiting without
 * bound. A thread that dies fails its check as 'busy' and is replaced at the next check. Idle
 * threads do not keep the process alive.
 */
export class BcryptPool {
  private readonly threads: Thread[] = [];
  private readonly waiting: Job[] = [];
  private readonly size: number;
  private readonly maxWaiting: number;
  private closed = false;

  constructor(options: BcryptPoolOptions = {}) {
    this.size = options.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    this.maxWaiting = options.maxWaiting ?? 32 * this.size;
    this.fill();
  }

  verify(password: string, hash: string): Promise<BcryptVerdict> {
    if (this.closed) return Promise.resolve('busy');
    this.fill();
    return new Promise((resolve) => {
      const job: Job = { password, hash, resolve };
      const idle = this.threads.find((t) => t.job === undefined);
      if (idle) this.run(idle, job);
      else if (this.waiting.length < this.maxWaiting) this.waiting.push(job);
      else resolve('busy');
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.waiting.splice(0)) j.resolve('busy');
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private fill(): void {
    while (this.threads.length < this.size) this.threads.push(this.start());
  }

  private start(): Thread {
    const thread: Thread = { worker: startBcryptThread(), job: undefined };
    thread.worker.on('message', (answer: BcryptAnswer) => {
      const job = thread.job!;
      thread.job = undefined;
      job.resolve(answer.ok === true);
      this.next(thread);
    });
    // 'error' is always followed by 'exit'; without a listener it would throw here.
    thread.worker.on('error', () => undefined);
    thread.worker.on('exit', () => this.gone(thread));
    // After the listeners: a 'message' listener added later would hold the process again.
    thread.worker.unref();
    return thread;
  }

  private run(thread: Thread, job: Job): void {
    thread.job = job;
    // A thread with work keeps the process alive until it answers.
    thread.worker.ref();
    thread.worker.postMessage({ password: job.password, hash: job.hash } satisfies BcryptJob);
  }

  private next(thread: Thread): void {
    const job = this.waiting.shift();
    if (job) this.run(thread, job);
    else thread.worker.unref();
  }

  private gone(thread: Thread): void {
    this.threads.splice(this.threads.indexOf(thread), 1);
    thread.job?.resolve('busy');
    // Nobody left to take the queue (a thread that cannot start at all): refuse it rather than let it wait.
    if (this.threads.length === 0) for (const j of this.waiting.splice(0)) j.resolve('busy');
  }
}

let shared: BcryptPool | undefined;

/** The process's pool, started on first use (a gateway whose htpasswd files have bcrypt users). */
export function sharedBcryptPool(): BcryptPool {
  shared ??= new BcryptPool();
  return shared;
}

/**
 * A thread running bcrypt-thread: in the node target's bundle, from the source text it carries;
 * compiled (dist/), the .js file beside this one; run from src/ (tsx, vitest), the .ts file
 * through tsx's loader.
 */
function startBcryptThread(): Worker {
  if (typeof GW_BCRYPT_THREAD_SOURCE === 'string') return new Worker(GW_BCRYPT_THREAD_SOURCE, { eval: true });
  if (import.meta.url.endsWith('.js')) return new Worker(new URL('./bcrypt-thread.js', import.meta.url));
  const tsx = createRequire(import.meta.url).resolve('tsx/esm/api');
  const file = new URL('./bcrypt-thread.ts', import.meta.url).href;
  return new Worker(`require(${JSON.stringify(tsx)}).register(); import(${JSON.stringify(file)});`, { eval: true });
}
