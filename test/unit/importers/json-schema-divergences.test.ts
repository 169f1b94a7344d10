import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../../src/cli/load-gateway.js';
import type { Gateway } from '../../../src/model/types.js';
import { parseProject } from '../../../src/project/load.js';
import { compileValidators, type RouteValidator } from '../../../src/runtime/validate/compile-validator.js';
import { bodySchemaFor, checkJsonBody } from '../../../src/runtime/validate/validate-request.js';
import { openapiTarget } from '../../../src/targets/openapi/index.js';
import { tempDir } from '../../helpers/cli.js';
import { writeFiles } from '../../helpers/specs.js';

/**
 * Issue 11, item 1: before it, the runtime validator (runtime/validate/schema-dialect.ts) and the
 * openapi target (targets/openapi/upgrade31.ts) each turned OpenAPI 3.0 schemas into JSON Schema,
 * and they disagreed. Now the importer converts once and both read the model. Each case below is
 * one place where they disagreed (or were both wrong); its name says which one was. A schema is
 * judged twice: by the gateway's validator, and by a plain JSON Schema 2020-12 validator reading
 * the merged public spec, the way a client generated from that spec would.
 */
const User = { type: 'object', required: ['login'], properties: { login: { type: 'string' } } };

/** One POST operation per case, each with its request body schema. */
const bodies30: Record<string, object> = {
  refNullable: { type: 'object', properties: { owner: { $ref: '#/components/schemas/User', nullable: true } } },
  typedAllOfNullable: {
    type: 'object',
    properties: { owner: { type: 'object', allOf: [{ $ref: '#/components/schemas/User' }], nullable: true } },
  },
  keywordNamedProperties: {
    type: 'object',
    properties: {
      default: { type: 'string', nullable: true },
      'x-note': { type: 'string', nullable: true },
    },
  },
  nullableReadOnly: {
    type: 'object',
    required: ['owner', 'name'],
    properties: {
      owner: { allOf: [{ $ref: '#/components/schemas/User' }], nullable: true, readOnly: true },
      name: { type: 'string' },
    },
  },
};

function spec(openapi: string, bodies: Record<string, object>): object {
  const paths = Object.fromEntries(
    Object.entries(bodies).map(([name, schema]) => [
      `/${name}`,
      {
        post: {
          operationId: name,
          'x-gw': { validate: true },
          requestBody: { content: { 'application/json': { schema } } },
          responses: { '200': { description: 'ok' } },
        },
      },
    ]),
  );
  return {
    openapi,
    info: { title: `v${openapi}`, version: '1' },
    servers: [{ url: 'http://up.internal' }],
    paths,
    components: { schemas: { User } },
  };
}

const spec31 = spec('3.1.0', {
  readOnly31: {
    type: 'object',
    required: ['id', 'name'],
    properties: { id: { type: 'integer', readOnly: true }, name: { type: 'string' } },
  },
  strayNullable31: { type: 'object', properties: { note: { type: 'string', nullable: true } } },
});

const mocked30 = {
  openapi: '3.0.3',
  info: { title: 'mocked', version: '1' },
  paths: {
    '/count': {
      get: {
        operationId: 'count',
        responses: {
          '200': {
            description: 'ok',
            content: {
              'application/json': { schema: { type: 'integer', minimum: 0, exclusiveMinimum: true } },
            },
          },
        },
      },
    },
  },
};

let gateway: Gateway;
let validators: Map<string, RouteValidator>;
// biome-ignore lint/suspicious/noExplicitAny: the merged OpenAPI document, walked by hand in assertions
let merged: Record<string, any>;
let publicAjv: Ajv2020;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  let dir: string;
  ({ dir, cleanup } = await tempDir());
  await writeFiles(dir, {
    'v30.yaml': spec('3.0.3', bodies30),
    'v31.yaml': spec31,
    'mocked.yaml': mocked30,
  });
  const text = [
    'version: 1',
    'name: divergences',
    'services:',
    '  - {name: a, spec: v30.yaml}',
    '  - {name: b, spec: v31.yaml}',
    '  - {name: m, spec: mocked.yaml, mock: true}',
    '',
  ].join('\n');
  const built = await buildGateway(parseProject(text, join(dir, 'gw.yaml'), 'gw.yaml'));
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  gateway = built.gateway;
  validators = compileValidators(gateway);
  const { files } = await openapiTarget.render(gateway, {});
  merged = JSON.parse(files.find((f) => f.path === 'openapi/openapi.json')!.contents);
  publicAjv = new Ajv2020({ strict: false, logger: false });
  publicAjv.addSchema(merged, 'merged');
});
afterAll(() => cleanup());

