/**
 * A YAML printer for plain JSON data, for the openapi target: block style, two-space indents,
 * plain scalars where no YAML 1.1 or 1.2 reader can mistake them, literal blocks for multi-line
 * text, JSON double quotes otherwise (a JSON string is a valid YAML double-quoted scalar).
 * It exists for speed: the `yaml` package takes ~0.7 s on GitHub's merged spec, this ~0.05 s.
 * test/unit/targets/openapi/yaml.test.ts parses what it prints back with the `yaml` package.
 */

const PLAIN = /^[A-Za-z_/$][A-Za-z0-9_ ./$()+,;=@&*?!'<>~^|%{}[\]:#-]*$/;
/** Words YAML 1.1 or 1.2 readers take for booleans, null, or special floats. */
const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~|\.inf|\.nan)$/i;
/** Characters a literal block cannot carry (or that readers might treat as line breaks). */
const NOT_LITERAL = /(?![\t\n])[\p{Cc}\u2028\u2029\ufeff]/u;

export function formatScalar(v: unknown): string {
  if (typeof v === 'string') {
    if (
      PLAIN.test(v) &&
      !v.endsWith(' ') &&
      !v.includes(': ') &&
      !v.includes(' #') &&
      !v.endsWith(':') &&
      !RESERVED.test(v)
    )
      return v;
    return quote(v);
  }
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return String(v);
  return 'null';
}

function quote(s: string): string {
  return JSON.stringify(s).replace(
    /[\x7f-\x9f\u2028\u2029\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Multi-line text that reads back exactly as a `|-` block: no trailing newline, no blank-looking lines with spaces, no
 * leading space.
 */
function literalLines(s: string): string[] | undefined {
  if (!s.includes('\n') || s.endsWith('\n') || s.startsWith(' ') || NOT_LITERAL.test(s)) return undefined;
  const lines = s.split('\n');
  if (lines.find((l) => l !== '')!.startsWith(' ')) return undefined; // the first line sets the block's indentation
  return lines.some((l) => l.length > 0 && l.trim() === '') ? undefined : lines;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `key: value` as a YAML block at `indent` spaces, no trailing newline. */
export function formatYamlEntry(key: string, value: unknown, indent = 0): string {
  const out: string[] = [];
  entry(out, ' '.repeat(indent), formatScalar(key), value);
  return out.join('\n');
}

/**
 * formatYamlEntry(key, value) in pieces: the members of the first `levels` levels of maps each on
 * their own (a piece after the first starts with its line break), what is below them whole.
 */
export function* yamlEntryPieces(key: string, value: unknown, levels: number): Generator<string> {
  yield* entryPieces('', formatScalar(key), value, levels, '');
}

function* entryPieces(pad: string, head: string, value: unknown, levels: number, lineBreak: string): Generator<string> {
  if (levels > 0 && isObject(value) && Object.keys(value).length > 0) {
    yield `${lineBreak}${pad}${head}:`;
    for (const [k, v] of Object.entries(value))
      if (v !== undefined) yield* entryPieces(`${pad}  `, formatScalar(k), v, levels - 1, '\n');
    return;
  }
  const out: string[] = [];
  entry(out, pad, head, value);
  yield lineBreak + out.join('\n');
}

/** Appends `prefix` + the value: a scalar on the same line, a collection below at `pad` + 2. */
function entry(out: string[], pad: string, head: string, value: unknown): void {
  const inner = `${pad}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) out.push(`${pad}${head}: []`);
    else {
      out.push(`${pad}${head}:`);
      for (const item of value) listItem(out, inner, item);
    }
  } else if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) out.push(`${pad}${head}: {}`);
    else {
      out.push(`${pad}${head}:`);
      for (const k of keys) if (value[k] !== undefined) entry(out, inner, formatScalar(k), value[k]);
    }
  } else scalarAfter(out, `${pad}${head}:`, inner, value);
}

function scalarAfter(out: string[], line: string, inner: string, value: unknown): void {
  const lines = typeof value === 'string' ? literalLines(value) : undefined;
  if (!lines) {
    out.push(`${line} ${formatScalar(value)}`);
    return;
  }
  out.push(`${line} |-`);
  for (const l of lines) out.push(l === '' ? '' : inner + l);
}

function listItem(out: string[], pad: string, item: unknown): void {
  const inner = `${pad}  `;
  if (Array.isArray(item) && item.length > 0) {
    out.push(`${pad}-`);
    for (const x of item) listItem(out, inner, x);
  } else if (isObject(item) && Object.keys(item).length > 0) {
    const keys = Object.keys(item).filter((k) => item[k] !== undefined);
    const first: string[] = [];
    entry(first, inner, formatScalar(keys[0]!), item[keys[0]!]);
    first[0] = `${pad}- ${first[0]!.slice(inner.length)}`;
    out.push(...first);
    for (const k of keys.slice(1)) entry(out, inner, formatScalar(k), item[k]);
  } else if (Array.isArray(item)) out.push(`${pad}- []`);
  else if (isObject(item)) out.push(`${pad}- {}`);
  else scalarAfter(out, `${pad}-`, inner, item);
}
