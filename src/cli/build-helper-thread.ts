import { parentPort, workerData } from 'node:worker_threads';
import { isGwError } from '../diagnostics/gw-error.js';
import type { Gateway } from '../model/types.js';
import { wholeFile } from '../targets/deferred-text.js';
import { loadTarget, TARGETS } from '../targets/registry.js';
import type { RenderOptions, TargetName } from '../targets/types.js';
import {
  claim,
  claimOrder,
  type HelperAnswer,
  type HelperRequest,
  type HelperStart,
  type TargetOutcome,
} from './build-helper.js';

/**
 * The helper thread of `gw build` (build-helper.ts has the why): prepares the targets, then
 * renders those it claims, each answer in its own message.
 */
const port = parentPort!;
const { targets } = workerData as HelperStart;
// Imported and prepared while the main thread reads the specs; a failure shows again when its target renders.
for (const name of targets) TARGETS[name].prepare?.();

port.on('message', (request: HelperRequest) => {
  void renderClaimed(request.gateway, request.options, request.targets, new Int32Array(request.claims));
});

async function renderClaimed(
  gateway: Gateway,
  options: RenderOptions,
  names: readonly TargetName[],
  claims: Int32Array,
): Promise<void> {
  const targets = names.map((name) => TARGETS[name]);
  for (const target of claimOrder(targets, 'helper')) {
    const index = names.indexOf(target.name);
    if (claim(claims, index))
      port.postMessage({
        kind: 'rendered',
        index,
        outcome: await renderOne(target.name, gateway, options),
      } satisfies HelperAnswer);
  }
}

async function renderOne(name: TargetName, gateway: Gateway, options: RenderOptions): Promise<TargetOutcome> {
  try {
    const result = await (await loadTarget(name)).render(gateway, options);
    // A file in pieces (deferred-text.ts) holds functions, which cannot cross threads: it crosses as its text.
    return { target: name, result: { ...result, files: result.files.map(wholeFile) } };
  } catch (err) {
    if (isGwError(err)) return { target: name, error: { diagnostics: err.diagnostics, exitCode: err.exitCode } };
    return {
      target: name,
      error: {
        message: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      },
    };
  }
}
