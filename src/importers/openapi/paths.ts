import { escapePointerToken } from '../../diagnostics/json-pointer.js';
import type { HttpMethod, ParamSchema, PathParam } from '../../model/types.js';

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Raw = Record<string, unknown>;

/** One operation of the spec, with what its path item passes down to it. */
export interface OperationEntry {
  path: string;
  method: HttpMethod;
  pathItem: Raw;
  operation: Raw;
  /** JSON pointers of the path item and the operation. */
  pathPointer: string;
  pointer: string;
}

export function listOperations(doc: Raw): OperationEntry[] {
  const out: OperationEntry[] = [];
  const paths = (doc.paths ?? {}) as Record<string, Raw>;
  for (const [path, item] of Object.entries(paths)) {
    if (!item || typeof item !== 'object' || !path.startsWith('/')) continue;
    const pathPointer = `#/paths/${escapePointerToken(path)}`;
    for (const m of METHODS) {
      const op = item[m];
      if (op && typeof op === 'object') {
        out.push({
          path,
          method: m.toUpperCase() as HttpMethod,
          pathItem: item,
          operation: op as Raw,
          pathPointer,
          pointer: `${pathPointer}/${m}`,
        });
      }
    }
  }
  return out;
}

/** Path parameters of an operation (operation-level wins over path-level by name), with their typing schema. */
export function readPathParams(entry: OperationEntry, names: readonly string[], swagger2: boolean): PathParam[] {
  const declared = new Map<string, Raw>();
  for (const list of [entry.pathItem.parameters, entry.operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const p of list as Raw[]) if (p && p.in === 'path' && typeof p.name === 'string') declared.set(p.name, p);
  }
  return names.map((name) => {
    const p = declared.get(name);
    const schema = p ? ((swagger2 ? p : p.schema) as Raw | undefined) : undefined;
    return { name, schema: pickSchema(schema) };
  });
}

/** Keeps only what typed matching needs; a 3.1 `type: [integer, "null"]` counts as integer. */
function pickSchema(s: Raw | undefined): ParamSchema {
  if (!s || typeof s !== 'object') return {};
  const out: ParamSchema = {};
  const types = (Array.isArray(s.type) ? s.type : [s.type]).filter((t) => t !== 'null');
  const t = types.length === 1 ? types[0] : undefined;
  if (t === 'string' || t === 'integer' || t === 'number' || t === 'boolean') out.type = t;
  if (typeof s.format === 'string') out.format = s.format;
  if (Array.isArray(s.enum))
    out.enum = (s.enum as unknown[]).filter((v): v is string | number | boolean => v !== null && typeof v !== 'object');
  else if (s.const !== undefined && s.const !== null && typeof s.const !== 'object')
    out.enum = [s.const as string | number | boolean];
  if (typeof s.pattern === 'string') out.pattern = s.pattern;
  for (const k of ['minimum', 'maximum', 'minLength', 'maxLength'] as const)
    if (typeof s[k] === 'number') out[k] = s[k] as number;
  return out;
}
