/**
 * Headers the gateway adds to an answer (RateLimit-*, CORS), as a flat [name, value, ...] list.
 * They replace what the upstream sent under the same name, except Vary, whose values are joined.
 */
export function addExtraHeaders(out: string[], extra: readonly string[]): string[] {
  if (extra.length === 0) return out;
  let names: Set<string> | undefined;
  for (let i = 0; i < extra.length; i += 2) {
    const lower = extra[i]!.toLowerCase();
    if (lower !== 'vary') {
      names ??= new Set();
      names.add(lower);
    }
  }
  let vary: string | undefined;
  const kept: string[] = [];
  for (let i = 0; i < out.length; i += 2) {
    const lower = out[i]!.toLowerCase();
    if (names?.has(lower)) continue;
    if (lower === 'vary') {
      vary = vary === undefined ? out[i + 1]! : `${vary}, ${out[i + 1]!}`;
      continue;
    }
    kept.push(out[i]!, out[i + 1]!);
  }
  for (let i = 0; i < extra.length; i += 2) {
    if (extra[i]!.toLowerCase() === 'vary') {
      const v = extra[i + 1]!;
      if (vary === undefined) vary = v;
      else if (!vary.split(',').some((x) => x.trim().toLowerCase() === v.toLowerCase())) vary = `${vary}, ${v}`;
    } else kept.push(extra[i]!, extra[i + 1]!);
  }
  if (vary !== undefined) kept.push('Vary', vary);
  return kept;
}

/** The same list as an object, for the gateway's own answers (sendProblem). */
export function extraHeadersRecord(extra: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < extra.length; i += 2) {
    const k = extra[i]!.toLowerCase();
    out[k] = out[k] !== undefined ? `${out[k]}, ${extra[i + 1]!}` : extra[i + 1]!;
  }
  return out;
}
