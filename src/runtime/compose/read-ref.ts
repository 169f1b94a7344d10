import type { ComposeRef, ComposeShape } from '../../model/types.js';

/** What references read at run time: the composite's request, the steps' results so far, the fan-out element. */
export interface RefValues {
  path(name: string): string | undefined;
  query(name: string): string | undefined;
  header(name: string): string | undefined;
  /** The request's JSON body, parsed once; undefined when it has none or it is not JSON. */
  body(): unknown;
  /** A step's result: its JSON answer (an array for a fan-out), null when an optional step failed. */
  step(name: string): unknown;
  item: unknown;
}

/** The value a reference selects; undefined when there is none (docs/composition.md, "References"). */
export function readRef(ref: ComposeRef, values: RefValues): unknown {
  switch (ref.kind) {
    case 'value':
      return ref.value;
    case 'step': {
      // A failed optional step is null, and so is everything read from it (the derived schema says so).
      const result = values.step(ref.step);
      return result === null ? null : select(result, ref.pointer);
    }
    case 'item':
      return select(values.item, ref.pointer);
    case 'request':
      if (ref.part === 'body') return select(values.body(), ref.pointer);
      return select(values[ref.part](ref.name!), ref.pointer);
  }
}

/** A JSON Pointer's value; `*` takes every element of an array, and all of them flatten into one array. */
export function select(value: unknown, pointer: readonly string[], from = 0): unknown {
  if (from === pointer.length) return value;
  const token = pointer[from]!;
  if (token === '*') {
    if (!Array.isArray(value)) return undefined;
    const spread = pointer.indexOf('*', from + 1) !== -1;
    const out: unknown[] = [];
    for (const element of value) {
      const found = select(element, pointer, from + 1);
      if (spread && Array.isArray(found)) out.push(...found);
      else if (found !== undefined) out.push(found);
    }
    return out;
  }
  if (Array.isArray(value)) return /^\d+$/.test(token) ? select(value[Number(token)], pointer, from + 1) : undefined;
  if (typeof value === 'object' && value !== null && Object.hasOwn(value, token))
    return select((value as Record<string, unknown>)[token], pointer, from + 1);
  return undefined;
}

/**
 * The answer built from the shape. Objects are made without a prototype, so no member name (not
 * even `__proto__`) can reach one; members without a value are left out.
 */
export function buildShape(shape: ComposeShape, values: RefValues): unknown {
  if (shape.kind === 'ref') return readRef(shape.ref, values);
  const out: Record<string, unknown> = Object.create(null);
  for (const m of shape.merge) {
    const v = readRef(m, values);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) Object.assign(out, v);
  }
  for (const m of shape.members) {
    const v = buildShape(m.shape, values);
    if (v !== undefined) out[m.name] = v;
  }
  return out;
}
