import { Chalk } from 'chalk';
import type { Diagnostic, Location } from './diagnostic.js';

export interface PrintOptions {
  color: boolean;
  /** Every warning in full, acknowledged ones included (--verbose); otherwise alike warnings are grouped. */
  all?: boolean;
}

/** Warnings of one code and kind beyond this many print as one block with a count and examples. */
export const GROUP_AFTER = 3;
const EXAMPLES = 2;
/** Places of a warning printed beyond this many print as a count (an error prints them all: each needs fixing). */
const PLACES = 5;

export function formatLocation(l: Location): string {
  const pos = l.line !== undefined ? `:${l.line}${l.column !== undefined ? `:${l.column}` : ''}` : '';
  return `${l.file}${pos}${l.pointer ? ` at ${l.pointer}` : ''}`;
}

/** Redocly-style text: severity and code (with its kind: `CODE[kind]`), message, every location, hints, cause. */
export function formatDiagnostic(d: Diagnostic, options: PrintOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const head = d.severity === 'error' ? c.red.bold('error') : c.yellow.bold('warning');
  const code = d.kind !== undefined ? `${d.code}[${d.kind}]` : d.code;
  const lines = [`${head} ${c.dim(code)} ${d.message}`];
  const cut = d.severity === 'warning' && !options.all && d.locations.length > PLACES + 1;
  for (const l of cut ? d.locations.slice(0, PLACES) : d.locations)
    lines.push(`  ${c.cyan('-->')} ${formatLocation(l)}`);
  if (cut) {
    const more = plural(d.locations.length - PLACES, 'more place');
    lines.push(`  ${c.cyan('-->')} ${c.dim('and')} ${more} (--verbose or --json lists them all)`);
  }
  for (const h of d.hints) lines.push(`  ${c.green('hint:')} ${h}`);
  if (d.cause) lines.push(`  ${c.dim('cause:')} ${d.cause}`);
  if (d.acknowledged !== undefined) lines.push(`  ${c.dim('acknowledged:')} ${d.acknowledged}`);
  return lines.join('\n');
}

/**
 * One block for many alike warnings (one code and kind): the first in full, then how many more,
 * a few of their messages, and how to list them all.
 */
function formatGroup(group: readonly Diagnostic[], options: PrintOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const [first, ...rest] = group;
  const examples = rest.slice(0, EXAMPLES).map((d) => `  ${c.dim('also:')} ${d.message}`);
  const more = rest.length - EXAMPLES;
  const tail = `  ${c.dim('and')} ${plural(more, 'more warning')} like these (--verbose or --json lists them all)`;
  return [formatDiagnostic(first!, options), ...examples, ...(more > 0 ? [tail] : [])].join('\n');
}

/** A kind's example message in the roll-up is cut here (--verbose prints it whole). */
const EXAMPLE_CHARS = 140;

/**
 * Many target differences (GW_TARGET_INEXACT) of several kinds: one block, a line per kind with its
 * count and first message; each kind is a documented difference of one target from gw serve.
 */
function formatTargetDifferences(inexact: readonly Diagnostic[], options: PrintOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const byKind = new Map<string, Diagnostic[]>();
  for (const d of inexact) {
    const same = byKind.get(d.kind ?? '');
    if (same) same.push(d);
    else byKind.set(d.kind ?? '', [d]);
  }
  const head =
    `${c.yellow.bold('warning')} ${c.dim('GW_TARGET_INEXACT')} ${plural(inexact.length, 'difference')} ` +
    `of the generated targets from gw serve, by kind:`;
  const kinds = [...byKind].map(([kind, ds]) => {
    const first = ds[0]!.message;
    const example = first.length > EXAMPLE_CHARS ? `${first.slice(0, EXAMPLE_CHARS - 1)}…` : first;
    return `  ${kind}: ${ds.length}, e.g. ${example}`;
  });
  const hint =
    `  ${c.green('hint:')} docs/targets/<target>.md describes each kind; --verbose or --json lists them all, ` +
    'and gw.yaml `acknowledge` can accept a kind';
  return [head, ...kinds, hint].join('\n');
}

/**
 * Printed blocks in order: each diagnostic alone, or (unless `all`) many alike warnings as one group at the first
 * one's place; many target differences of several kinds as one block at the first one's place.
 */
function blocks(diagnostics: readonly Diagnostic[], options: PrintOptions): string[] {
  if (options.all) return diagnostics.map((d) => formatDiagnostic(d, options));
  const shown = diagnostics.filter((d) => d.acknowledged === undefined);
  const key = (d: Diagnostic) => `${d.code}[${d.kind ?? ''}]`;
  const alike = new Map<string, Diagnostic[]>();
  for (const d of shown) {
    if (d.severity !== 'warning') continue;
    const g = alike.get(key(d));
    if (g) g.push(d);
    else alike.set(key(d), [d]);
  }
  const inexact = shown.filter((d) => d.code === 'GW_TARGET_INEXACT' && d.severity === 'warning');
  const rolled = new Set(inexact.length > GROUP_AFTER && new Set(inexact.map((d) => d.kind)).size > 1 ? inexact : []);
  const out: string[] = [];
  const printed = new Set<string>();
  for (const d of shown) {
    if (rolled.has(d)) {
      if (d === inexact[0]) out.push(formatTargetDifferences(inexact, options));
      continue;
    }
    const group = d.severity === 'warning' ? alike.get(key(d))! : [d];
    if (group.length <= GROUP_AFTER) out.push(formatDiagnostic(d, options));
    else if (!printed.has(key(d))) {
      printed.add(key(d));
      out.push(formatGroup(group, options));
    }
  }
  return out;
}

export function summarizeDiagnostics(diagnostics: readonly Diagnostic[], options: PrintOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const acknowledged = diagnostics.filter((d) => d.acknowledged !== undefined).length;
  const open = diagnostics.filter((d) => d.acknowledged === undefined);
  const errors = open.filter((d) => d.severity === 'error').length;
  const warnings = open.length - errors;
  const accepted = acknowledged > 0 ? ` (${acknowledged} acknowledged in gw.yaml)` : '';
  if (open.length === 0) return c.green(`✔ no problems found${accepted}`);
  const parts = [plural(errors, 'error'), plural(warnings, 'warning')].join(', ');
  return errors > 0 ? c.red(`✖ ${parts}${accepted}`) : c.yellow(`⚠ ${parts}${accepted}`);
}

/** The diagnostics (alike warnings grouped unless `all`), a blank line apart, then the summary line. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], options: PrintOptions): string {
  return `${[...blocks(diagnostics, options), summarizeDiagnostics(diagnostics, options)].join('\n\n')}\n`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
