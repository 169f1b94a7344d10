import { Command, Flags, type Interfaces } from '@oclif/core';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors, unacknowledged } from '../diagnostics/diagnostic.js';
import { createDiagnostic, isGwError } from '../diagnostics/gw-error.js';
import { formatDiagnostics } from '../diagnostics/print.js';
import { suggestClosest } from '../diagnostics/suggest.js';
import { CANCELLED_EXIT_CODE, CancelledError } from './cancelled.js';
import { useColor } from './output.js';

export type GwFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof GwCommand)['baseFlags'] & T['flags']>;

/**
 * Shared flags and the one place that turns failures into output and exit codes:
 * 0 success, 1 problems found (diagnostics on stderr, or JSON on stdout with --json),
 * 2 usage errors, 130 when the user cancelled (Ctrl-C at a prompt). Anything else is a gw bug:
 * one line, and the stack only with --debug or DEBUG.
 */
export abstract class GwCommand extends Command {
  static override baseFlags = {
    config: Flags.string({ char: 'c', summary: 'Path to gw.yaml.', default: 'gw.yaml', helpGroup: 'GLOBAL' }),
    json: Flags.boolean({ summary: 'Print machine-readable JSON on stdout.', default: false, helpGroup: 'GLOBAL' }),
    debug: Flags.boolean({ summary: 'Print stack traces of internal errors.', default: false, helpGroup: 'GLOBAL' }),
    verbose: Flags.boolean({
      summary: 'List every warning and every place it names, not alike ones grouped; acknowledged ones too.',
      default: false,
      helpGroup: 'GLOBAL',
    }),
  };

  protected jsonMode = false;
  protected debugMode = Boolean(process.env.DEBUG);
  protected verboseMode = false;

  protected async parseGlobal<T extends typeof Command>(
    cmd: T,
  ): Promise<Interfaces.ParserOutput<GwFlags<T>, Interfaces.InferredArgs<T['args']>>> {
    this.jsonMode = this.argv.includes('--json');
    this.debugMode ||= this.argv.includes('--debug');
    this.verboseMode = this.argv.includes('--verbose');
    return (await this.parse(cmd)) as unknown as Interfaces.ParserOutput<
      GwFlags<T>,
      Interfaces.InferredArgs<T['args']>
    >;
  }

  /** Prints diagnostics (stderr, or stdout JSON) and sets exit code 1 when any is an error. */
  protected report(
    diagnostics: readonly Diagnostic[],
    options: { strict?: boolean; quietWhenClean?: boolean } = {},
  ): void {
    const open = unacknowledged(diagnostics);
    const failed = hasErrors(diagnostics) || (options.strict === true && open.length > 0);
    if (this.jsonMode) {
      process.stdout.write(`${JSON.stringify({ ok: !failed, diagnostics }, null, 2)}\n`);
    } else if (open.length > 0 || !options.quietWhenClean || (this.verboseMode && diagnostics.length > 0)) {
      const all = this.verboseMode;
      process.stderr.write(formatDiagnostics(diagnostics, { color: useColor(process.stderr), all }));
    }
    if (failed) process.exitCode = 1;
  }

  protected override async catch(err: Error & { oclif?: { exit?: number }; exitCode?: number }): Promise<void> {
    if (isGwError(err)) {
      this.printFailure(err.diagnostics, err.exitCode);
      return;
    }
    if (err.oclif?.exit === 2) {
      const message = err.message
        .replace(/^Error: /, '')
        .replace(/See more help with --help/g, '')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join(' ');
      const hints = [
        ...this.flagSuggestions(err),
        `run \`gw help ${this.id ?? ''}\` for the flags and arguments`.replace('  ', ' '),
      ];
      this.printFailure([createDiagnostic('GW_USAGE', message, { hints })], 2);
      return;
    }
    if (err instanceof CancelledError) {
      process.stderr.write(`gw ${this.id ?? ''}: ${err.message}\n`.replace('gw :', 'gw:'));
      process.exitCode = CANCELLED_EXIT_CODE;
      return;
    }
    if (err.oclif?.exit !== undefined) throw err;
    const line =
      `gw: internal error (GW_INTERNAL): ${err.message || String(err)}\nThis is a bug in gw, not in ` +
      `your files. Please report it with the output of the same command run with --debug.\n`;
    process.stderr.write(this.debugMode ? `${line}${err.stack ?? ''}\n` : line);
    if (this.jsonMode) {
      const d = createDiagnostic('GW_INTERNAL', err.message || String(err), {
        hints: ['this is a bug in gw; please report it with the output of the same command run with --debug'],
      });
      process.stdout.write(`${JSON.stringify({ ok: false, diagnostics: [d] }, null, 2)}\n`);
    }
    process.exitCode = 1;
  }

  /** "did you mean `--json`?" for each flag oclif did not know (its NonExistentFlagsError lists them). */
  private flagSuggestions(err: Error): string[] {
    const typed = (err as { flags?: unknown }).flags;
    if (!Array.isArray(typed)) return [];
    const ctor = this.constructor as typeof Command;
    const names = Object.keys({ ...ctor.baseFlags, ...ctor.flags });
    return typed.flatMap((flag) => {
      const close = suggestClosest(String(flag).replace(/^-+/, '').replace(/=.*$/, ''), names);
      return close ? [`did you mean \`--${close}\`?`] : [];
    });
  }

  private printFailure(diagnostics: Diagnostic[], exitCode: number): void {
    if (this.jsonMode) process.stdout.write(`${JSON.stringify({ ok: false, diagnostics }, null, 2)}\n`);
    else
      process.stderr.write(formatDiagnostics(diagnostics, { color: useColor(process.stderr), all: this.verboseMode }));
    process.exitCode = exitCode;
  }
}
