import { LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { Diagnostic, Location } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import { runEnvoyValidate } from './envoy-validate.js';
import { ProtoJsonChecker, type Problem, type YamlPath } from './proto-json.js';
import { loadEnvoyApi } from './protos.js';
import { loadQuickYaml } from './quick-yaml.js';
import { loadRe2, regexVisitors } from './regex-checks.js';

/**
 * The strict check of a rendered Envoy bootstrap: the YAML is read as Envoy reads it and checked
 * against `envoy.config.bootstrap.v3.Bootstrap` from Envoy's own API protos (proto-json.ts, pgv.ts),
 * then cross-checked: every route names a defined cluster, cluster names are unique, every
 * safe_regex compiles with RE2 (Envoy's engine) and every regex_rewrite only uses groups its
 * pattern has (regex-checks.ts). When an `envoy` binary is on PATH, `envoy --mode validate` runs
 * too (envoy-validate.ts).
 * Each problem is a GW_ENVOY_CONFIG_INVALID diagnostic naming the YAML path and line.
 */
export interface EnvoyCheckOptions {
  /** Run `envoy --mode validate` when an envoy binary is on PATH (default true). */
  envoyBinary?: boolean;
  /**
   * Regexes known to compile in RE2 without asking it: the route table's path regexes
   * (route-match.ts envoyPathRegexes), which model/path.ts builds only from RE2-safe parts. re2-wasm
   * takes about 1.5 ms per regex, so on GitHub's 1,223 routes this is most of the check's time.
   */
  trustedRegexes?: ReadonlySet<string>;
}

const BOOTSTRAP = '.envoy.config.bootstrap.v3.Bootstrap';
const HINTS = [
  'if the file comes from a --templates override, compare it with the bundled templates/envoy/ of gw; otherwise ' +
    'this is a gw bug, please report it',
  'the field reference is at https://www.envoyproxy.io/docs/envoy/latest/api-v3/api',
];

export async function checkEnvoyConfig(
  text: string,
  file: string,
  options: EnvoyCheckOptions = {},
): Promise<Diagnostic[]> {
  // Usually there is nothing to report: read the text fast, and build the line-counted Document
  // (which costs ten times more) only when there is a problem to place, or the fast reader refuses.
  if (quickCheckPasses(text, options.trustedRegexes))
    return options.envoyBinary !== false ? envoyValidateProblems(text, file) : [];
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return invalid(
        `${file} is not well-formed YAML: ${e.message.split('\n')[0]}`,
        { file, line: pos.line, column: pos.col },
        e.message,
      );
    });
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const problems = checkEnvoyValue(value, options.trustedRegexes);
  const out = problems
    .map((p) => {
      const where = locate(doc, lines, p.path);
      const d = invalid(`${formatPath(p.path)}: ${p.message}`, { file, ...where });
      if (p.severity === 'warning') d.severity = 'warning';
      return d;
    })
    .sort(
      (a, b) =>
        (a.locations[0]!.line ?? 0) - (b.locations[0]!.line ?? 0) ||
        (a.locations[0]!.column ?? 0) - (b.locations[0]!.column ?? 0),
    );
  if (options.envoyBinary !== false && !out.some((d) => d.severity === 'error'))
    out.push(...envoyValidateProblems(text, file));
  return out;
}

/** Loads what the check reads with (Envoy's API descriptors, the fast YAML reader, RE2) ahead of a check. */
export function prepareEnvoyCheck(): void {
  loadEnvoyApi();
  loadQuickYaml();
  // The first RE2 made in a process also sets up re2-wasm's module (~10 ms): done here, ahead.
  const RE2 = loadRe2();
  if (RE2) new RE2('^$', 'u').wrapper?.delete?.();
}

/** True when the fast reader (quick-yaml.ts) reads the text and the check finds nothing at all in what it read. */
function quickCheckPasses(text: string, trustedRegexes: ReadonlySet<string> | undefined): boolean {
  const read = loadQuickYaml();
  if (!read) return false;
  let value: unknown;
  try {
    value = read(text);
  } catch {
    return false;
  }
  return checkEnvoyValue(value, trustedRegexes).length === 0;
}

/** The check on an already parsed value (what tests and other callers hold). */
export function checkEnvoyValue(value: unknown, trustedRegexes: ReadonlySet<string> = new Set()): Problem[] {
  const { api } = loadEnvoyApi();
  const clusters = new Map<string, YamlPath>();
  const references: { name: string; path: YamlPath }[] = [];
  const extra: Problem[] = [];
  let dynamicClusters = false;
  const checker = new ProtoJsonChecker(api, {
    '.envoy.config.cluster.v3.Cluster': (v, path) => {
      if (typeof v.name !== 'string') return;
      if (clusters.has(v.name))
        extra.push({
          path: [...path, 'name'],
          message: `cluster "${v.name}" is defined twice (also at ${formatPath(clusters.get(v.name)!)})`,
          severity: 'error',
        });
      else clusters.set(v.name, path);
    },
    '.envoy.config.bootstrap.v3.Bootstrap.DynamicResources': (v) => {
      if (v.cds_config !== undefined || v.cdsConfig !== undefined) dynamicClusters = true;
    },
    '.envoy.config.route.v3.RouteAction': (v, path) => {
      if (typeof v.cluster === 'string') references.push({ name: v.cluster, path: [...path, 'cluster'] });
    },
    '.envoy.config.route.v3.WeightedCluster.ClusterWeight': (v, path) => {
      if (typeof v.name === 'string') references.push({ name: v.name, path: [...path, 'name'] });
    },
    ...regexVisitors(trustedRegexes, extra),
  });
  checker.check(BOOTSTRAP, value);
  if (!dynamicClusters) {
    for (const ref of references) {
      if (!clusters.has(ref.name)) {
        extra.push({
          path: ref.path,
          message: `route to cluster "${ref.name}", which static_resources.clusters does not define`,
          severity: 'error',
        });
      }
    }
  }
  return [...checker.problems, ...extra];
}

/** `static_resources.clusters[2].load_assignment`; keys that are not identifiers in brackets. */
export function formatPath(path: YamlPath): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) =>
      typeof p === 'number'
        ? `[${p}]`
        : /^[A-Za-z_@][A-Za-z0-9_]*$/.test(p)
          ? i === 0
            ? p
            : `.${p}`
          : `[${JSON.stringify(p)}]`,
    )
    .join('');
}

function locate(
  doc: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  path: YamlPath,
): Pick<Location, 'line' | 'column'> {
  // The deepest node that exists: a missing field points at the object that lacks it.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as YamlNode | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) {
      const pos = lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

function invalid(message: string, location: Location, cause?: string): Diagnostic {
  return createDiagnostic('GW_ENVOY_CONFIG_INVALID', message, {
    locations: [location],
    hints: HINTS,
    ...(cause ? { cause } : {}),
  });
}

/** `envoy --mode validate` when an envoy binary is on PATH; nothing otherwise. */
function envoyValidateProblems(text: string, file: string): Diagnostic[] {
  const refusal = runEnvoyValidate(text);
  if (!refusal) return [];
  return [invalid(`envoy --mode validate rejects ${file}: ${refusal.line}`, { file }, refusal.output)];
}
