/**
 * What the auth modules hand each other. A scheme checker looks at the one credential its scheme
 * reads (a header, query parameter or cookie value) and says whether it proves an identity; the
 * route's policy (auth-policy.ts) combines those answers as the spec's requirements say.
 */

/**
 * The value a checker reads: undefined when the request does not carry it, null when it carries it twice (ambiguous,
 * so refused).
 */
export type CredentialValue = string | null | undefined;

export type SchemeResult = SchemeAccepted | SchemeRefused;

export interface SchemeAccepted {
  ok: true;
  /** Who it is: the key's consumer name, the basic user, the token's `sub`; null when unnamed. */
  consumer: string | null;
  /** The token's scopes (scope / scp claims); null for credentials that carry none (keys, passwords). */
  scopes: ReadonlySet<string> | null;
}

export interface SchemeRefused {
  ok: false;
  /** true when the request carried a credential for this scheme that is not valid (RFC 6750 invalid_token). */
  presented: boolean;
  /** The credential could not be checked now (the bcrypt pool's queue is full): neither valid nor wrong. */
  busy?: true;
}

/** One scheme's check: synchronous when no work is needed (nothing sent, a key, a cached password), else a promise. */
export interface SchemeChecker {
  check(value: CredentialValue): SchemeResult | Promise<SchemeResult>;
}

/**
 * Where a scheme's credential travels. `authorization` is the Authorization header, shared by basic and bearer
 * schemes.
 */
export type CredentialSlot =
  | { in: 'header'; name: string }
  | { in: 'query'; name: string }
  | { in: 'cookie'; name: string };

export const ABSENT: SchemeRefused = Object.freeze({ ok: false, presented: false });
export const INVALID: SchemeRefused = Object.freeze({ ok: false, presented: true });
export const BUSY: SchemeRefused = Object.freeze({ ok: false, presented: true, busy: true });

export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * A consumer name as it can travel in a header and a log line: printable ASCII as is, anything else percent-encoded.
 */
export function consumerName(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? name : encodeURIComponent(name);
}
