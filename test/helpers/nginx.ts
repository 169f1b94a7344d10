import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

/** Debian's nginx, or undefined. Suites that need it fail (not skip) under CI when it is missing. */
export function findNginx(): string | undefined {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx', '/usr/local/bin/nginx'])
    if (existsSync(p)) return p;
  return undefined;
}

/** A port that was free a moment ago (nginx cannot report a port-0 choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** `nginx -t` on a generated nginx.conf in `dir` (the prefix): resolves with nginx's output, rejects with it on failure. */
export function nginxTest(dir: string, conf = 'nginx.conf'): Promise<string> {
  const bin = findNginx()!;
  const logFile = join(dir, 'nginx-t.out');
  const fd = openSync(logFile, 'w');
  const child = spawn(bin, ['-t', '-p', dir, '-c', join(dir, conf), '-g', globalDirectives()], {
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const out = readFileSync(logFile, 'utf8');
      if (code === 0) resolve(out);
      else reject(new Error(`nginx -t failed:\n${out}`));
    });
  });
}

export interface RunningNginx {
  url: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs nginx in the foreground with the prefix `dir`, waits until `port` accepts connections.
 * `env` is added to its environment (the credentials gw-auth.js reads, GW_BASE_DIR).
 */
export async function startNginx(
  dir: string,
  port: number,
  conf = 'nginx.conf',
  timeoutMs = 15_000,
  env: Record<string, string> = {},
): Promise<RunningNginx> {
  const bin = findNginx()!;
  // nginx's own output (and an access log configured to stdout) goes to a file the test can read.
  const logFile = join(dir, 'nginx.out');
  const fd = openSync(logFile, 'w');
  const child: ChildProcess = spawn(
    bin,
    ['-p', dir, '-c', join(dir, conf), '-g', `daemon off; ${globalDirectives()}`],
    { stdio: ['ignore', fd, fd], env: { ...process.env, ...env } },
  );
  closeSync(fd);
  const readOutput = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${readOutput()}`);
    if (await accepts(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not listen on ${port} in time:\n${readOutput()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    output: readOutput,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGQUIT');
      }),
  };
}

/** When the tests run as root, workers stay root so they can use the temporary prefix folder. */
function globalDirectives(): string {
  return process.getuid?.() === 0 ? 'user root;' : '';
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
