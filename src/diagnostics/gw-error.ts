import { CODES, type Code } from './codes.js';
import type { Diagnostic, Location } from './diagnostic.js';
import type { KindOf } from './kinds.js';

export interface DiagnosticInit<C extends Code = Code> {
  /** Which of the code's kinds this is (for the codes that have kinds, docs/errors.md). */
  kind?: KindOf<C>;
  locations?: Location[];
  hints?: string[];
  cause?: unknown;
  /** Ids of the routes it is about (gw.yaml `acknowledge` matches them). */
  subjects?: string[];
  /** Overrides the catalogue's severity (rare: a warning promoted by --strict, say). */
  severity?: Diagnostic['severity'];
}

/** Builds a diagnostic for a catalogued code; the catalogue decides the severity. */
export function createDiagnostic<C extends Code>(code: C, message: string, init: DiagnosticInit<C> = {}): Diagnostic {
  const d: Diagnostic = {
    code,
    ...(init.kind !== undefined ? { kind: init.kind } : {}),
    severity: init.severity ?? CODES[code].severity,
    message,
    locations: init.locations ?? [],
    hints: init.hints ?? [],
  };
  const cause = describeCause(init.cause);
  if (cause) d.cause = cause;
  if (init.subjects) d.subjects = init.subjects;
  return d;
}

/** The error a user can fix. It carries every diagnostic found, not just the first. */
export class GwError extends Error {
  readonly diagnostics: Diagnostic[];
  /** 1 for problems found, 2 for usage errors. */
  readonly exitCode: number;

  constructor(diagnostics: Diagnostic[], exitCode = 1) {
    super(diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
    this.name = 'GwError';
    this.diagnostics = diagnostics;
    this.exitCode = exitCode;
  }

  static of<C extends Code>(code: C, message: string, init: DiagnosticInit<C> = {}): GwError {
    return new GwError([createDiagnostic(code, message, init)], code === 'GW_USAGE' ? 2 : 1);
  }
}

export function isGwError(err: unknown): err is GwError {
  return err instanceof GwError;
}

function describeCause(cause: unknown): string | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const first = cause.message.split('\n')[0] ?? '';
    return typeof code === 'string' && !first.includes(code) ? `${code}: ${first}` : first;
  }
  return String(cause);
}
