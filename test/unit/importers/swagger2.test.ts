import { describe, expect, it } from 'vitest';
import { createWalker } from '../../../src/importers/openapi/api-walk.js';
import {
  bodyToRequestBody,
  convertParameter2,
  convertResponse2,
  formToRequestBody,
} from '../../../src/importers/openapi/swagger2.js';
import type { JsonObject } from '../../../src/model/types.js';

/**
 * Swagger 2.0 -> OpenAPI 3, one object at a time; `$ref`s are the walker's (#/definitions/X -> #/components/schemas/X
 * here).
 */
const walker = createWalker({
  refTo: (kind, ref) => ref.replace('#/definitions/', `#/components/${kind}/`),
  swagger2: true,
});
const noGap = () => {
  throw new Error('unexpected gap');
};

describe('convertParameter2', () => {
  const table: { name: string; given: JsonObject; want: JsonObject }[] = [
    {
      name: 'typing fields move into schema',
      given: { name: 'limit', in: 'query', type: 'integer', minimum: 1, default: 20, description: 'Page size.' },
      want: {
        name: 'limit',
        in: 'query',
        description: 'Page size.',
        schema: { type: 'integer', default: 20, minimum: 1 },
      },
    },
    {
      name: 'csv arrays in query are form, not exploded',
      given: { name: 'ids', in: 'query', type: 'array', items: { type: 'string' } },
      want: {
        name: 'ids',
        in: 'query',
        style: 'form',
        explode: false,
        schema: { type: 'array', items: { type: 'string' } },
      },
    },
    {
      name: 'multi repeats the parameter',
      given: { name: 'tag', in: 'query', type: 'array', collectionFormat: 'multi', items: { type: 'string' } },
      want: {
        name: 'tag',
        in: 'query',
        style: 'form',
        explode: true,
        schema: { type: 'array', items: { type: 'string' } },
      },
    },
    {
      name: 'pipes in query is pipeDelimited; x- extensions stay, x-gw goes',
      given: {
        name: 'p',
        in: 'query',
        required: true,
        type: 'array',
        collectionFormat: 'pipes',
        items: { type: 'integer' },
        'x-a': 1,
        'x-gw': {},
      },
      want: {
        name: 'p',
        in: 'query',
        required: true,
        style: 'pipeDelimited',
        explode: false,
        schema: { type: 'array', items: { type: 'integer' } },
        'x-a': 1,
      },
    },
  ];
  for (const { name, given, want } of table) it(name, () => expect(convertParameter2(given, noGap)).toEqual(want));

  it('tsv has no OpenAPI 3 style: a gap', () => {
    const gaps: string[] = [];
    convertParameter2(
      { name: 't', in: 'query', type: 'array', collectionFormat: 'tsv', items: { type: 'string' } },
      (kind, what) => gaps.push(`${kind}: ${what}`),
    );
    expect(gaps).toEqual([
      'openapi.collection-format: parameter "t" uses collectionFormat "tsv" in query, which OpenAPI 3 ' +
        'cannot describe; the public spec keeps the default style',
    ]);
  });
});

