import type { Diagnostic, Location } from '../diagnostics/diagnostic.js';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import { CODES, type Code } from '../diagnostics/codes.js';
import type { AcknowledgeRule } from './config.js';

/**
 * gw.yaml `acknowledge` (docs/gw-yaml.md): warnings a rule accepts get its reason as
 * `acknowledged`, so they are neither printed nor counted by --strict, and stay in --json output.
 * A rule that accepts nothing is reported (it went stale), and one naming an error or an unknown
 * code is a gw.yaml error: errors are never acknowledged.
 */
export function applyAcknowledgements(
  diagnostics: readonly Diagnostic[],
  rules: readonly AcknowledgeRule[],
  configAt: (pointer: string) => Location,
): Diagnostic[] {
  const bad = rules.flatMap((rule, i) => ruleProblems(rule, configAt(`#/acknowledge/${i}/code`)));
  if (bad.length > 0) return [...diagnostics, ...bad];
  const used = new Set<number>();
  const out = diagnostics.map((d) => {
    if (d.severity !== 'warning') return d;
    const at = rules.findIndex((rule) => accepts(rule, d));
    if (at < 0) return d;
    used.add(at);
    return { ...d, acknowledged: rules[at]!.reason };
  });
  const stale = rules.flatMap((rule, i) =>
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

function accepts(rule: AcknowledgeRule, d: Diagnostic): boolean {
  if (rule.code !== d.code || (rule.kind !== undefined && rule.kind !== d.kind)) return false;
  if (rule.routes === undefined) return true;
  const subjects = d.subjects ?? [];
  const patterns = rule.routes.map(globRegex);
  return subjects.length > 0 && subjects.every((id) => patterns.some((p) => p.test(id)));
}

/** `*` matches any characters (dots and slashes included); everything else is literal. */
export function globRegex(glob: string): RegExp {
  const literal = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('.*')}$`);
}

function label(rule: AcknowledgeRule): string {
  const kind = rule.kind !== undefined ? `[${rule.kind}]` : '';
  const routes = rule.routes !== undefined ? ` on ${rule.routes.join(', ')}` : '';
  return `${rule.code}${kind}${routes}`;
}
