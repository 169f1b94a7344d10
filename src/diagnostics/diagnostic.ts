/** A place in a file: the file (relative to the project folder, or a URL), a JSON pointer, and line:column when known. */
export interface Location {
  file: string;
  pointer?: string;
  line?: number;
  column?: number;
}

export type Severity = 'error' | 'warning';

/** One problem found by any stage. Plain data, so it can be printed as text or JSON. */
export interface Diagnostic {
  code: string;
  /** A stable sub-code telling apart diagnostics of one code that differ in what they are about (kinds.ts). */
  kind?: string;
  severity: Severity;
  /** One sentence that quotes the bad value. */
  message: string;
  /** Where the problem is; further places (the other side of a conflict) follow. */
  locations: Location[];
  /** Concrete next steps naming the exact flag, key or file. */
  hints: string[];
  /** What lower layer said, when the problem came from one (a parser, the network). */
  cause?: string;
  /** Ids of the routes the warning is about, for gw.yaml `acknowledge` rules to match. */
  subjects?: string[];
  /** A warning gw.yaml `acknowledge` accepts, with the rule's reason: not printed, not counted by --strict. */
  acknowledged?: string;
}

/** Warnings and errors no gw.yaml `acknowledge` rule accepted. */
export function unacknowledged(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.acknowledged === undefined);
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable order: by first file, pointer, code, message. Deterministic output whatever the input order. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic): string => {
    const l = d.locations[0];
    return [l?.file ?? '', String(l?.line ?? 0).padStart(8, '0'), l?.pointer ?? '', d.code, d.message].join('\u0000');
  };
  return [...diagnostics].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
