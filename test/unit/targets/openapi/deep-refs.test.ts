import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../../../src/cli/load-gateway.js';
import { parseProject } from '../../../../src/project/load.js';
import { openapiTarget } from '../../../../src/targets/openapi/index.js';
import { tempDir } from '../../../helpers/cli.js';
import { writeFiles } from '../../../helpers/specs.js';

/**
 * Issue 10, item 16: a `$ref` deeper than `#/components/<kind>/<name>` (an example value inside a
 * schema, a property of another schema, a header of a response component, ...) is inlined, never
 * registered as a component. One spec of each version puts such refs in every position; the merged
 * spec must validate and hold no component named after the last pointer segment.
 */
const CB = '#/components/callbacks/Notify/{$request.query.cb}/post';

const audio30 = {
  openapi: '3.0.3',
  info: { title: 'audio', version: '1' },
  servers: [{ url: 'http://audio.internal' }],
  paths: {
    '/audio': {
      get: {
        operationId: 'listAudio',
        parameters: [
          { name: 'size', in: 'query', schema: { $ref: '#/components/schemas/AudioData/properties/size' } },
          {
            name: 'id',
            in: 'query',
            schema: { type: 'string' },
            example: { $ref: '#/components/schemas/AudioData/example/id' },
          },
          { $ref: `${CB}/parameters/0` },
        ],
        responses: {
          '200': {
            description: 'ok',
            headers: { 'X-Rate': { $ref: '#/components/responses/Limited/headers/X-Rate' } },
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/AudioDataList' },
                example: { $ref: '#/components/schemas/AudioDataList/example' },
              },
              'application/x-ndjson': {
                schema: { type: 'array', items: { $ref: '#/components/schemas/AudioData/properties/id' } },
                examples: {
                  one: { value: { $ref: '#/components/schemas/AudioData/example' } },
                  two: { $ref: '#/components/responses/Limited/content/application~1json/examples/limited' },
                },
              },
            },
          },
          '202': { $ref: `${CB}/responses/202` },
        },
      },
      post: {
        operationId: 'addAudio',
        requestBody: { $ref: `${CB}/requestBody` },
        responses: {
          '201': {
            description: 'made',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Wrapper' } } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      AudioData: {
        type: 'object',
        properties: { id: { type: 'string', minLength: 2 }, size: { type: 'integer', minimum: 0 } },
        example: { id: 'a1', size: 3 },
      },
      AudioDataList: {
        type: 'array',
        items: { $ref: '#/components/schemas/AudioData' },
        example: [{ id: 'a1', size: 3 }],
      },
      Wrapper: {
        type: 'object',
        properties: {
          size: { $ref: '#/components/schemas/AudioData/properties/size' },
          ids: { type: 'array', items: { $ref: '#/components/schemas/AudioData/properties/id' } },
          self: { $ref: '#/components/schemas/Wrapper/properties/ids' },
        },
      },
    },
    responses: {
      Limited: {
        description: 'limited',
        headers: { 'X-Rate': { schema: { type: 'integer' } } },
        content: { 'application/json': { examples: { limited: { value: { error: 'slow down' } } } } },
      },
    },
    callbacks: {
      Notify: {
        '{$request.query.cb}': {
          post: {
            parameters: [{ name: 'trace', in: 'header', schema: { type: 'string' } }],
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/AudioData' } } } },
            responses: { '202': { description: 'accepted' } },
          },
        },
      },
    },
  },
};

