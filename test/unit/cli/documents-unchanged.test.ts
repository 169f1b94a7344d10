import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGateway } from '../../../src/cli/load-gateway.js';
import { loadProject } from '../../../src/project/load.js';

// gw build checks each spec against the OpenAPI schema after import and merge have read it
// (cli/build-helper.ts): that is the check of the document as loaded only while nothing changes it.
// Each document is frozen the moment it is loaded; a write to it would throw (modules are strict).
const CASES = join(import.meta.dirname, '..', '..', 'golden', 'cases');

function deepFreeze(value: unknown, seen = new Set<object>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v, seen);
}

describe('import and merge leave the loaded documents as they are', () => {
  for (const name of readdirSync(CASES).sort()) {
    it(name, async () => {
      const project = await loadProject(join(CASES, name, 'gw.yaml'));
      let frozen = 0;
      const built = await buildGateway(project, {
        checkSchema: async (document) => {
          deepFreeze(document);
          frozen++;
          return [];
        },
      });
      await built.checked;
      expect(frozen).toBe((project.config.services ?? []).length);
      expect(built.gateway.routes.length).toBeGreaterThan(0);
    });
  }
});
