import type { Diagnostic, Location } from '../diagnostics/diagnostic.js';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import { CODES, type Code } from '../diagnostics/codes.js';
import { escapeRegex } from '../model/path.js';
import type { AcknowledgeRule } from './config.js';

/**
 * gw.yaml `acknowledge` (docs/gw-yaml.md): warnings a rule accepts get its reason as
 * `acknowledged`, so they are neither printed nor counted by --strict, and stay in --json output.
 * A rule that accepts nothing is reported (it went stale), and one naming an error or an unknown
 * code is a gw.yaml error: errors are never acknowledged.
 *
 * Two passes: loading the gateway applies the rules for the warnings of loading and merging
 * (`stage: 'load'`), and gw build those for its targets' warnings (`stage: 'targets'`), so a rule
 * is reported unused only by the stage that could have used it.
 */
export function applyAcknowledgements(
  diagnostics: readonly Diagnostic[],
  all: readonly AcknowledgeRule[],
  configAt: (pointer: string) => Location,
  stage: 'load' | 'targets' = 'load',
): Diagnostic[] {
  const rules = all
    .map((rule, i) => ({ rule, i, patterns: rule.routes?.map(globRegex) }))
    .filter(({ rule }) => TARGET_CODES.has(rule.code) === (stage === 'targets'));
  const bad = stage === 'load' ? all.flatMap((rule, i) => ruleProblems(rule, configAt(`#/acknowledge/${i}/code`))) : [];
  if (bad.length > 0) return [...diagnostics, ...bad];
  const used = new Set<number>();
  const out = diagnostics.map((d) => {
    if (d.severity !== 'warning' || d.acknowledged !== undefined) return d;
    const at = rules.find(({ rule, patterns }) => accepts(rule, patterns, d))?.i;
    if (at === undefined) return d;
    used.add(at);
    return { ...d, acknowledged: all[at]!.reason };
  });
  const stale = rules.flatMap(({ rule, i }) =>
    used.has(i)
      ? []
      : [
          createDiagnostic(
            'GW_CONFIG_ACKNOWLEDGE_UNUSED',
            `the acknowledge rule for ${label(rule)} accepts no warning`,
            {
              locations: [configAt(`#/acknowledge/${i}`)],
              hints: ['remove the rule from gw.yaml if the warning is gone for good, or fix its kind or routes'],
            },
          ),
        ],
  );
  return [...out, ...stale];
}

/** Codes only gw build's targets warn with. */
const TARGET_CODES = new Set<string>(['GW_TARGET_INEXACT']);

function ruleProblems(rule: AcknowledgeRule, at: Location): Diagnostic[] {
  const info = (CODES as Record<string, { severity: string } | undefined>)[rule.code];
  if (info?.severity === 'warning') return [];
  const why = info ? 'is an error, and errors cannot be acknowledged' : 'is not a gw code';
  return [
    createDiagnostic('GW_CONFIG_INVALID', `acknowledge: "${rule.code}" ${why}`, {
      locations: [at],
      hints: [
        info
          ? 'fix what the error reports instead'
          : `use the code a warning prints, e.g. ${'GW_ROUTE_SHADOWED' satisfies Code}`,
      ],
    }),
  ];
}

/** `patterns`: the rule's `routes` as regexes, made once per rule. */
function accepts(rule: AcknowledgeRule, patterns: RegExp[] | undefined, d: Diagnostic): boolean {
  if (rule.code !== d.code || (rule.kind !== undefined && rule.kind !== d.kind)) return false;
  if (patterns === undefined) return true;
  const subjects = d.subjects ?? [];
  return subjects.length > 0 && subjects.every((id) => patterns.some((p) => p.test(id)));
}

/** `*` matches any characters (dots and slashes included); everything else is literal. */
export function globRegex(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map(escapeRegex).join('.*')}$`);
}

function label(rule: AcknowledgeRule): string {
  const kind = rule.kind !== undefined ? `[${rule.kind}]` : '';
  const routes = rule.routes !== undefined ? ` on ${rule.routes.join(', ')}` : '';
  return `${rule.code}${kind}${routes}`;
}
