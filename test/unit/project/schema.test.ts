import { describe, expect, it } from 'vitest';
import { checkConfigSchema, checkSettingsSchema } from '../../../src/project/schema.js';

describe('checkSettingsSchema (x-gw and gw.yaml settings)', () => {
  const table: {
    name: string;
    given: unknown;
    want: { kind: string; pointer: string; message: string; hints?: string[] }[];
  }[] = [
    {
      name: 'valid',
      given: { timeouts: { connect: '2s' }, retries: 1, maxBodySize: '1mb', healthCheck: true },
      want: [],
    },
    {
      name: 'typo gets a suggestion',
      given: { retires: 2 },
      want: [
        {
          kind: 'unknown-key',
          pointer: '#/retires',
          message: 'unknown key "retires"',
          hints: ['did you mean "retries"?'],
        },
      ],
    },
    {
      name: 'nested typo',
      given: { timeouts: { conect: '1s' } },
      want: [
        {
          kind: 'unknown-key',
          pointer: '#/timeouts/conect',
          message: 'unknown key "conect" in timeouts',
          hints: ['did you mean "connect"?'],
        },
      ],
    },
    {
      name: 'bad duration explains the format',
      given: { timeouts: { request: 'soon' } },
      want: [{ kind: 'invalid', pointer: '#/timeouts/request', message: '"soon" is not valid for "request"' }],
    },
    {
      name: 'CORS with credentials must name its origins',
      given: { cors: { origins: ['*'], credentials: true } },
      want: [
        {
          kind: 'invalid',
          pointer: '#/cors/origins',
          message: 'origins ["*"] cannot go with credentials: true: any web site could call with the user\'s cookies',
          hints: [
            'list the origins that may call with credentials, e.g. origins: [https://app.example.com]',
            'or drop credentials: true',
          ],
        },
      ],
    },
    { name: 'CORS for any origin without credentials is fine', given: { cors: { origins: ['*'] } }, want: [] },
    {
      name: 'bad enum lists the choices',
      given: { loadBalancing: 'random' },
      want: [
        {
          kind: 'invalid',
          pointer: '#/loadBalancing',
          message: '"random" is not allowed for "loadBalancing"',
          hints: ['use one of: "round-robin", "weighted", "least-connections"'],
        },
      ],
    },
  ];
  for (const t of table) {
    it(t.name, () => {
      const got = checkSettingsSchema(t.given);
      expect(got.map((p) => ({ kind: p.kind, pointer: p.pointer, message: p.message }))).toEqual(
        t.want.map(({ hints: _h, ...rest }) => rest),
      );
      for (const [i, w] of t.want.entries()) if (w.hints) expect(got[i]!.hints).toEqual(w.hints);
    });
  }
  it('a bad duration hint names the accepted forms', () => {
    expect(checkSettingsSchema({ timeouts: { request: 'soon' } })[0]!.hints[0]).toMatch(/milliseconds.*250ms/);
  });
});

describe('checkConfigSchema', () => {
  it('requires version and name and checks service names', () => {
    const got = checkConfigSchema({ services: [{ name: 'Bad Name', spec: 'x.yaml' }] });
    expect(got.map((p) => p.message)).toEqual([
      'missing required key "version"',
      'missing required key "name"',
      '"Bad Name" is not valid for "name"',
    ]);
  });
});

describe('checkConfigSchema: edge', () => {
  const base = { version: 1, name: 'g' };
  const table: { name: string; edge: unknown; want: string[] }[] = [
    {
      name: 'every key',
      edge: {
        underscoresInHeaders: 'allow',
        timeouts: { header: '5s', request: 90_000, body: '0.5s', send: '2m' },
        requestBodies: { buffer: 0, memory: '64mb', perClient: 4 },
      },
      want: [],
    },
    { name: 'a misspelt key', edge: { timeouts: { sned: '1s' } }, want: ['unknown key "sned" in edge.timeouts'] },
    { name: 'a zero timeout', edge: { timeouts: { body: '0s' } }, want: ['"0s" is not valid for "body"'] },
    { name: 'a zero timeout in milliseconds', edge: { timeouts: { send: 0 } }, want: ['0 is not valid for "send"'] },
    {
      name: 'an unknown policy',
      edge: { underscoresInHeaders: 'keep' },
      want: ['"keep" is not allowed for "underscoresInHeaders"'],
    },
    {
      name: 'no bodies per client',
      edge: { requestBodies: { perClient: 0 } },
      want: ['0 is not valid for "perClient": it must be >= 1'],
    },
  ];
  for (const t of table)
    it(t.name, () => expect(checkConfigSchema({ ...base, edge: t.edge }).map((p) => p.message)).toEqual(t.want));
});

describe('the precompiled gw.yaml validators (scripts/compile-gw-schema.js, run by npm run build)', () => {
  it('are stamped with this Ajv and this schema, and report what a fresh compile reports', async () => {
    const { existsSync } = await import('node:fs');
    const { createRequire } = await import('node:module');
    const { compileGwSchema, gwSchemaStamp, PRECOMPILED_GW_SCHEMA } = await import('../../../src/project/schema.js');
    expect(
      existsSync(PRECOMPILED_GW_SCHEMA),
      'dist/gw-schema/validators.cjs is missing: run npm run build (npm test does)',
    ).toBe(true);
    const pre = createRequire(import.meta.url)(PRECOMPILED_GW_SCHEMA) as ReturnType<typeof compileGwSchema> & {
      gwStamp: string;
    };
    expect(pre.gwStamp).toBe(gwSchemaStamp());
    const fresh = compileGwSchema();
    const samples: [keyof typeof fresh & ('config' | 'settings'), unknown][] = [
      [
        'config',
        { version: 1, name: 'shop', services: [{ name: 'Bad Name', spec: 'x.yaml' }], listen: { port: 99999 } },
      ],
      [
        'config',
        {
          version: 1,
          name: 'shop',
          credentials: { 'users.key': { keys: { env: 'K' } } },
          build: { targets: ['ngnix'] },
        },
      ],
      ['settings', { retires: 2, rateLimit: { requests: 0, window: 'soon' }, cors: { origins: [] } }],
    ];
    for (const [which, data] of samples) {
      const a = pre[which](data) ? [] : pre[which].errors;
      const b = fresh[which](data) ? [] : fresh[which].errors;
      expect(JSON.parse(JSON.stringify(a))).toEqual(JSON.parse(JSON.stringify(b)));
      expect(a?.length).toBeGreaterThan(0);
    }
  });
});

describe('compose in gw.yaml (docs/composition.md)', () => {
  const step = { steps: { a: { call: 'svc.getThing' } } };
  it('is taken under services[].operations.<id>', () => {
    const config = {
      version: 1,
      name: 'g',
      services: [{ name: 's', spec: 's.yaml', operations: { op: { compose: step } } }],
    };
    expect(checkConfigSchema(config)).toEqual([]);
  });
  it('is refused as a setting of the gateway or of a whole service', () => {
    const config = {
      version: 1,
      name: 'g',
      settings: { compose: step },
      services: [{ name: 's', spec: 's.yaml', settings: { compose: step } }],
    };
    expect(checkConfigSchema(config).map((p) => p.pointer)).toEqual([
      '#/settings/compose',
      '#/services/0/settings/compose',
    ]);
  });
  it('a step names its call, and a typo in a step key gets a suggestion', () => {
    expect(checkSettingsSchema({ compose: { steps: { a: { cal: 'x.y' } } } })).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'unknown-key', hints: ['did you mean "call"?'] })]),
    );
  });
});
