import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Gateway } from '../../src/model/types.js';
import { nodeTarget } from '../../src/targets/node/index.js';
import type { RenderOptions } from '../../src/targets/types.js';
import type { RunResult } from './cli.js';

/**
 * The generated Node gateway as a child process, the way a user runs it:
 * `node <outDir>/node/server.mjs`, configured by environment variables only.
 * Mirrors test/helpers/gw-serve.ts; the cross-target scenario driver uses both.
 */
export interface RunningNodeTarget {
  url: string;
  admin: string | null;
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote so far. */
  output(): { stdout: string; stderr: string };
  /** SIGTERM, then wait for the exit (SIGKILL after the timeout). Resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number>;
}

/**
 * Renders the node target for a model and writes its files under `outDir` (so the gateway is
 * `outDir/node/server.mjs`), with the target's `options`. Needs the runtime bundle (npm run build).
 */
export async function writeNodeTarget(gateway: Gateway, outDir: string, options: RenderOptions = {}): Promise<void> {
  const { files } = await nodeTarget.render(gateway, options);
  for (const f of files) {
    const file = join(outDir, f.path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, f.contents);
    if (f.mode !== undefined) await chmod(file, f.mode);
  }
}

/** The child's environment: ours without any gateway setting, then loopback, any port, JSON logs, then `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  const settings = new RegExp(
    '^(PORT|HOST|ADMIN_PORT|ADMIN_HOST|LOG_FORMAT|DRAIN_TIMEOUT|CLIENT_HEADER_TIMEOUT|CLIENT_REQUEST_TIMEOUT|' +
      'UPSTREAM_CONNECTIONS|GW_UPSTREAM_.*)$',
  );
  for (const [k, v] of Object.entries(process.env)) if (!settings.test(k)) base[k] = v;
  return { ...base, NO_COLOR: '1', HOST: '127.0.0.1', PORT: '0', LOG_FORMAT: 'json', ...env };
}

function spawnServer(outDir: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [join(outDir, 'node', 'server.mjs')], {
    cwd: outDir,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Starts `node <outDir>/node/server.mjs` (PORT=0, LOG_FORMAT=json unless `env` says otherwise) and waits for its JSON
 * ready line.
 */
export async function startNodeTarget(
  outDir: string,
  env: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<RunningNodeTarget> {
  const child = spawnServer(outDir, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => (stderr += b));
  const ready = await new Promise<{ url: string; admin: string | null }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the node gateway did not get ready:\n${stdout}\n${stderr}`)),
      timeoutMs,
    );
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
      reject(new Error(`the node gateway exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
  return {
    url: ready.url,
    admin: ready.admin,
    pid: child.pid!,
    child,
    output: () => ({ stdout, stderr }),
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

/**
 * Runs the node gateway expecting it to stop by itself (a bad setting): exit code and output, SIGKILL after the
 * timeout.
 */
export function runNodeTarget(
  outDir: string,
  env: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<RunResult> {
  const child = spawnServer(outDir, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => (stderr += b));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
