import { createRequire } from 'node:module';
import type { Problem, Visitor, YamlPath } from './proto-json.js';

/**
 * The regexes of a rendered Envoy bootstrap, checked as Envoy would: every `safe_regex` compiles
 * with RE2 (re2-wasm, which @grpc/grpc-js-xds depends on), and a `regex_rewrite` substitution
 * uses only the capture groups its pattern has. Part of the strict check (check.ts).
 */

/** Visitors for ProtoJsonChecker; their problems go to `problems`. `trusted` regexes compile without asking RE2. */
export function regexVisitors(trusted: ReadonlySet<string>, problems: Problem[]): Record<string, Visitor> {
  return {
    '.envoy.type.matcher.v3.RegexMatcher': (v, path) => {
      if (typeof v.regex === 'string' && !trusted.has(v.regex)) {
        const error = re2Error(v.regex);
        if (error)
          problems.push({
            path: [...path, 'regex'],
            message: `RE2 rejects the regex ${JSON.stringify(v.regex)}: ${error}`,
            severity: 'error',
          });
      }
    },
    '.envoy.type.matcher.v3.RegexMatchAndSubstitute': (v, path) => {
      problems.push(...substitutionProblems(v, path));
    },
  };
}

function substitutionProblems(v: Record<string, unknown>, path: YamlPath): Problem[] {
  const pattern = (v.pattern as { regex?: unknown } | undefined)?.regex;
  const substitution = v.substitution;
  if (typeof pattern !== 'string' || typeof substitution !== 'string') return [];
  const groups = countGroups(pattern);
  const used = [...substitution.matchAll(/\\(\\|\d)/g)].filter((m) => m[1] !== '\\').map((m) => Number(m[1]));
  const beyond = used.filter((n) => n > groups);
  if (beyond.length === 0) return [];
  return [
    {
      path: [...path, 'substitution'],
      message: `substitution uses \\${beyond[0]} but the pattern has ${groups} capture group${groups === 1 ? '' : 's'}`,
      severity: 'error',
    },
  ];
}

/** Capturing groups of a regex: "(" not escaped, not in a class, not "(?:"-style (named "(?P<" counts). */
export function countGroups(regex: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(' && (regex[i + 1] !== '?' || regex.startsWith('(?P<', i) || regex.startsWith('(?<', i))) n++;
  }
  return n;
}

/** The part of re2-wasm's RE2 object read here: its embind wrapper of the compiled regex. */
interface Re2Instance {
  wrapper?: { delete?: () => void };
}
type Re2Constructor = new (pattern: string, flags: string) => Re2Instance;
let re2: Re2Constructor | null | undefined;

/** re2-wasm (a dependency of gw), loaded once; null when it cannot load here. */
export function loadRe2(): Re2Constructor | null {
  if (re2 === undefined) {
    try {
      const require = createRequire(createRequire(import.meta.url).resolve('@grpc/grpc-js-xds'));
      re2 = (require('re2-wasm') as { RE2: Re2Constructor }).RE2;
    } catch {
      re2 = null;
    }
  }
  return re2;
}

/** Why RE2 refuses a regex, or undefined when it compiles (or RE2 is unavailable: then nothing is claimed). */
export function re2Error(regex: string): string | undefined {
  if (re2Results.has(regex)) return re2Results.get(regex);
  const RE2 = loadRe2();
  if (!RE2) return undefined;
  let error: string | undefined;
  try {
    // re2-wasm's heap is a fixed 16 MiB and embind objects are not collected: the compiled regex is
    // freed here, or a gateway's few thousand distinct regexes fill it and RE2 aborts on the next.
    new RE2(regex, 'u').wrapper?.delete?.();
  } catch (err) {
    error = (err as Error).message.replace(/^Invalid regular expression: \/.*\/u: /s, '');
  }
  re2Results.set(regex, error);
  return error;
}

/** One answer per distinct regex per process (the same route regex appears in several routes). */
const re2Results = new Map<string, string | undefined>();
