import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { BcryptPool } from '../../../../src/runtime/auth/bcrypt-pool.js';

// Hashes of "secret": cost 4 for speed, cost 10 (about 0.1 s) to have checks in flight.
const CHEAP = '$2y$04$yU1iS16RRLMQ84nK0u4b5uW.S0tcPCTmf49aCzybFw6R2M9e7y6CS';
const SLOW = bcrypt.hashSync('secret', 10);
const pools: BcryptPool[] = [];
afterAll(async () => Promise.all(pools.map((p) => p.close())));
function pool(options = {}): BcryptPool {
  const p = new BcryptPool(options);
  pools.push(p);
  return p;
}
const sleep = (ms: number) => new Promise<'slept'>((r) => setTimeout(() => r('slept'), ms));

describe('BcryptPool', () => {
  const p = pool({ threads: 1 });
  const cases: { name: string; given: [password: string, hash: string]; want: boolean }[] = [
    { name: 'the right password ($2y$, as htpasswd -B writes it)', given: ['secret', CHEAP], want: true },
    { name: 'a wrong one', given: ['Secret', CHEAP], want: false },
    { name: 'the right password ($2b$)', given: ['secret', SLOW], want: true },
    { name: 'a hash bcrypt cannot read is a mismatch, not a crash', given: ['secret', '$2b$04$short'], want: false },
  ];
  for (const c of cases) it(c.name, async () => expect(await p.verify(...c.given)).toBe(c.want));

  it('checks off the event loop: it stays idle while a cost-10 check runs', async () => {
    const before = performance.eventLoopUtilization();
    const verdict = p.verify('wrong', SLOW);
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 5);
    await verdict;
    clearInterval(ticking);
    const elu = performance.eventLoopUtilization(before);
    expect(elu.utilization).toBeLessThan(0.5);
    expect(ticks).toBeGreaterThan(2);
  });

  it('answers busy at once when the queue is full, and still answers the checks it took', async () => {
    const small = pool({ threads: 1, maxWaiting: 1 });
    const running = small.verify('secret', SLOW);
    const waiting = small.verify('wrong', SLOW);
    expect(await Promise.race([small.verify('secret', SLOW), sleep(30)])).toBe('busy');
    expect(await running).toBe(true);
    expect(await waiting).toBe(false);
    expect(await small.verify('secret', CHEAP)).toBe(true);
  });

  it('answers busy once closed', async () => {
    const closed = pool({ threads: 1 });
    const waiting = [closed.verify('secret', SLOW), closed.verify('secret', SLOW)];
    await closed.close();
    expect(await Promise.all(waiting)).toEqual(['busy', 'busy']);
    expect(await closed.verify('secret', CHEAP)).toBe('busy');
  });

  it('does not keep the process alive once its checks are answered', async () => {
    const module = fileURLToPath(new URL('../../../../src/runtime/auth/bcrypt-pool.ts', import.meta.url));
    const code =
      `import(${JSON.stringify(module)}).then(async ({ BcryptPool }) => console.log(await new ` +
      `BcryptPool({ threads: 2 }).verify('secret', ${JSON.stringify(CHEAP)})))`;
    const started = Date.now();
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', '-e', code], { timeout: 10_000 }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      );
    });
    expect(out.trim()).toBe('true');
    expect(Date.now() - started).toBeLessThan(8_000);
  });
});
