import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveCors } from '../../../../src/project/settings.js';
import { compileCors, originAllowed } from '../../../../src/runtime/cors.js';
import { envoyTarget } from '../../../../src/targets/envoy/index.js';
import { loadRe2 } from '../../../../src/targets/envoy/regex-checks.js';
import { route } from '../../../helpers/routes.js';
import { gatewayOf } from './policies-fixtures.js';

/**
 * Which origins a CORS route allows, as the model decides it (`Cors.origins`: lower-case, no
 * trailing slash; a request's Origin compared without case and trailing slashes), on gw serve
 * and in the Envoy config: the cors filter's `allow_origin_string_match`, read as Envoy reads
 * it (an exact match, with ignore_case; a safe_regex, matched whole by RE2). nginx and the Node
 * gateway are held to the same rule by the shared scenario list (limits-scenarios.ts).
 */
/** re2-wasm's RE2, as the check loads it; its `test` matches like RegExp's. */
const RE2 = loadRe2() as unknown as new (pattern: string, flags: string) => { test(text: string): boolean };

type StringMatcher = { exact?: string; ignore_case?: boolean; safe_regex?: { regex: string } };

function envoyAllows(matchers: StringMatcher[], origin: string): boolean {
  return matchers.some((m) => {
    if (m.safe_regex) return new RE2(`^(?:${m.safe_regex.regex})$`, 'u').test(origin);
    return m.ignore_case ? m.exact!.toLowerCase() === origin.toLowerCase() : m.exact === origin;
  });
}

/** The allow_origin_string_match of the one CORS route's per-route config in the rendered envoy.yaml. */
async function envoyMatchers(origins: string[]): Promise<StringMatcher[]> {
  const r = route('GET', '/c');
  const gateway = gatewayOf([{ ...r, settings: { ...r.settings, cors: resolveCors({ origins }) } }]);
  const text = (await envoyTarget.render(gateway, {})).files.find((f) => f.path === 'envoy/envoy.yaml')!.contents;
  const found: StringMatcher[][] = [];
  JSON.stringify(parse(text), (key, value) => {
    if (key === 'allow_origin_string_match') found.push(value);
    return value;
  });
  return found[0]!;
}

const table: { name: string; configured: string[]; origin: string; allowed: boolean }[] = [
  { name: 'the same origin', configured: ['https://shop.example'], origin: 'https://shop.example', allowed: true },
  { name: 'another case', configured: ['https://shop.example'], origin: 'HTTPS://Shop.Example', allowed: true },
  {
    name: 'a trailing slash sent',
    configured: ['https://shop.example'],
    origin: 'https://shop.example/',
    allowed: true,
  },
  {
    name: 'configured with case and slash',
    configured: ['HTTPS://Shop.Example/'],
    origin: 'https://shop.example',
    allowed: true,
  },
  { name: 'a longer host', configured: ['https://shop.example'], origin: 'https://shop.example.evil', allowed: false },
  { name: 'a dot is a dot', configured: ['https://shop.example'], origin: 'https://shopXexample', allowed: false },
  { name: 'another port', configured: ['https://shop.example'], origin: 'https://shop.example:8443', allowed: false },
  { name: 'any origin', configured: ['*'], origin: 'https://anything.example', allowed: true },
];

describe('CORS origins: the model normalises them once, and every plane matches by its rule', () => {
  it('the model holds the configured origins lower-case, without trailing slashes, each once', () => {
    expect(
      resolveCors({ origins: ['HTTPS://Shop.Example/', 'https://shop.example', 'https://b.example//'] }).origins,
    ).toEqual(['https://shop.example', 'https://b.example']);
  });
  for (const t of table)
    it(`${t.name}: ${t.origin} ${t.allowed ? 'allowed' : 'refused'} by gw serve and Envoy`, async () => {
      const cors = compileCors(resolveCors({ origins: t.configured }), ['GET']);
      expect({
        gw: originAllowed(cors, t.origin),
        envoy: envoyAllows(await envoyMatchers(t.configured), t.origin),
      }).toEqual({ gw: t.allowed, envoy: t.allowed });
    });
});
