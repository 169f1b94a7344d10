import { describe, expect, it } from 'vitest';
import { loadTarget, TARGETS } from '../../../src/targets/registry.js';
import { TARGET_NAMES } from '../../../src/targets/types.js';

describe('the target registry (targets load on first render)', () => {
  it('lists every target name once', () => expect(Object.keys(TARGETS).sort()).toEqual([...TARGET_NAMES].sort()));
  for (const name of TARGET_NAMES) {
    it(`${name}: the entry names and describes the target its module exports`, async () => {
      const target = await loadTarget(name);
      expect({ name: TARGETS[name].name, description: TARGETS[name].description }).toEqual({
        name: target.name,
        description: target.description,
      });
    });
  }
});
