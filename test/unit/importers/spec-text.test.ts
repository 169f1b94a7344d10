import { describe, expect, it } from 'vitest';
import { sniffOpenApi } from '../../../src/importers/openapi/spec-text.js';

describe('sniffOpenApi: is this file an OpenAPI document? (issue 10, item 18)', () => {
  const table = [
    { name: 'block YAML', given: 'openapi: 3.0.3\ninfo: {title: A, version: "1"}\npaths: {}\n', want: 'parsed' },
    {
      name: 'minified JSON, key last',
      given: '{"info":{"title":"A","version":"1"},"paths":{},"openapi":"3.1.0"}',
      want: 'parsed',
    },
    { name: 'flow YAML', given: '{swagger: "2.0", info: {title: A, version: "1"}, paths: {}}', want: 'parsed' },
    { name: 'an unknown version still counts (the import names it)', given: 'openapi: 4.0.0\n', want: 'parsed' },
    {
      name: 'a nested openapi key is a fragment',
      given: 'Thing:\n  properties:\n    openapi: {type: string}\n',
      want: 'no',
    },
    { name: 'no key text at all: not parsed', given: 'a: 1\n', want: 'no' },
    {
      name: 'broken, naming the key early: found, for the import to report',
      given: 'openapi: 3.0.3\ninfo: {title: A\n',
      want: 'unparsed',
    },
    { name: 'a list', given: '- openapi: 3.0.3\n', want: 'no' },
  ];
  for (const { name, given, want } of table) {
    it(name, () => {
      const r = sniffOpenApi(given, 'x.yaml');
      expect(!r.found ? 'no' : r.parsed ? 'parsed' : 'unparsed').toBe(want);
    });
  }
});