describe('request bodies', () => {
  it('body -> requestBody, one media type per consumes type, refs rewritten', () => {
    const body = {
      name: 'body',
      in: 'body',
      required: true,
      description: 'The pet.',
      schema: { $ref: '#/definitions/Pet' },
    };
    expect(
      bodyToRequestBody(body, { consumes: ['application/json', 'application/xml'], produces: [] }, walker, 'doc'),
    ).toEqual({
      description: 'The pet.',
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/Pet' } },
        'application/xml': { schema: { $ref: '#/components/schemas/Pet' } },
      },
      required: true,
    });
  });
  it('body without consumes -> application/json', () => {
    expect(
      bodyToRequestBody({ in: 'body', schema: { type: 'string' } }, { consumes: [], produces: [] }, walker, 'doc'),
    ).toEqual({
      content: { 'application/json': { schema: { type: 'string' } } },
    });
  });
  const form: { name: string; given: JsonObject[]; consumes: string[]; want: JsonObject }[] = [
    {
      name: 'formData with a file -> multipart object schema',
      given: [
        { name: 'file', in: 'formData', type: 'file', required: true, description: 'The image.' },
        { name: 'caption', in: 'formData', type: 'string' },
      ],
      consumes: [],
      want: {
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: {
                file: { type: 'string', format: 'binary', description: 'The image.' },
                caption: { type: 'string' },
              },
              required: ['file'],
            },
          },
        },
        required: true,
      },
    },
    {
      name: 'formData without files, consumes urlencoded',
      given: [{ name: 'q', in: 'formData', type: 'string' }],
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      want: {
        content: {
          'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { q: { type: 'string' } } } },
        },
      },
    },
  ];
  for (const { name, given, consumes, want } of form)
    it(name, () => expect(formToRequestBody(given, { consumes, produces: [] }, noGap)).toEqual(want));
});

describe('convertResponse2', () => {
  const table: { name: string; given: JsonObject; produces: string[]; want: JsonObject }[] = [
    {
      name: 'schema and examples -> content per produces type; headers get a schema',
      given: {
        description: 'ok',
        schema: { $ref: '#/definitions/Pet' },
        examples: { 'application/json': { id: 1 } },
        headers: { 'X-Rate': { type: 'integer', description: 'Left.' } },
      },
      produces: ['application/json', 'text/plain'],
      want: {
        description: 'ok',
        headers: { 'X-Rate': { schema: { type: 'integer' }, description: 'Left.' } },
        content: {
          'application/json': { schema: { $ref: '#/components/schemas/Pet' }, example: { id: 1 } },
          'text/plain': { schema: { $ref: '#/components/schemas/Pet' } },
        },
      },
    },
    {
      name: 'no schema -> no content',
      given: { description: 'gone' },
      produces: ['application/json'],
      want: { description: 'gone' },
    },
    {
      name: 'type file -> binary string',
      given: { description: 'the file', schema: { type: 'file' } },
      produces: ['application/octet-stream'],
      want: {
        description: 'the file',
        content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
      },
    },
  ];
  for (const { name, given, produces, want } of table)
    it(name, () => expect(convertResponse2(given, { consumes: [], produces }, walker, 'doc', noGap)).toEqual(want));
});

describe('2.0 schemas through the walker', () => {
  const table: { name: string; given: JsonObject; want: JsonObject }[] = [
    {
      name: 'string discriminator',
      given: { discriminator: 'kind', properties: { kind: { type: 'string' } } },
      want: { discriminator: { propertyName: 'kind' }, properties: { kind: { type: 'string' } } },
    },
    { name: 'x-nullable', given: { type: 'string', 'x-nullable': true }, want: { type: ['string', 'null'] } },
    {
      name: 'nested refs',
      given: { type: 'array', items: { allOf: [{ $ref: '#/definitions/A' }] } },
      want: { type: 'array', items: { allOf: [{ $ref: '#/components/schemas/A' }] } },
    },
    {
      name: 'a property named like a keyword is a schema, an example is data',
      given: { properties: { example: { $ref: '#/definitions/A' } }, example: { $ref: 'data' } },
      want: { properties: { example: { $ref: '#/components/schemas/A' } }, examples: [{ $ref: 'data' }] },
    },
    {
      name: 'a component $ref inside an example is followed (swagger-parser resolves it)',
      given: { example: { a: [{ $ref: '#/definitions/A' }] } },
      want: { examples: [{ a: [{ $ref: '#/components/schemas/A' }] }] },
    },
  ];
  for (const { name, given, want } of table) it(name, () => expect(walker.schema(given, 'doc')).toEqual(want));
  it('copy on write: nothing to change gives the same object back', () => {
    const s = { type: 'object', properties: { a: { type: 'string' } } };
    expect(walker.schema(s, 'doc')).toBe(s);
  });
});
