import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from './nginx.js';

/** Debian's redis-server, where the package puts it. */
export function findRedisServer(): string | undefined {
  for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server'])
    if (existsSync(p)) return p;
  return undefined;
}

export interface RunningRedis {
  port: number;
  url: string;
  pid: number;
  /** Stop it (SIGTERM, SIGKILL after 5 s); resolves once it has exited. */
  stop(): Promise<void>;
  /** Freeze it (SIGSTOP): connections stay open, commands get no answer. */
  freeze(): void;
  thaw(): void;
  output(): string;
}

/**
 * A throwaway redis-server on a free loopback port: no persistence (no RDB, no AOF), no config
 * file, protected mode on. Waits until it accepts connections (at most `timeoutMs`); stopped by
 * its PID, never by name.
 */
export async function startRedis(port?: number, timeoutMs = 10_000): Promise<RunningRedis> {
  const bin = findRedisServer();
  if (!bin) throw new Error('redis-server is not installed (apt-get install -y redis-server); .ci/run installs it');
  const p = port ?? (await freePort());
  const child: ChildProcess = spawn(
    bin,
    [
      '--port',
      String(p),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      '/tmp',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  while (!(await canConnect(p))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not accept connections on port ${p} within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    pid: child.pid!,
    output: () => out,
    freeze: () => void process.kill(child.pid!, 'SIGSTOP'),
    thaw: () => void process.kill(child.pid!, 'SIGCONT'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid!, 'SIGCONT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
