import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runtimeSubset } from '../../../src/model/runtime-subset.js';
import type { Gateway, Route, RuntimeGateway } from '../../../src/model/types.js';
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
      for (const key of ['operationId', 'match', 'summary', 'tags', 'deprecated']) expect(r).not.toHaveProperty(key);
      if (!r.settings.validate) {
        expect(r.api).toBeUndefined();
        expect(r.source).toBeUndefined();
      } else {
        expect(Object.keys(r.api!).every((k) => k === 'parameters' || k === 'requestBody')).toBe(true);
        expect(r.source).toEqual(gateway.routes.find((x) => x.id === r.id)!.source);
      }
    }
    for (const s of subset.services) {
      for (const key of ['description', 'tags', 'routes']) expect(s).not.toHaveProperty(key);
      const validates = validated.some((r) => r.service === s.name);
      if (!validates) expect(s).not.toHaveProperty('components');
    }
  });

  it.each(models)('$name: the same validators compile from it, and nothing else changes', ({ gateway }) => {
    const subset = runtimeSubset(gateway);
    const full = compileValidators(gateway);
    const fromSubset = compileValidators(subset);
    expect([...fromSubset.keys()]).toEqual([...full.keys()]);
    const strip = (g: RuntimeGateway) =>
      JSON.stringify({
        ...g,
        services: g.services.map((s) => s.name),
        routes: g.routes.map((r) => {
          const { api: _a, source: _s, ...kept } = r as Route;
          const { operationId: _o, match: _m, summary: _u, tags: _t, deprecated: _d, ...runtime } = kept;
          return runtime;
        }),
      });
    expect(strip(subset)).toBe(strip(gateway));
  });
});
