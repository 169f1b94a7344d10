import { escapeRegex, paramPattern } from '../model/path.js';
import type { PathParam, PathSegment } from '../model/types.js';

/** What the router keeps per route: its segments and params, and the caller's payload. */
export interface RouterEntry<T> {
  /** The methods it answers: the model's `effective.methods` (HEAD with GET is the model's rule, not the router's). */
  methods: readonly string[];
  segments: readonly PathSegment[];
  params: readonly PathParam[];
  value: T;
}

export type RouterMatch<T> =
  | { kind: 'found'; value: T; params: string[] }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

interface Node<T> {
  literal: Map<string, Node<T>>;
  /** Parameter and mixed segments, in precedence order: mixed with more literal text first, then bare parameters. */
  dynamic: { regex: RegExp | null; captures: number; node: Node<T>; order: [number, number, string] }[];
  methods: Map<string, T> | undefined;
}

/**
 * A segment trie that answers exactly as the model's precedence rule orders routes: at each
 * segment a literal child is tried before mixed ones, mixed before bare parameters, backtracking
 * when a branch ends without a route for the method. A route matches when its path AND method
 * match; when only the path does, the answer is 405 with every method that would. Typed
 * parameters (integer, enum, pattern) are part of the match. Built once;
 * lookups never throw and allocate only the captured parameter values.
 */
export class Router<T> {
  private readonly root: Node<T> = newNode();

  constructor(entries: readonly RouterEntry<T>[]) {
    for (const e of entries) this.insert(e);
  }

  private insert(e: RouterEntry<T>): void {
    const byName = new Map(e.params.map((p) => [p.name, p.schema]));
    let node = this.root;
    for (const seg of e.segments) {
      if (seg.parts.every((p) => 'literal' in p)) {
        const text = seg.parts.map((p) => ('literal' in p ? p.literal : '')).join('');
        let next = node.literal.get(text);
        if (!next) {
          next = newNode();
          node.literal.set(text, next);
        }
        node = next;
        continue;
      }
      const source = seg.parts
        .map((p) => ('literal' in p ? escapeRegex(p.literal) : `(${paramPattern(byName.get(p.param) ?? {})})`))
        .join('');
      const anyValue = source === '([^/]+)';
      let child = node.dynamic.find((d) => d.order[2] === source);
      if (!child) {
        const literalLength = seg.parts.reduce((n, p) => n + ('literal' in p ? p.literal.length : 0), 0);
        const kind = literalLength > 0 ? 1 : 2;
        const captures = seg.parts.filter((p) => 'param' in p).length;
        // An untyped bare parameter takes any non-empty segment: no regex needed.
        child = {
          regex: anyValue ? null : new RegExp(`^(?:${source})$`),
          captures,
          node: newNode(),
          order: [kind, -literalLength, source],
        };
        node.dynamic.push(child);
        node.dynamic.sort(
          (a, b) =>
            a.order[0] - b.order[0] ||
            a.order[1] - b.order[1] ||
            (a.order[2] < b.order[2] ? -1 : a.order[2] > b.order[2] ? 1 : 0),
        );
      }
      node = child.node;
    }
    node.methods ??= new Map();
    for (const m of e.methods) if (!node.methods.has(m)) node.methods.set(m, e.value);
  }

  lookup(method: string, segments: readonly string[]): RouterMatch<T> {
    const params: string[] = [];
    const found = this.walk(this.root, segments, 0, method, params, undefined);
    if (found !== undefined) return { kind: 'found', value: found, params };
    // Only a miss pays for collecting the methods that would have matched.
    const allow = new Set<string>();
    this.walk(this.root, segments, 0, '', [], allow);
    if (allow.size > 0) return { kind: 'method-not-allowed', allow: [...allow].sort() };
    return { kind: 'not-found' };
  }

  private walk(
    node: Node<T>,
    segments: readonly string[],
    i: number,
    method: string,
    params: string[],
    allow: Set<string> | undefined,
  ): T | undefined {
    if (i === segments.length) {
      const methods = node.methods;
      if (!methods) return undefined;
      const hit = methods.get(method);
      if (hit !== undefined) return hit;
      if (allow) for (const m of methods.keys()) allow.add(m);
      return undefined;
    }
    const segment = segments[i]!;
    const literal = node.literal.get(segment);
    if (literal) {
      const hit = this.walk(literal, segments, i + 1, method, params, allow);
      if (hit !== undefined) return hit;
    }
    for (const d of node.dynamic) {
      const mark = params.length;
      if (d.regex === null) {
        if (segment === '') continue;
        params.push(segment);
      } else {
        const m = d.regex.exec(segment);
        if (!m) continue;
        for (let k = 1; k <= d.captures; k++) params.push(m[k]!);
      }
      const hit = this.walk(d.node, segments, i + 1, method, params, allow);
      if (hit !== undefined) return hit;
      params.length = mark;
    }
    return undefined;
  }
}

function newNode<T>(): Node<T> {
  return { literal: new Map(), dynamic: [], methods: undefined };
}
