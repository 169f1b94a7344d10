import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGateway } from '../../../src/cli/load-gateway.js';
import { checkOpenApiSchema } from '../../../src/importers/openapi/schema-check.js';
import { parseProject } from '../../../src/project/load.js';
import { EXAMPLE_SPECS, ROOT } from '../../helpers/cli.js';

/** The schema check as gw build runs it: on another thread, so its answer comes later. */
const checkLater = async (document: unknown, openapi: string) => {
  await delay(5);
  return checkOpenApiSchema(document, openapi);
};

const INVALID = join(ROOT, 'test', 'golden', 'invalid', 'type-list-in-openapi-3.0', 'svc.yaml');

function project(services: { name: string; spec: string }[]) {
  const service = (s: { name: string; spec: string }) =>
    `  - name: ${s.name}\n    spec: ${JSON.stringify(s.spec)}\n    upstreams: ["http://127.0.0.1:9001"]\n`;
  const text = `version: 1\nname: shop\nservices:\n${services.map(service).join('')}`;
  return parseProject(text, join(ROOT, 'gw.yaml'), 'gw.yaml');
}

const plain = (b: { gateway: unknown; diagnostics: unknown; files: unknown }) =>
  JSON.parse(JSON.stringify({ gateway: b.gateway, diagnostics: b.diagnostics, files: b.files })) as unknown;

describe('buildGateway with the schema check run elsewhere (checkSchema)', () => {
  const cases = [
    {
      name: 'valid specs',
      services: [
        { name: 'users', spec: join(EXAMPLE_SPECS, 'users.yaml') },
        { name: 'catalog', spec: join(EXAMPLE_SPECS, 'catalog.json') },
      ],
    },
    {
      name: 'one spec fails the schema check, the other merges alone',
      services: [
        { name: 'users', spec: join(EXAMPLE_SPECS, 'users.yaml') },
        { name: 'svc', spec: INVALID },
      ],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: once checked, the same gateway, diagnostics and files as checking in turn`, async () => {
      const inTurn = await buildGateway(project(c.services));
      const early = await buildGateway(project(c.services), { checkSchema: checkLater });
      expect(plain(await early.checked)).toEqual(plain(inTurn));
      expect(plain(await inTurn.checked)).toEqual(plain(inTurn));
    });
  }

  it('a spec that fails its check is in the first answer, and out of the checked one', async () => {
    const early = await buildGateway(project(cases[1]!.services), { checkSchema: checkLater });
    expect(early.gateway.services.map((s) => s.name)).toEqual(['svc', 'users']);
    const checked = await early.checked;
    expect(checked.gateway.services.map((s) => s.name)).toEqual(['users']);
    expect(checked.diagnostics.map((d) => d.code)).toContain('GW_SPEC_INVALID');
  });
});
