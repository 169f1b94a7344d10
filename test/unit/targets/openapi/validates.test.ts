import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildGateway } from '../../../../src/cli/load-gateway.js';
import { parseProject } from '../../../../src/project/load.js';
import { openapiTarget } from '../../../../src/targets/openapi/index.js';
import { EXAMPLE_SPECS, ROOT } from '../../../helpers/cli.js';

/**
 * The merged spec of every golden case and of the example project is a valid OpenAPI document, and the YAML says what
 * the JSON says.
 */
const CASES = join(ROOT, 'test', 'golden', 'cases');

async function render(text: string, file: string): Promise<{ json: unknown; yaml: unknown }> {
  const project = parseProject(text, file, 'gw.yaml');
  const { gateway, diagnostics } = await buildGateway(project);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const { files } = await openapiTarget.render(gateway, {});
  const byPath = new Map(files.map((f) => [f.path, f.contents]));
  return {
    json: JSON.parse(byPath.get('openapi/openapi.json')!),
    yaml: parseYaml(byPath.get('openapi/openapi.yaml')!),
  };
}

async function expectValid(doc: unknown): Promise<void> {
  // swagger-parser mutates what it is given: a clone goes in.
  await expect(new SwaggerParser().validate(structuredClone(doc) as never)).resolves.toBeTruthy();
}

describe('the openapi target validates with swagger-parser', () => {
  const cases = readdirSync(CASES)
    .filter((d) => existsSync(join(CASES, d, 'gw.yaml')))
    .sort();
  for (const name of cases) {
    it(name, async () => {
      const file = join(CASES, name, 'gw.yaml');
      const { json, yaml } = await render(readFileSync(file, 'utf8'), file);
      expect(yaml).toEqual(json);
      await expectValid(json);
    });
  }

  it('the example project (examples/shop), with prefixes', async () => {
    const file = join(EXAMPLE_SPECS, '..', 'gw.yaml');
    const text = [
      'version: 1',
      'name: shop',
      'services:',
      `  - {name: users, spec: ${join(EXAMPLE_SPECS, 'users.yaml')}, prefix: /users-api}`,
      `  - {name: orders, spec: ${join(EXAMPLE_SPECS, 'orders', 'openapi.yaml')}, prefix: /orders-api}`,
      `  - {name: catalog, spec: ${join(EXAMPLE_SPECS, 'catalog.json')}}`,
      '',
    ].join('\n');
    const { json, yaml } = await render(text, file);
    expect(yaml).toEqual(json);
    expect(Object.keys((json as { paths: object }).paths)).toContain('/orders-api/orders/{orderId}');
    await expectValid(json);
  });

  it('the example with its composite dashboard shows the schema derived from the steps', async () => {
    const file = join(CASES, '13-compose', 'gw.yaml');
    const { json } = await render(readFileSync(file, 'utf8'), file);
    await expectValid(json);
    type Doc = { paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }> };
    const ok = (json as Doc).paths['/dashboard/{userId}']!.get.responses['200']!;
    const schema = ok.content['application/json'] as { schema: { properties: Record<string, unknown> } };
    expect(Object.keys(schema.schema.properties)).toEqual(['user', 'orders', 'products', 'featured', 'failures']);
    expect(schema.schema.properties.user).toMatchObject({
      properties: { id: { type: 'integer' }, name: { type: 'string' }, email: { format: 'email' } },
    });
    // products: a fan-out of catalog.getProduct, optional, so an array of Product or null.
    expect(schema.schema.properties.products).toMatchObject({
      anyOf: [{ type: 'array', items: { required: ['id', 'name', 'category', 'price'] } }, { type: 'null' }],
    });
  });
});
