/**
 * Chunk extensions (`5;name=value;flag;q="quoted"\r\n`), read one byte at a time as llhttp reads
 * them: after each `;` a name of token bytes (empty only before `=` or `;`), then optionally `=`
 * and a token or a quoted string (qdtext and quoted pairs), then `;` again or the CR that ends the
 * line. gw reads them only to refuse malformed ones; their values are never used.
 */

/** States of the little machine; the parser stores the number. */
export const EXT_START = 0;
const EXT_NAME = 1;
const EXT_VALUE = 2;
const EXT_QUOTED = 3;
const EXT_QUOTED_PAIR = 4;
const EXT_QUOTED_END = 5;
/** The CR that ends the chunk-size line was read. */
export const EXT_END = 6;
/** This byte cannot be there. */
export const EXT_BAD = 7;

/** Bytes allowed in a name or unquoted value (tchar), and in a quoted one (qdtext, plus DEL as llhttp allows). */
const TCHAR = new Uint8Array(256);
const QDTEXT = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0; c < 256; c++) {
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) TCHAR[c] = 1;
  if (c === 9 || c === 32 || c === 33 || (c >= 35 && c <= 91) || c >= 93) QDTEXT[c] = 1;
}

const SEMICOLON = 59;
const CR = 13;
const EQUALS = 61;
const QUOTE = 34;
const BACKSLASH = 92;

/** The state after byte `c` in state `state`. */
export function chunkExtensionStep(state: number, c: number): number {
  switch (state) {
    case EXT_START:
      // Right after `;`: no blank, no line end.
      return c === 32 || c === CR ? EXT_BAD : chunkExtensionStep(EXT_NAME, c);
    case EXT_NAME:
    case EXT_VALUE:
      if (c === SEMICOLON) return EXT_START;
      if (c === CR) return EXT_END;
      if (c === EQUALS && state === EXT_NAME) return EXT_VALUE;
      if (c === QUOTE && state === EXT_VALUE) return EXT_QUOTED;
      return TCHAR[c] === 1 ? state : EXT_BAD;
    case EXT_QUOTED:
      if (c === QUOTE) return EXT_QUOTED_END;
      if (c === BACKSLASH) return EXT_QUOTED_PAIR;
      return QDTEXT[c] === 1 ? EXT_QUOTED : EXT_BAD;
    case EXT_QUOTED_PAIR:
      return c === 9 || (c >= 32 && c !== 127) ? EXT_QUOTED : EXT_BAD;
    case EXT_QUOTED_END:
      return c === SEMICOLON ? EXT_START : c === CR ? EXT_END : EXT_BAD;
    default:
      return EXT_BAD;
  }
}
