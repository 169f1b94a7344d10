import { resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createDiagnostic, isGwError } from '../diagnostics/gw-error.js';
import { formatDiagnostics } from '../diagnostics/print.js';
import { unpackGateway } from './packed-gateway.js';
import { overrideUpstreams, readStandaloneEnv, type EmbeddedGateway } from './standalone-env.js';
import { readyLine, stoppedLine, waitForStopSignal } from './serve-lines.js';
import { startGateway } from './start-gateway.js';

export type { EmbeddedGateway } from './standalone-env.js';

/** What server.mjs hands over: the model as a literal, or packed (packed-gateway.ts) when it is big. */
export type GeneratedServer = EmbeddedGateway | { packedGateway: string; upstreamEnv: Record<string, string> };

/**
 * The entry of the generated Node gateway (bundled into gw-runtime.mjs by
 * scripts/bundle-runtime.js): the embedded model and the environment in, the same running
 * gateway as `gw serve` out. Bad settings print their diagnostics and exit 1, never a stack.
 */
export async function runStandalone(
  given: GeneratedServer,
  env: Record<string, string | undefined> = process.env,
): Promise<void> {
  const embedded: EmbeddedGateway =
    'packedGateway' in given ? { gateway: unpackGateway(given.packedGateway), upstreamEnv: given.upstreamEnv } : given;
  const { settings, diagnostics } = readStandaloneEnv(env, embedded);
  if (diagnostics.length > 0) return fail(diagnostics);
  let started: Awaited<ReturnType<typeof startGateway>>;
  try {
    started = await startGateway(overrideUpstreams(embedded.gateway, settings.overrides), {
      ...settings,
      color: useColor(process.stdout, env),
      portSettings: { port: 'PORT', adminPort: 'ADMIN_PORT' },
      // Relative credential files (keys, htpasswd, JWKS, secrets) resolve against GW_BASE_DIR, else the working
      // directory.
      secrets: {
        baseDir: resolve(env.GW_BASE_DIR || process.cwd()),
        baseDirName: env.GW_BASE_DIR ? 'GW_BASE_DIR' : 'the working directory (set GW_BASE_DIR to change it)',
        env,
      },
    });
  } catch (err) {
    return fail(
      isGwError(err)
        ? err.diagnostics
        : [
            createDiagnostic('GW_INTERNAL', err instanceof Error ? err.message : String(err), {
              hints: ['this is a bug in gw; please report it with this output'],
            }),
          ],
    );
  }
  // With JSON logs every stdout line is JSON, the ready line too; otherwise a sentence on stderr.
  const ready = readyLine(started, settings.logFormat === 'json');
  process[ready.stream].write(ready.text);
  await waitForStopSignal(() => process.exit(1));
  const { dropped } = await started.stop();
  process.stderr.write(stoppedLine(dropped));
  // Nothing is left to finish; do not wait on a stray timer of a library.
  process.exit(0);
}

function fail(diagnostics: Diagnostic[]): void {
  process.stderr.write(formatDiagnostics(diagnostics, { color: useColor(process.stderr, process.env) }));
  process.exitCode = 1;
}

/** As gw does: colour only on a terminal, never with NO_COLOR; FORCE_COLOR forces it. */
function useColor(stream: NodeJS.WriteStream, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return Boolean(stream.isTTY);
}
