import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';

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

/**
 * `nginx -t` on a generated nginx.conf in `dir` (the prefix): resolves with nginx's output, rejects with it on
 * failure.
 */
export function nginxTest(dir: string, conf = 'nginx.conf'): Promise<string> {
  const bin = findNginx()!;
  const logFile = join(dir, 'nginx-t.out');
  const fd = openSync(logFile, 'w');
  openToWorkers(dir);
  const child = spawn(bin, ['-t', '-p', dir, '-c', join(dir, conf)], {
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
  openToWorkers(dir);
  const child: ChildProcess = spawn(bin, ['-p', dir, '-c', join(dir, conf), '-g', 'daemon off;'], {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...env },
  });
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

/**
 * The generated nginx.conf names a `user` (www-data) for the workers when nginx starts as root, as
 * the tests do here: the folders above the prefix, made by mkdtemp (mode 700), must let them in to
 * the temp folders and the files gw-auth.js reads.
 */
export function openToWorkers(dir: string): void {
  for (let d = dir; d.startsWith(`${tmpdir()}/`); d = dirname(d)) chmodSync(d, 0o755);
}

/** When the tests run as root: `file` (a secret gw-auth.js reads) owned by the workers' account, www-data. */
export function giveToWorkers(file: string): void {
  if (process.getuid?.() !== 0) return;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'www-data'], { encoding: 'utf8' }).trim());
  chownSync(file, id('-u'), id('-g'));
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

export interface DaemonNginx {
  url: string;
  /** The master process's id (from nginx.pid under the prefix). */
  pid: number;
  /** `nginx -s reload`, then waits until the old workers are gone and the port answers. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/** The ids of the processes whose parent is `pid` (nginx's workers). */
export function childrenOf(pid: number): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).trim();
  return out === '' ? [] : out.split(/\s+/).map(Number);
}

/**
 * Runs nginx as systemd runs it: in daemon mode (the master forks and the command returns), its
 * standard output and error on /dev/null. Stopped by the master's id, with SIGQUIT.
 */
export async function startNginxDaemon(dir: string, port: number): Promise<DaemonNginx> {
  const bin = findNginx()!;
  openToWorkers(dir);
  const args = ['-p', dir, '-c', join(dir, 'nginx.conf')];
  execFileSync(bin, args, { stdio: 'ignore', timeout: 20_000 });
  const pid = Number(readFileSync(join(dir, 'nginx.pid'), 'utf8').trim());
  const until = async (ok: () => boolean | Promise<boolean>, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`nginx (daemon, pid ${pid}): ${what} in time`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await until(() => accepts(port), `did not listen on ${port}`);
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    reload: async () => {
      const before = childrenOf(pid);
      execFileSync(bin, [...args, '-s', 'reload'], { stdio: 'ignore', timeout: 20_000 });
      await until(() => childrenOf(pid).every((c) => !before.includes(c)), 'did not replace its workers');
      await until(() => accepts(port), `did not listen on ${port}`);
    },
    stop: async () => {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        return;
      }
      await until(() => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      }, 'did not stop');
    },
  };
}
