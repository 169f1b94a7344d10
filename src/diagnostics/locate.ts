import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';

/** Finds line:column of JSON pointers in one YAML or JSON text. Parses lazily, once. */
export class PointerLocator {
  private root: Node | null | undefined;
  private readonly lines = new LineCounter();

  constructor(private readonly text: string) {}

  /** The position of the deepest node on the pointer's path that exists (a $ref, say). */
  locate(pointer: string): { line: number; column: number } | undefined {
    if (this.root === undefined) {
      const doc = parseDocument(this.text, { lineCounter: this.lines, keepSourceTokens: false, uniqueKeys: false });
      this.root = doc.contents as Node | null;
    }
    let node = this.root;
    let keyNode: Node | undefined;
    if (!node) return undefined;
    for (const segment of parsePointer(pointer)) {
      const next = childOf(node, segment);
      if (!next) break;
      node = next.value;
      keyNode = next.key;
      if (!node) break;
    }
    const at = keyNode?.range?.[0] ?? node?.range?.[0];
    if (at === undefined) return undefined;
    const pos = this.lines.linePos(at);
    return { line: pos.line, column: pos.col };
  }
}

function childOf(node: Node, segment: string): { key?: Node; value: Node | null } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      const name = isScalar(key) ? String(key.value) : undefined;
      if (name === segment) return { key: key ?? undefined, value: pair.value as Node | null };
    }
    return undefined;
  }
  if (isSeq(node)) {
    const item = node.items[Number(segment)] as Node | undefined;
    return item ? { value: item } : undefined;
  }
  return undefined;
}

/** "#/paths/~1users/get" -> ["paths", "/users", "get"] */
export function parsePointer(pointer: string): string[] {
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (body === '' || body === '/') return [];
  return body
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** ["paths", "/users", "get"] -> "#/paths/~1users/get" */
export function formatPointer(segments: readonly (string | number)[]): string {
  return '#' + segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
