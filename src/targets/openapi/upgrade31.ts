import type { JsonObject } from '../../model/types.js';

/** Keys whose values are data (examples, defaults, enums) or vendor extensions: never schemas. */
const LITERAL = new Set(['example', 'examples', 'default', 'enum', 'const']);

/**
 * OpenAPI 3.0 (and converted 2.0) schemas -> OpenAPI 3.1 (JSON Schema 2020-12), for a merged spec
 * that is 3.1 because one input is: `nullable: true` becomes a "null" type (or an anyOf with one
 * when the schema names no type), boolean exclusiveMinimum/Maximum become numbers. Copy on write.
 */
export function upgradeTo31(v: unknown): unknown {
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((x, i) => {
      const y = upgradeTo31(x);
      if (y !== x) {
        out ??= [...v];
        out[i] = y;
      }
    });
    return out ?? v;
  }
  if (v === null || typeof v !== 'object') return v;
  const o = v as JsonObject;
  let out: JsonObject | undefined;
  for (const [k, x] of Object.entries(o)) {
    if (LITERAL.has(k) || k.startsWith('x-')) continue;
    const y = upgradeTo31(x);
    if (y !== x) {
      out ??= { ...o };
      out[k] = y;
    }
  }
  const s = out ?? o;
  if (
    typeof s.nullable !== 'boolean' &&
    typeof s.exclusiveMinimum !== 'boolean' &&
    typeof s.exclusiveMaximum !== 'boolean'
  )
    return s;
  return upgradeSchema({ ...s });
}

function upgradeSchema(s: JsonObject): JsonObject {
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof s[flag] !== 'boolean') continue;
    if (s[flag] === true && typeof s[bound] === 'number') {
      s[flag] = s[bound];
      delete s[bound];
    } else delete s[flag];
  }
  const nullable = s.nullable === true;
  delete s.nullable;
  if (!nullable || typeof s.$ref === 'string') return s; // 3.0 ignores the siblings of a $ref
  if (typeof s.type === 'string') {
    s.type = [s.type, 'null'];
    if (Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...s.enum, null];
    return s;
  }
  if (Array.isArray(s.type)) {
    if (!s.type.includes('null')) s.type = [...s.type, 'null'];
    return s;
  }
  const { description, title, ...rest } = s;
  return {
    ...(title !== undefined ? { title } : {}),
    ...(description !== undefined ? { description } : {}),
    anyOf: [rest, { type: 'null' }],
  };
}
