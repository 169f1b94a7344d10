import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runtimeSubset } from '../../../src/model/runtime-subset.js';
import type { Gateway } from '../../../src/model/types.js';
import { compileValidators } from '../../../src/runtime/validate/compile-validator.js';
import { ROOT } from '../../helpers/cli.js';

const CASES = join(ROOT, 'test', 'golden', 'cases');
const models = readdirSync(CASES).map((name) => ({
  name,
  gateway: JSON.parse(readFileSync(join(CASES, name, 'expected', 'model.json'), 'utf8')) as Gateway,
}));

describe('runtimeSubset: what the Node target embeds', () => {
  it('keeps what the runtime validates with, drops the public description', () => {
    const { gateway } = models.find((m) => m.name === '11-policies')!;
    const subset = runtimeSubset(gateway);
    const validated = subset.routes.filter((r) => r.settings.validate);
    expect(validated.length).toBeGreaterThan(0);
    for (const r of subset.routes) {
      if (!r.settings.validate) expect(r.api).toBeUndefined();
      else expect(Object.keys(r.api!).every((k) => k === 'parameters' || k === 'requestBody')).toBe(true);
    }
    for (const s of subset.services) {
      expect(s).not.toHaveProperty('description');
      expect(s).not.toHaveProperty('tags');
      const validates = validated.some((r) => r.service === s.name);
      if (!validates) expect(s).not.toHaveProperty('components');
    }
  });

  it.each(models)('$name: the same validators compile from it, and nothing else changes', ({ gateway }) => {
    const subset = runtimeSubset(gateway);
    const full = compileValidators(gateway);
    const fromSubset = compileValidators(subset);
    expect([...fromSubset.keys()]).toEqual([...full.keys()]);
    const strip = (g: Gateway) =>
      JSON.stringify({ ...g, services: g.services.map((s) => s.name), routes: g.routes.map(({ api: _a, ...r }) => r) });
    expect(strip(subset)).toBe(strip(gateway));
  });
});
