import type { ParamSchema, PathParam, PathPart, PathSegment, RouteMatch } from './types.js';

/** Thrown by parsePathTemplate; the importer turns it into a GW_ROUTE_PATH diagnostic. */
export class PathTemplateError extends Error {}

/** Splits an OpenAPI path template into segments of literal text and {parameters}. */
export function parsePathTemplate(path: string): PathSegment[] {
  if (!path.startsWith('/')) throw new PathTemplateError(`path "${path}" must start with "/"`);
  if (path === '/') return [];
  return path
    .slice(1)
    .split('/')
    .map((text) => ({ parts: parseSegment(text, path) }));
}

function parseSegment(text: string, path: string): PathPart[] {
  const parts: PathPart[] = [];
  let rest = text;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    const close = rest.indexOf('}');
    if (open === -1) {
      if (close !== -1) throw new PathTemplateError(`path "${path}" has a "}" without its "{"`);
      parts.push({ literal: rest });
      break;
    }
    if (close === -1) throw new PathTemplateError(`path "${path}" has a "{" without its "}"`);
    if (close < open) throw new PathTemplateError(`path "${path}" has a "}" without its "{"`);
    if (open > 0) parts.push({ literal: rest.slice(0, open) });
    const name = rest.slice(open + 1, close);
    if (!/^[^{}]+$/.test(name))
      throw new PathTemplateError(`path "${path}" has an empty or nested parameter "{${name}}"`);
    const last = parts[parts.length - 1];
    if (last && 'param' in last)
      throw new PathTemplateError(`path "${path}" has two parameters with nothing between them`);
    parts.push({ param: name });
    rest = rest.slice(close + 1);
  }
  if (parts.length === 0) parts.push({ literal: '' });
  // A copy of its own length: an array grown by push keeps room for 17 (a gateway holds one per segment of a route).
  return [...parts];
}

export function formatPathTemplate(segments: readonly PathSegment[]): string {
  if (segments.length === 0) return '/';
  return segments.map((s) => `/${s.parts.map((p) => ('literal' in p ? p.literal : `{${p.param}}`)).join('')}`).join('');
}

/** Parameter names in order of appearance. */
export function templateParams(segments: readonly PathSegment[]): string[] {
  return segments.flatMap((s) => s.parts.flatMap((p) => ('param' in p ? [p.param] : [])));
}

/** 3 for a literal segment, 2 for literal text mixed with parameters, 1 for a bare parameter. */
export function segmentRank(segment: PathSegment): number {
  if (segment.parts.every((p) => 'literal' in p)) return 3;
  return segment.parts.some((p) => 'literal' in p) ? 2 : 1;
}

/**
 * Regex body that one parameter value must match, narrowed by its schema where that is safe:
 * enum members, integer, number, boolean, or a string `pattern` that can live inside one path
 * segment (see embeddablePattern). The same text works in ECMAScript, PCRE (nginx) and RE2 (Envoy).
 */
export function paramPattern(schema: ParamSchema): string {
  if (schema.enum && schema.enum.length > 0) return schema.enum.map((v) => escapeRegex(String(v))).join('|');
  if (
    schema.type !== 'integer' &&
    schema.type !== 'number' &&
    schema.type !== 'boolean' &&
    schema.pattern !== undefined
  ) {
    const inner = embeddablePattern(schema.pattern);
    if (inner !== undefined) return inner;
  }
  switch (schema.type) {
    case 'integer':
      return '-?[0-9]+';
    case 'number':
      return '-?[0-9]+(?:\\.[0-9]+)?';
    case 'boolean':
      return 'true|false';
    default:
      return '[^/]+';
  }
}

/**
 * The body of an anchored `^...$` pattern when it can only ever match text without a slash and
 * means the same in ECMAScript, PCRE and RE2: literals, positive character classes without "/",
 * \\d and \\w, groups, alternation and quantifiers. Anything else (".", negated classes,
 * lookarounds, back-references, unanchored patterns) returns undefined: such a pattern does not
 * take part in routing, only in request validation.
 */
export function embeddablePattern(pattern: string): string | undefined {
  const m = /^\^(.*)\$$/.exec(pattern);
  if (!m) return undefined;
  const body = m[1]!;
  if (body === '' || /\(\?|\\[^dw\-.]|\[\^|\/|(^|[^\\])\./.test(body)) return undefined;
  if (/[^A-Za-z0-9_\-[\]{}(),|+*?.\\]/.test(body)) return undefined;
  if (hasTopLevelAlternation(body) || classRangeSpansSlash(body)) return undefined;
  try {
    // A value that may be empty would let "/a//b" match: such patterns stay out of routing.
    if (new RegExp(`^(?:${body})$`).test('')) return undefined;
  } catch {
    return undefined;
  }
  // Groups become non-capturing, so a route regex has exactly one capture per parameter.
  return body.replace(/(^|[^\\])\((?!\?)/g, '$1(?:');
}

/** `^a|b$` means "starts with a, or ends with b": not a whole-value pattern. */
function hasTopLevelAlternation(body: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** A class range such as [+-0] includes "/" without naming it. */
function classRangeSpansSlash(body: string): boolean {
  for (const m of body.matchAll(/\[([^\]]*)\]/g)) {
    for (const r of m[1]!.matchAll(/(\\?.)-(\\?.)/g)) {
      const lo = r[1]!.slice(-1).charCodeAt(0);
      const hi = r[2]!.slice(-1).charCodeAt(0);
      if (lo <= 47 && hi >= 47) return true;
    }
  }
  return false;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Matching data for a route: exact or template, anchored typed regex, static prefix, rank. */
export function compileMatch(segments: readonly PathSegment[], params: readonly PathParam[]): RouteMatch {
  const literalOnly = segments.every((s) => segmentRank(s) === 3);
  const path = formatPathTemplate(segments);
  const regexBody = routeRegexBody(segments, params);
  const firstParam = path.indexOf('{');
  return {
    kind: literalOnly ? 'exact' : 'template',
    regex: `^${regexBody}$`,
    staticPrefix: firstParam === -1 ? path : path.slice(0, firstParam),
    rank: segments.map(segmentRank),
  };
}

/**
 * The body of a route's anchored regex: each segment's literal text (through `literal`, plain
 * regex escaping by default) and its typed parameters, one capture per parameter.
 */
export function routeRegexBody(
  segments: readonly PathSegment[],
  params: readonly PathParam[],
  literal: (text: string) => string = escapeRegex,
): string {
  if (segments.length === 0) return '/';
  const byName = new Map(params.map((p) => [p.name, p.schema]));
  return segments
    .map(
      (s) =>
        '/' +
        s.parts
          .map((p) => ('literal' in p ? literal(p.literal) : `(${paramPattern(byName.get(p.param) ?? {})})`))
          .join(''),
    )
    .join('');
}

/** The anchored regex one segment value must match: the same typing as the route regex. */
export function segmentRegex(segment: PathSegment, params: readonly PathParam[]): RegExp {
  const byName = new Map(params.map((p) => [p.name, p.schema]));
  const re = segment.parts
    .map((p) => ('literal' in p ? escapeRegex(p.literal) : `(?:${paramPattern(byName.get(p.param) ?? {})})`))
    .join('');
  return new RegExp(`^(?:${re})$`);
}

/** Does one segment value satisfy the segment's template, typed exactly as the route regex is? */
export function segmentAccepts(segment: PathSegment, params: readonly PathParam[], value: string): boolean {
  return segmentRegex(segment, params).test(value);
}
