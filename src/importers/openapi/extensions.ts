import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import type { PointerLocator } from '../../diagnostics/locate.js';
import { SERVICE_LEVEL_KEYS, type SettingsInput } from '../../project/config.js';
import { checkSettingsSchema } from '../../project/schema.js';

export const EXTENSION_KEY = 'x-gw';

export interface ExtensionPlace {
  file: string;
  /** Pointer of the object that holds x-gw (the document, a path item, an operation). */
  pointer: string;
  level: 'document' | 'path' | 'operation';
  locator: PointerLocator;
}

/** Reads and checks the x-gw object of one level. Problems go to `diagnostics`; a bad object counts as absent. */
export function readExtension(
  holder: unknown,
  place: ExtensionPlace,
  diagnostics: Diagnostic[],
): SettingsInput | undefined {
  if (typeof holder !== 'object' || holder === null) return undefined;
  const value = (holder as Record<string, unknown>)[EXTENSION_KEY];
  if (value === undefined) return undefined;
  const base = `${place.pointer}/${EXTENSION_KEY}`;
  const at = (pointer: string) => ({ file: place.file, pointer, ...place.locator.locate(pointer) });
  const problems = checkSettingsSchema(value);
  for (const p of problems) {
    const pointer = base + p.pointer.slice(1);
    diagnostics.push(
      createDiagnostic(p.kind === 'unknown-key' ? 'GW_XGW_UNKNOWN_KEY' : 'GW_XGW_INVALID', `x-gw: ${p.message}`, {
        locations: [at(pointer)],
        hints: [...p.hints, 'x-gw keys are described in docs/x-gw.md'],
      }),
    );
  }
  if (problems.length > 0) return undefined;
  const settings = value as SettingsInput;
  if (place.level !== 'document') {
    for (const key of SERVICE_LEVEL_KEYS) {
      if (settings[key] === undefined) continue;
      diagnostics.push(
        createDiagnostic('GW_XGW_LEVEL', `x-gw: "${key}" applies to a whole service, not to one ${place.level}`, {
          locations: [at(`${base}/${key}`)],
          hints: [`move "${key}" to the document's top-level x-gw, or to the service's settings in gw.yaml`],
        }),
      );
    }
  }
  if (place.level !== 'operation' && settings.compose !== undefined) {
    diagnostics.push(
      createDiagnostic('GW_XGW_LEVEL', `x-gw: "compose" makes one operation a composite, not a whole ${place.level}`, {
        locations: [at(`${base}/compose`)],
        hints: ['move "compose" into the x-gw of the operation it answers (docs/composition.md)'],
      }),
    );
  }
  return settings;
}
