import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import { locateJsonPointers } from './json-locate.js';
import { parsePointer } from './json-pointer.js';

export interface LineColumn {
  line: number;
  column: number;
}

/**
 * Finds line:column of JSON pointers in one YAML or JSON text, pointing at the deepest node on
 * the pointer's path that exists (a $ref, say). JSON text is scanned without building a tree
 * (large specs stay fast); YAML is parsed lazily, once.
 */
export class PointerLocator {
  private root: Node | null | undefined;
  private readonly lines = new LineCounter();
  private lineStarts: number[] | undefined;
  private readonly isJson: boolean;

  constructor(private readonly text: string) {
    this.isJson = /^\s*[{[]/.test(text.slice(0, 64));
  }

  locate(pointer: string): LineColumn | undefined {
    return this.locateMany([pointer]).get(pointer);
  }

  /** Several pointers at once: for JSON, one pass over the text. */
  locateMany(pointers: readonly string[]): Map<string, LineColumn> {
    const out = new Map<string, LineColumn>();
    if (this.isJson) {
      const segments = pointers.map(parsePointer);
      const offsets = locateJsonPointers(this.text, segments);
      pointers.forEach((p, i) => {
        const offset = offsets.get(segments[i]!.join('\u0000'));
        if (offset !== undefined) out.set(p, this.lineColumn(offset));
      });
      return out;
    }
    for (const p of pointers) {
      const at = this.locateYaml(p);
      if (at) out.set(p, at);
    }
    return out;
  }

  private lineColumn(offset: number): LineColumn {
    if (!this.lineStarts) {
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  private locateYaml(pointer: string): LineColumn | undefined {
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
