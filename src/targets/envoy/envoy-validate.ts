import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * `envoy --mode validate`, the last step of the strict check (check.ts) when an envoy binary is on
 * PATH (gw's CI machines have none, so the proto check is what the tests rely on).
 */
export interface EnvoyRefusal {
  /** Envoy's last output line (or why it could not run). */
  line: string;
  /** Its whole output, for the diagnostic's cause. */
  output: string | undefined;
}

/** `envoy --mode validate -c <a copy of text>` when an envoy binary is on PATH; null: it passes, or there is none. */
export function runEnvoyValidate(text: string): EnvoyRefusal | null {
  const binary = findOnPath('envoy');
  if (!binary) return null;
  const dir = mkdtempSync(join(tmpdir(), 'gw-envoy-'));
  try {
    const config = join(dir, 'envoy.yaml');
    writeFileSync(config, text);
    const run = spawnSync(binary, ['--mode', 'validate', '-c', config, '--log-level', 'error'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (run.status === 0) return null;
    const output = `${run.stderr ?? ''}${run.stdout ?? ''}`.trim();
    const line =
      output
        .split('\n')
        .reverse()
        .find((l) => l.trim() !== '') ??
      run.error?.message ??
      `exit status ${String(run.status)}`;
    return { line, output: output || run.error?.message };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