const audio20 = {
  swagger: '2.0',
  info: { title: 'legacy', version: '1' },
  host: 'legacy.internal',
  basePath: '/legacy',
  produces: ['application/json'],
  consumes: ['application/json'],
  paths: {
    '/items': {
      post: {
        operationId: 'addItem',
        parameters: [{ name: 'body', in: 'body', schema: { $ref: '#/definitions/Item/properties/tags' } }],
        responses: {
          '200': {
            description: 'ok',
            schema: { $ref: '#/definitions/Box' },
            examples: { 'application/json': { $ref: '#/definitions/Item/example' } },
          },
          '404': { description: 'missing', schema: { $ref: '#/responses/Missing/schema' } },
        },
      },
    },
  },
  definitions: {
    Item: {
      type: 'object',
      properties: { tags: { type: 'array', items: { type: 'string' } } },
      example: { tags: ['a'] },
    },
    Box: { type: 'object', properties: { tags: { $ref: '#/definitions/Item/properties/tags' } } },
  },
  responses: {
    Missing: { description: 'missing', schema: { type: 'object', properties: { reason: { type: 'string' } } } },
  },
};

let dir: string;
let cleanup: () => Promise<void>;
// biome-ignore lint/suspicious/noExplicitAny: the merged OpenAPI document, walked by hand in assertions
let merged: Record<string, any>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeFiles(dir, { 'audio.yaml': audio30, 'legacy.json': audio20 });
  const file = join(dir, 'gw.yaml');
  const text =
    'version: 1\nname: deep\nservices:\n  - {name: audio, spec: audio.yaml}\n  - {name: legacy, spec: legacy.json}\n';
  const { gateway, diagnostics } = await buildGateway(parseProject(text, file, 'gw.yaml'));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const { files } = await openapiTarget.render(gateway, {});
  merged = JSON.parse(files.find((f) => f.path === 'openapi/openapi.json')!.contents);
});
afterAll(() => cleanup());

describe('item 16: $refs deeper than a component are inlined', () => {
  it('the merged spec validates with swagger-parser', async () => {
    await expect(new SwaggerParser().validate(structuredClone(merged) as never)).resolves.toBeTruthy();
  });

  it('registers only the components the specs name, never a pointer segment', () => {
    const names = Object.fromEntries(
      Object.entries(merged.components).map(([k, v]) => [k, Object.keys(v as object).sort()]),
    );
    expect(names).toEqual({
      schemas: ['AudioData', 'AudioDataList', 'Box', 'Wrapper'],
    });
  });

  it('OpenAPI 3: each position gets the value the $ref points at', () => {
    const get = merged.paths['/audio'].get;
    expect(get.parameters[0].schema).toEqual({ type: 'integer', minimum: 0 });
    expect(get.parameters[1].example).toBe('a1');
    expect(get.parameters[2]).toEqual({ name: 'trace', in: 'header', schema: { type: 'string' } });
    const ok = get.responses['200'];
    expect(ok.headers['X-Rate']).toEqual({ schema: { type: 'integer' } });
    expect(ok.content['application/json'].example).toEqual([{ id: 'a1', size: 3 }]);
    expect(ok.content['application/x-ndjson'].schema.items).toEqual({ type: 'string', minLength: 2 });
    expect(ok.content['application/x-ndjson'].examples).toEqual({
      one: { value: { id: 'a1', size: 3 } },
      two: { value: { error: 'slow down' } },
    });
    expect(get.responses['202']).toEqual({ description: 'accepted' });
    expect(merged.paths['/audio'].post.requestBody).toEqual({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/AudioData' } } },
    });
    expect(merged.components.schemas.Wrapper.properties).toEqual({
      size: { type: 'integer', minimum: 0 },
      ids: { type: 'array', items: { type: 'string', minLength: 2 } },
      self: { type: 'array', items: { type: 'string', minLength: 2 } },
    });
  });

  it('Swagger 2.0: #/definitions/X/properties/y and #/responses/R/schema are inlined', () => {
    const post = merged.paths['/items'].post;
    const tags = { type: 'array', items: { type: 'string' } };
    expect(post.requestBody.content['application/json'].schema).toEqual(tags);
    expect(post.responses['200'].content['application/json'].example).toEqual({ tags: ['a'] });
    expect(post.responses['404'].content['application/json'].schema).toEqual({
      type: 'object',
      properties: { reason: { type: 'string' } },
    });
    expect(merged.components.schemas.Box.properties.tags).toEqual(tags);
  });
});
