import { Chalk } from 'chalk';
import type { Diagnostic, Location } from './diagnostic.js';

export interface PrintOptions {
  color: boolean;
}

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
  for (const l of d.locations) lines.push(`  ${c.cyan('-->')} ${formatLocation(l)}`);
  for (const h of d.hints) lines.push(`  ${c.green('hint:')} ${h}`);
  if (d.cause) lines.push(`  ${c.dim('cause:')} ${d.cause}`);
  return lines.join('\n');
}

export function summarizeDiagnostics(diagnostics: readonly Diagnostic[], options: PrintOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (diagnostics.length === 0) return c.green('✔ no problems found');
  const parts = [plural(errors, 'error'), plural(warnings, 'warning')].join(', ');
  return errors > 0 ? c.red(`✖ ${parts}`) : c.yellow(`⚠ ${parts}`);
}

/** All diagnostics, a blank line apart, then the summary line. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], options: PrintOptions): string {
  const blocks = diagnostics.map((d) => formatDiagnostic(d, options));
  return `${[...blocks, summarizeDiagnostics(diagnostics, options)].join('\n\n')}\n`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
