/**
 * JSON text for the openapi target's `json` helper: JSON.stringify(value, null, 2) with every line after the first
 * indented `depth` levels more, so that a section prints in place inside the document; whole, or in pieces.
 */

/**
 * The text, made whole. JSON.stringify indents a value nested `depth` arrays deep that way, so the
 * nesting is added and cut off again (on GitHub's merged spec this saves a replace over 7 MB of text).
 */
export function nestedJson(value: object, depth: number): string {
  let wrapped: unknown = value;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // Before the value, per level i = 1..depth: "[\n" and 2i spaces; after it, per level: "\n", 2(i-1) spaces, "]".
  const before = 2 * depth + depth * (depth + 1);
  const after = 2 * depth + depth * (depth - 1);
  return text.slice(before, text.length - after);
}

/** The `json` helper's text of any value: nestedJson for objects, JSON.stringify for the rest. */
export function jsonText(value: unknown, depth: number): string {
  if (depth > 0 && value !== null && typeof value === 'object') return nestedJson(value, depth);
  const text = JSON.stringify(value, null, 2);
  return depth === 0 || text === undefined ? text : text.replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

/**
 * jsonText(value, depth) in pieces: the members of the first `levels` levels of objects and arrays
 * each on their own, what is below them whole. Members are printed and left out as JSON.stringify
 * does (a member whose value is undefined, a function or a symbol: left out of an object, null in
 * an array).
 */
export function* jsonPieces(value: unknown, depth: number, levels: number): Generator<string> {
  if (levels <= 0 || value === null || typeof value !== 'object' || hasToJson(value)) {
    yield jsonText(value, depth);
    return;
  }
  const pad = '  '.repeat(depth + 1);
  const close = '  '.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return yield '[]';
    yield '[\n';
    for (const [i, item] of value.entries()) {
      yield pad;
      if (printable(item)) yield* jsonPieces(item, depth + 1, levels - 1);
      else yield 'null';
      yield i < value.length - 1 ? ',\n' : '\n';
    }
    return yield `${close}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => printable(record[k]));
  if (keys.length === 0) return yield '{}';
  yield '{\n';
  for (const [i, k] of keys.entries()) {
    yield `${pad}${JSON.stringify(k)}: `;
    yield* jsonPieces(record[k], depth + 1, levels - 1);
    yield i < keys.length - 1 ? ',\n' : '\n';
  }
  yield `${close}}`;
}

/** Whether JSON.stringify prints a member with this value (it leaves out undefined, functions and symbols). */
function printable(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

function hasToJson(v: object): boolean {
  return typeof (v as { toJSON?: unknown }).toJSON === 'function';
}
