import type { ComposeRef } from './compose-types.js';

/**
 * The reference language of compositions (docs/composition.md, "References"): one of
 * `request.path.NAME`, `request.query.NAME`, `request.header.NAME`, `request.body`,
 * `steps.NAME` or `item`, then optionally `#` and a JSON Pointer (RFC 6901) into the value,
 * where a `*` token takes every element of an array. Nothing is evaluated: a reference only
 * selects a value.
 */
const REF =
  /^(?:request\.(path|query|header)\.([^#\s]+)|request\.(body)|steps\.([A-Za-z][A-Za-z0-9_-]*)|(item))(#.*)?$/;

/** The reference, or a sentence saying why the text is not one. */
export function parseComposeRef(text: string): ComposeRef | string {
  const m = REF.exec(text);
  if (!m) {
    return (
      `"${text}" is not a reference: write request.path.NAME, request.query.NAME, request.header.NAME, ` +
      'request.body, steps.NAME or item, optionally followed by #/json/pointer'
    );
  }
  const pointer = parsePointer(m[6]);
  if (typeof pointer === 'string') return `"${text}": ${pointer}`;
  if (m[1]) {
    const part = m[1] as 'path' | 'query' | 'header';
    return { kind: 'request', part, name: part === 'header' ? m[2]!.toLowerCase() : m[2]!, pointer };
  }
  if (m[3]) return { kind: 'request', part: 'body', name: null, pointer };
  if (m[4]) return { kind: 'step', step: m[4], pointer };
  return { kind: 'item', pointer };
}

/** "#/a/b~1c" -> ["a", "b/c"]; "#" or nothing -> []. */
function parsePointer(text: string | undefined): string[] | string {
  if (text === undefined || text === '#') return [];
  if (!text.startsWith('#/')) return `the pointer "${text.slice(1)}" must start with "/"`;
  return text
    .slice(2)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The reference as written (for messages): the inverse of parseComposeRef. */
export function formatComposeRef(ref: ComposeRef): string {
  if (ref.kind === 'value') return JSON.stringify(ref.value);
  const head =
    ref.kind === 'request'
      ? ref.part === 'body'
        ? 'request.body'
        : `request.${ref.part}.${ref.name}`
      : ref.kind === 'step'
        ? `steps.${ref.step}`
        : 'item';
  if (ref.pointer.length === 0) return head;
  return `${head}#/${ref.pointer.map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

/** The steps a reference reads. */
export function stepOf(ref: ComposeRef): string | null {
  return ref.kind === 'step' ? ref.step : null;
}
