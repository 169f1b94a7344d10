import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { importGraph, SRC, sourceFiles } from '../helpers/import-graph.js';

/**
 * Decisions are data (ARCHITECTURE.md, "Growing the house"): merge settles them into the model,
 * and the runtime and the targets print or execute the model's fields. So they import nothing
 * from src/model/ but its types, except the helpers listed here, each with why it decides
 * nothing of its own. An entry that is no longer used fails too, so the list only shrinks.
 */
const ALLOWED: { file: string; module: string; names: string[]; reason: string }[] = [
  {
    file: 'runtime/router.ts',
    module: 'model/path.ts',
    names: ['escapeRegex', 'paramPattern'],
    reason:
      "the trie needs a regex per segment: paramPattern is the rule the model's match.regex is built with " +
      '(compileMatch), applied to the same params[].schema, so both accept the same values; ' +
      'escapeRegex only quotes literal text',
  },
  {
    file: 'runtime/standalone-env.ts',
    module: 'model/target.ts',
    names: ['targetOf'],
    reason:
      "the node gateway's GW_UPSTREAM_* variables replace an upstream's targets when it starts, after " +
      'merge: each URL becomes a Target (its authority included) by the rule the importer applies, so an ' +
      'override is the target the model would hold',
  },
  {
    file: 'targets/envoy/route-view.ts',
    module: 'model/path.ts',
    names: ['templateParams'],
    reason: 'the parameter names of the parsed template in order: match.regex numbers its groups so (rewrites)',
  },
  {
    file: 'targets/envoy/cors-view.ts',
    module: 'model/path.ts',
    names: ['escapeRegex'],
    reason: "quotes the model's allowed origins as literal text inside the regexes that apply its matching rule",
  },
  {
    file: 'targets/envoy/method-groups.ts',
    module: 'model/path.ts',
    names: ['segmentRegex'],
    reason: 'which paths partly overlap (405 Allow): the typed segment regex match.regex is made of',
  },
  {
    file: 'targets/node/view.ts',
    module: 'model/runtime-subset.ts',
    names: ['runtimeSubset'],
    reason:
      'the model the Node gateway embeds, less what only the other targets read: the runtime reads the ' +
      'same fields of it as of the whole model (test/unit/model/runtime-subset.test.ts)',
  },
  {
    file: 'targets/nginx/locations-view.ts',
    module: 'model/overlap-candidates.ts',
    names: ['overlapCandidates'],
    reason:
      'which later templates no literal segment keeps apart, found in one pass instead of a test per pair; ' +
      'a search, not a rule: the fallback locations print the routes it finds, in model order',
  },
  {
    file: 'targets/envoy/route-match.ts',
    module: 'model/path.ts',
    names: ['escapeRegex', 'routeRegexBody'],
    reason:
      'Envoy matches the path as sent, so literal text a client may escape is matched in both forms: the same ' +
      'regex as match.regex (routeRegexBody is what compileMatch builds it with), only the literal quoting differs',
  },
  {
    file: 'targets/nginx/paths-view.ts',
    module: 'model/path.ts',
    names: ['escapeRegex'],
    reason: "quotes the model's edge.paths.markers as literal text in the one regex that looks for them",
  },
  {
    file: 'targets/nginx/locations.ts',
    module: 'model/path.ts',
    names: ['escapeRegex', 'segmentRegex'],
    reason: "nested locations: segment regexes typed as the model's match.regex",
  },
];

const CONSUMERS = ['runtime/', 'targets/'];
const graph = importGraph();
const modelImports = [...graph].flatMap(([file, imports]) =>
  CONSUMERS.some((c) => file.startsWith(c))
    ? imports
        .filter((i) => i.local && i.module.startsWith('model/') && i.module !== 'model/types.ts')
        .map((i) => ({ file, module: i.module, names: i.names }))
    : [],
);

describe('decisions are data: the runtime and the targets read the model, they do not decide', () => {
  it('finds the consumers and their imports', () => expect(modelImports.length).toBeGreaterThan(0));

  for (const { file, module, names } of modelImports) {
    it(`${file} imports ${names.join(', ')} from ${module}`, () => {
      const allowed = ALLOWED.find((a) => a.file === file && a.module === module);
      expect(
        allowed,
        `${file} may only read model/types.ts; settle the rule in merge and read its field`,
      ).toBeDefined();
      expect(
        names.filter((n) => !allowed!.names.includes(n)),
        'names beyond the allowed ones',
      ).toEqual([]);
    });
  }

  for (const a of ALLOWED) {
    it(`the exception ${a.file} -> ${a.module} is still needed (${a.reason})`, () => {
      const used = modelImports.filter((i) => i.file === a.file && i.module === a.module).flatMap((i) => i.names);
      expect(
        a.names.filter((n) => !used.includes(n)),
        'listed but no longer imported: drop it from ALLOWED',
      ).toEqual([]);
    });
  }

  it("answers take their status and title from the model's problem catalogue, not the code catalogue", () => {
    const readers = [...graph]
      .filter(
        ([file, imports]) =>
          CONSUMERS.some((c) => file.startsWith(c)) &&
          imports.some((i) => i.module === 'diagnostics/codes.ts' && !i.typeOnly && i.names.includes('CODES')),
      )
      .map(([file]) => file);
    expect(readers).toEqual([]);
  });

  it('the problem `type` URL is built in merge/problem-catalogue.ts only', () => {
    const building = [...sourceFiles(SRC), ...sourceFiles(join(ROOT, 'templates'), '')]
      .filter((f) => readFileSync(f, 'utf8').includes('gw.dev/errors'))
      .map((f) => relative(ROOT, f));
    expect(building).toEqual(['src/merge/problem-catalogue.ts']);
  });
});
