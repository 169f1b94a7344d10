import type { IncomingMessage } from 'node:http';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { escapePointerToken, unescapePointerToken } from '../../diagnostics/json-pointer.js';
import { isJsonType, type BodyMedia, type ParamCheck, type RouteValidator } from './compile-validator.js';

/** One failing field, as the 400 answer lists it. */
export interface FieldError {
  in: 'path' | 'query' | 'header' | 'body';
  /** The parameter's name (parameters only). */
  name?: string;
  /** JSON pointer into the body (body only; "" is the whole body). */
  pointer?: string;
  message: string;
}

/** Path, query and header parameters, in that order; the first failing field, or null. */
export function checkParameters(
  v: RouteValidator,
  req: IncomingMessage,
  query: string,
  pathValues: readonly string[],
): FieldError | null {
  if (v.path) {
    const data: Record<string, unknown> = {};
    for (const p of v.path.params) data[p.key] = pathValues[p.index];
    const e = run(v.path, data, 'path');
    if (e) return e;
  }
  if (v.query) {
    const search = new URLSearchParams(query);
    const data: Record<string, unknown> = {};
    for (const p of v.query.params) {
      const values = search.getAll(p.name);
      if (values.length === 0) continue;
      data[p.key] = p.array && !p.explode ? values.join(',').split(',') : values.length === 1 ? values[0] : values;
    }
    const e = run(v.query, data, 'query');
    if (e) return e;
  }
  if (v.header) {
    const data: Record<string, unknown> = {};
    for (const p of v.header.params) {
      const value = req.headers[p.key];
      if (value === undefined) continue;
      const text = Array.isArray(value) ? value.join(', ') : value;
      data[p.key] = p.array ? text.split(',').map((s) => s.trim()) : text;
    }
    const e = run(v.header, data, 'header');
    if (e) return e;
  }
  return null;
}

function run(check: ParamCheck, data: Record<string, unknown>, where: 'path' | 'query' | 'header'): FieldError | null {
  if (check.validate(data)) return null;
  const e = check.validate.errors![0]!;
  const parts = pointerOf(e).split('/').slice(1).map(unescapePointerToken);
  const key = parts[0] ?? '';
  const name = check.params.find((p) => p.key === key)?.name ?? key;
  const rest = parts.slice(1);
  const message = e.keyword === 'required' && rest.length === 0 ? 'is required' : messageOf(e);
  return { in: where, name, message: rest.length > 0 ? `item ${rest.join('/')} ${message}` : message };
}

/** A body with no Content-Type is taken as bytes (RFC 9110 8.3). */
const UNTYPED = 'application/octet-stream';

/**
 * What the operation says about a body of this Content-Type: 'unsupported' when it declares
 * media types and none matches (an exact type first, then `type/*`, then `*\/*`), the schema
 * when the body is JSON and the matching type has one, else undefined (accepted unchecked).
 */
export function bodySchemaFor(
  v: RouteValidator,
  contentType: string | undefined,
): ValidateFunction | 'unsupported' | undefined {
  if (!v.body || v.body.media.length === 0) return undefined;
  const type = contentType === undefined ? UNTYPED : contentType.split(';')[0]!.trim().toLowerCase();
  let range: BodyMedia | undefined;
  let any: BodyMedia | undefined;
  for (const m of v.body.media) {
    if (m.type === type) return checkedAs(m, type);
    if (m.type === '*/*') any ??= m;
    else if (m.type.endsWith('/*') && type.startsWith(m.type.slice(0, -1))) range ??= m;
  }
  const match = range ?? any;
  return match ? checkedAs(match, type) : 'unsupported';
}

function checkedAs(m: BodyMedia, type: string): ValidateFunction | undefined {
  return m.validate !== null && isJsonType(type) ? m.validate : undefined;
}

/** The media types a validated operation declares, for the 415 answer. */
export function declaredMediaTypes(v: RouteValidator): string {
  return (v.body?.media ?? []).map((m) => m.type).join(', ');
}

/** A missing body where the operation requires one. */
export function missingBody(v: RouteValidator, hasBody: boolean): FieldError | null {
  return v.body?.required && !hasBody ? { in: 'body', pointer: '', message: 'is required' } : null;
}

/** Parses and checks a buffered JSON body. */
export function checkJsonBody(validate: ValidateFunction, body: Buffer): FieldError | null {
  let data: unknown;
  try {
    data = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return {
      in: 'body',
      pointer: '',
      message: `is not valid JSON (${err instanceof Error ? err.message : 'parse error'})`,
    };
  }
  if (validate(data)) return null;
  const e = validate.errors![0]!;
  return { in: 'body', pointer: pointerOf(e), message: e.keyword === 'required' ? 'is required' : messageOf(e) };
}

/** The detail line of the 400 answer. */
export function describeFieldError(e: FieldError): string {
  if (e.in === 'body') return `body${e.pointer ? ` ${e.pointer}` : ''} ${e.message}`;
  return `${e.in} parameter "${e.name}" ${e.message}`;
}

/** Where the error is: the missing or extra property itself for required and additionalProperties. */
function pointerOf(e: ErrorObject): string {
  const p = e.params as { missingProperty?: string; additionalProperty?: string };
  if (e.keyword === 'required' && p.missingProperty !== undefined)
    return `${e.instancePath}/${escapePointerToken(p.missingProperty)}`;
  if (e.keyword === 'additionalProperties' && p.additionalProperty !== undefined)
    return `${e.instancePath}/${escapePointerToken(p.additionalProperty)}`;
  return e.instancePath;
}

function messageOf(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return 'is not allowed';
  if (e.keyword === 'enum')
    return `must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
  return e.message ?? `fails ${e.keyword}`;
}