/** The gateway's verdict on a JSON body: true when it passes. */
function gatewayAccepts(operation: string, body: unknown): boolean {
  const route = gateway.routes.find((r) => r.operationId === operation)!;
  const validate = bodySchemaFor(validators.get(route.id)!, 'application/json');
  if (typeof validate !== 'function') throw new Error(`no body schema for ${operation}`);
  return checkJsonBody(validate, Buffer.from(JSON.stringify(body))) === null;
}

/** What a 2020-12 validator reading the merged public spec says about the same body. */
function publicSpecAccepts(operation: string, body: unknown): boolean {
  const pointer = `#/paths/~1${operation}/post/requestBody/content/application~1json/schema`;
  return publicAjv.validate({ $ref: `merged${pointer}` }, body);
}

/** The printed schema of the operation's body. */
function printed(operation: string): Record<string, unknown> {
  return merged.paths[`/${operation}`].post.requestBody.content['application/json'].schema;
}

describe('3.0 schemas: the gateway and the public spec agree', () => {
  it('{$ref, nullable: true} accepts null (upgrade31 was wrong: the public spec dropped nullable)', () => {
    const body = { owner: null };
    expect([gatewayAccepts('refNullable', body), publicSpecAccepts('refNullable', body)]).toEqual([true, true]);
    expect([
      gatewayAccepts('refNullable', { owner: { login: 1 } }),
      publicSpecAccepts('refNullable', { owner: { login: 1 } }),
    ]).toEqual([false, false]);
  });

  it('{type, allOf, nullable: true} accepts null (both were wrong: the type took null, allOf still refused it)', () => {
    const body = { owner: null };
    expect([gatewayAccepts('typedAllOfNullable', body), publicSpecAccepts('typedAllOfNullable', body)]).toEqual([
      true,
      true,
    ]);
  });

  it('properties named "default" or "x-note" are schemas (upgrade31 was wrong: it skipped them as data)', () => {
    const body = { default: null, 'x-note': null };
    expect([gatewayAccepts('keywordNamedProperties', body), publicSpecAccepts('keywordNamedProperties', body)]).toEqual(
      [true, true],
    );
    expect(printed('keywordNamedProperties').properties).toEqual({
      default: { type: ['string', 'null'] },
      'x-note': { type: ['string', 'null'] },
    });
  });
});

describe('the merged public spec is plain JSON Schema 2020-12', () => {
  it('holds no `nullable` and no boolean exclusiveMinimum anywhere (upgrade31 missed some, and left 3.1 ones)', () => {
    const text = JSON.stringify(merged);
    expect(text).not.toMatch(/"nullable":/);
    expect(text).not.toMatch(/"exclusive(Minimum|Maximum)":(true|false)/);
  });

  it('a stray `nullable` in a 3.1 spec means what 3.0 meant (the public spec kept it, the runtime honoured it)', () => {
    expect(gatewayAccepts('strayNullable31', { note: null })).toBe(true);
    expect(printed('strayNullable31').properties).toEqual({ note: { type: ['string', 'null'] } });
  });
});

describe('readOnly: annotations in the model, one request rule in the validator', () => {
  it('nullable readOnly: optional in a request (schema-dialect was wrong: readOnly sank into anyOf)', () => {
    expect(gatewayAccepts('nullableReadOnly', { name: 'x' })).toBe(true);
    expect(gatewayAccepts('nullableReadOnly', {})).toBe(false);
    const owner = (printed('nullableReadOnly').properties as Record<string, unknown>).owner;
    expect(owner).toEqual({
      readOnly: true,
      anyOf: [{ allOf: [{ $ref: '#/components/schemas/User' }] }, { type: 'null' }],
    });
  });

  it('3.1 readOnly: optional in a request too (schema-dialect was wrong: only 3.0 got the rule)', () => {
    expect(gatewayAccepts('readOnly31', { name: 'x' })).toBe(true);
  });

  it('the public spec keeps readOnly properties in `required` (they are required in responses)', () => {
    expect(printed('readOnly31').required).toEqual(['id', 'name']);
    expect(printed('nullableReadOnly').required).toEqual(['owner', 'name']);
  });
});

describe('mock answers are sampled from the schemas the validator reads', () => {
  it('minimum 0 with exclusiveMinimum: true samples 1 (the sampler read the 3.0 schema and answered 0)', () => {
    const route = gateway.routes.find((r) => r.operationId === 'count')!;
    expect(route.mock?.[0]?.body).toBe('1\n');
  });
});
