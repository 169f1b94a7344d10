import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument, stringify } from 'yaml';
import { formatPointer } from '../../../src/diagnostics/json-pointer.js';
import { PointerLocator } from '../../../src/diagnostics/locate.js';
import { EXAMPLE_SPECS } from '../../helpers/cli.js';

/** Every key path in a value, as pointers. */
function allPointers(value: unknown, path: (string | number)[] = []): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([k, v]) => [formatPointer([...path, k]), ...allPointers(v, [...path, k])]);
}

describe('PointerLocator', () => {
  const text = readFileSync(join(EXAMPLE_SPECS, 'catalog.json'), 'utf8');
  const pointers = allPointers(JSON.parse(text));

  it('the JSON scanner agrees with a full YAML parse on every pointer of a real spec', () => {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    const located = new PointerLocator(text).locateMany(pointers);
    expect(pointers.length).toBeGreaterThan(300);
    for (const p of pointers) {
      const segs = p
        .slice(2)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      const parent = segs.length > 1 ? doc.getIn(segs.slice(0, -1), true) : doc.contents;
      const last = segs[segs.length - 1]!;
      const pair = (
        parent as { items?: { key?: { value?: unknown; range?: number[] }; range?: number[] }[] }
      ).items?.find((it, i) => (it.key ? String(it.key.value) === last : String(i) === last));
      const offset = (pair?.key?.range ?? (pair as { range?: number[] })?.range)![0]!;
      const want = lines.linePos(offset);
      expect(located.get(p), p).toEqual({ line: want.line, column: want.col });
    }
  });

  it('YAML and JSON texts of one document give positions for the same pointers', () => {
    const yamlText = stringify(JSON.parse(text));
    const y = new PointerLocator(yamlText);
    expect(y.locate('#/paths/~1products~1{productId}/get')).toMatchObject({ column: 5 });
    expect(new PointerLocator(text).locate('#/paths/~1products~1{productId}/get')).toMatchObject({
      line: 69,
      column: 7,
    });
  });

  it('a pointer that does not exist resolves to its deepest existing ancestor', () => {
    const l = new PointerLocator(text);
    expect(l.locate('#/paths/~1products/get/nope/deeper')).toEqual(l.locate('#/paths/~1products/get'));
  });
});
