import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BIN } from './cli.js';

export interface RunningGateway {
  url: string;
  admin: string | null;
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote so far. */
  output(): { stdout: string; stderr: string };
  /** Resident memory of the gateway process, in bytes (from /proc). */
  rss(): number;
  /** SIGTERM, then wait for the exit (SIGKILL after the timeout). */
  stop(timeoutMs?: number): Promise<number>;
}

/** Starts `gw serve --port 0 --json` as a child process and waits for its ready line. */
export async function startGwServe(
  cwd: string,
  extraArgs: string[] = [],
  timeoutMs = 20_000,
  env: Record<string, string> = {},
): Promise<RunningGateway> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--json', '--log-format', 'json', ...extraArgs],
    {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => (stderr += b));
  const ready = await new Promise<{ url: string; admin: string | null }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gw serve did not get ready:\n${stdout}\n${stderr}`)), timeoutMs);
    const check = () => {
      const line = stdout.split('\n').find((l) => l.startsWith('{"event":"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gw serve exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
  return {
    url: ready.url,
    admin: ready.admin,
    pid: child.pid!,
    child,
    output: () => ({ stdout, stderr }),
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024,
    stop: (stopTimeout = 15_000) =>
      new Promise<number>((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeout);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code ?? -1);
        });
        child.kill('SIGTERM');
      }),
  };
}
