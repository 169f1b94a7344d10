import { createRequire } from 'node:module';

/**
 * A fast YAML reader for the common case of the Envoy check: a rendered envoy.yaml with nothing
 * to report. The `yaml` package builds a Document with source ranges (what diagnostics need for
 * line:column) at about 0.6 s per 2 MB; js-yaml reads the same text into plain values about ten
 * times faster. check.ts reads the text here first, and only when the check finds something (or
 * this reader refuses the text) parses it again with `yaml`, whose value and positions then decide.
 *
 * Both must see the same values, so js-yaml gets a schema that resolves plain scalars exactly as
 * `yaml`'s YAML 1.2 core schema does (same patterns, same conversions); no timestamps, merge keys
 * or binary. Duplicate keys, unknown tags and anything else js-yaml rejects fall back to `yaml`.
 * js-yaml is a dependency of gw (swagger-parser uses it too), as re2-wasm comes
 * with @grpc/grpc-js-xds; when it cannot be loaded, every text takes the `yaml` path.
 */
export type QuickYaml = (text: string) => unknown;

interface JsYamlType {
  new (
    tag: string,
    options: { kind: 'scalar'; resolve: (data: string | null) => boolean; construct: (data: string | null) => unknown },
  ): object;
}
interface JsYaml {
  Type: JsYamlType;
  FAILSAFE_SCHEMA: { extend(types: { implicit: object[] }): object };
  load(text: string, options: { schema: object; json?: boolean }): unknown;
}

let quick: QuickYaml | null | undefined;

/** The fast reader, or null when js-yaml is not there. Loaded once. */
export function loadQuickYaml(): QuickYaml | null {
  if (quick !== undefined) return quick;
  try {
    const jsYaml = createRequire(import.meta.url)('js-yaml') as JsYaml;
    const schema = coreSchema(jsYaml);
    quick = (text) => jsYaml.load(text, { schema });
  } catch {
    quick = null;
  }
  return quick;
}

/** `yaml`'s core schema (yaml/dist/schema/core): null, bool, int (decimal, 0o, 0x), float, in that order. */
function coreSchema(jsYaml: JsYaml): object {
  const scalar = (tag: string, test: RegExp, construct: (s: string) => unknown) =>
    new jsYaml.Type(`tag:yaml.org,2002:${tag}`, {
      kind: 'scalar',
      resolve: (s) => test.test(s ?? ''),
      construct: (s) => construct(s ?? ''),
    });
  return jsYaml.FAILSAFE_SCHEMA.extend({
    implicit: [
      scalar('null', /^(?:~|[Nn]ull|NULL)?$/, () => null),
      scalar('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'),
      scalar('int', /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, (s) =>
        s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : parseInt(s, 10),
      ),
      scalar(
        'float',
        new RegExp(
          '^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN' +
            '|[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\\.[0-9]+|[0-9]+\\.[0-9]*))$',
        ),
        (s) =>
          /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/.test(s)
            ? s.slice(-3).toLowerCase() === 'nan'
              ? NaN
              : s[0] === '-'
                ? -Infinity
                : Infinity
            : parseFloat(s),
      ),
    ],
  });
}
