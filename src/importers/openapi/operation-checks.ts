import type { Diagnostic, Location } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import { formatPointer } from '../../diagnostics/json-pointer.js';
import { suggestClosest } from '../../diagnostics/suggest.js';
import { SERVICE_LEVEL_KEYS, type ServiceConfig } from '../../project/config.js';
import type { OperationEntry } from './paths.js';

/**
 * Checks on the operations of one spec: operationIds are unique, and gw.yaml operation overrides
 * name operationIds the spec has and hold only keys that apply to one operation.
 */
export function checkOperationIds(
  ops: readonly OperationEntry[],
  file: string,
  at: (p: string) => Location,
  diagnostics: Diagnostic[],
): void {
  const first = new Map<string, OperationEntry>();
  for (const op of ops) {
    const id = op.operation.operationId;
    if (typeof id !== 'string') continue;
    const prev = first.get(id);
    if (!prev) {
      first.set(id, op);
      continue;
    }
    diagnostics.push(
      createDiagnostic(
        'GW_SPEC_INVALID',
        `"${file}" uses operationId "${id}" twice (${prev.method} ${prev.path} and ${op.method} ${op.path})`,
        {
          locations: [at(`${prev.pointer}/operationId`), at(`${op.pointer}/operationId`)],
          hints: ['operationIds must be unique within a spec; rename one of them'],
        },
      ),
    );
  }
}

export function checkOverrides(
  config: ServiceConfig | undefined,
  ops: readonly OperationEntry[],
  configAt: (p: string) => Location,
  diagnostics: Diagnostic[],
): void {
  const ids = ops.map((o) => o.operation.operationId).filter((id): id is string => typeof id === 'string');
  for (const key of Object.keys(config?.operations ?? {})) {
    if (ids.includes(key)) continue;
    const close = suggestClosest(key, ids);
    diagnostics.push(
      createDiagnostic(
        'GW_OVERRIDE_UNKNOWN_OPERATION',
        `gw.yaml overrides operation "${key}", but service "${config!.name}" has no such operationId`,
        {
          locations: [configAt(overridePointer(key))],
          hints: [close ? `did you mean "${close}"?` : '`gw routes --json` lists every route with its operationId'],
        },
      ),
    );
  }
  for (const [key, s] of Object.entries(config?.operations ?? {})) {
    for (const k of SERVICE_LEVEL_KEYS) {
      if (s?.[k] === undefined) continue;
      diagnostics.push(
        createDiagnostic(
          'GW_XGW_LEVEL',
          `gw.yaml sets "${k}" for operation "${key}", but it applies to a whole service`,
          {
            locations: [configAt(overridePointer(key, k))],
            hints: [`move it to services[].settings.${k}`],
          },
        ),
      );
    }
  }
}

/** `/operations/<key>` under the service's gw.yaml entry, the key escaped as a JSON pointer segment. */
function overridePointer(key: string, ...rest: string[]): string {
  return formatPointer(['operations', key, ...rest]).slice(1);
}
