import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { escapePointerToken, unescapePointerToken } from '../diagnostics/json-pointer.js';
import { suggestClosest } from '../diagnostics/suggest.js';
import type { ListenInput } from './config.js';
import { edgeProblems } from './edge-checks.js';
import { listenProblems } from './listen-checks.js';

/** The published JSON Schema of gw.yaml, shipped in the package (schema/gw.schema.json). */
export const SCHEMA_PATH = fileURLToPath(new URL('../../schema/gw.schema.json', import.meta.url));

/** A schema violation in plain words, at a JSON pointer relative to the validated value. */
export interface SchemaProblem {
  kind: 'unknown-key' | 'invalid';
  pointer: string;
  message: string;
  hints: string[];
}

type Validators = { config: ValidateFunction; settings: ValidateFunction };
let validators: Validators | undefined;

const require = createRequire(import.meta.url);

/**
 * dist/gw-schema/validators.cjs of the package: the two validators precompiled by scripts/compile-gw-schema.js at `npm
 * run build`.
 */
export const PRECOMPILED_GW_SCHEMA = fileURLToPath(new URL('../../dist/gw-schema/validators.cjs', import.meta.url));

/** What the precompiled validators must have been made from: this Ajv and this schema file, byte for byte. */
export function gwSchemaStamp(): string {
  const ajv = (JSON.parse(readFileSync(require.resolve('ajv/package.json'), 'utf8')) as { version: string }).version;
  const digest = createHash('sha256').update(readFileSync(SCHEMA_PATH)).digest('hex').slice(0, 16);
  return `ajv@${ajv} gw.schema.json@${digest}`;
}

/**
 * Compiles both validators; `source` keeps the code for a standalone module. Ajv compiles in about 0.1 s, so a build
 * precompiles.
 */
export function compileGwSchema({ source = false } = {}): Validators & { ajv: Ajv } {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as { $id: string };
  // Ajv itself loads only here (~30 ms): with the precompiled validators no gw command needs it.
  const { Ajv } = require('ajv') as typeof import('ajv');
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, ...(source ? { code: { source: true } } : {}) });
  ajv.addSchema(schema);
  return {
    ajv,
    config: ajv.getSchema(schema.$id)!,
    settings: ajv.compile({ $id: 'gw-settings', $ref: `${schema.$id}#/definitions/settings` }),
  };
}

function getValidators(): Validators {
  if (!validators) {
    try {
      const mod = require(PRECOMPILED_GW_SCHEMA) as Validators & { gwStamp?: string };
      if (mod.gwStamp === gwSchemaStamp()) validators = { config: mod.config, settings: mod.settings };
    } catch {
      // not built: compile below
    }
    validators ??= compileGwSchema();
  }
  return validators;
}

export function checkConfigSchema(data: unknown): SchemaProblem[] {
  const v = getValidators().config;
  if (!v(data)) return explainAjvErrors(v.errors ?? []);
  const { edge, listen } = data as { edge?: unknown; listen?: ListenInput };
  return [
    ...corsProblems(data, '#'),
    ...edgeProblems(edge, '#/edge'),
    ...listenProblems(listen, '#/listen'),
    ...composeLevelProblems(data as ComposeHolders),
  ];
}

type ComposeHolders = { settings?: { compose?: unknown }; services?: { settings?: { compose?: unknown } }[] };

/** `compose` makes one operation a composite: gw.yaml holds it under services[].operations only. */
function composeLevelProblems(data: ComposeHolders): SchemaProblem[] {
  const places = [
    { pointer: '#/settings/compose', value: data.settings?.compose },
    ...(data.services ?? []).map((s, i) => ({
      pointer: `#/services/${i}/settings/compose`,
      value: s.settings?.compose,
    })),
  ];
  return places
    .filter((p) => p.value !== undefined)
    .map((p) => ({
      kind: 'invalid' as const,
      pointer: p.pointer,
      message: '"compose" makes one operation a composite, so it cannot be a setting of many',
      hints: ["move it under services[].operations.<operationId>, or into the operation's x-gw (docs/composition.md)"],
    }));
}

/** Checks one x-gw object (or gw.yaml settings block). */
export function checkSettingsSchema(data: unknown): SchemaProblem[] {
  const v = getValidators().settings;
  return v(data) ? corsProblems(data, '#') : explainAjvErrors(v.errors ?? []);
}

/**
 * A rule JSON Schema states badly: CORS with credentials must name its origins (browsers refuse `*` then, and echoing
 * any origin would let every site in).
 */
function corsProblems(value: unknown, pointer: string): SchemaProblem[] {
  if (typeof value !== 'object' || value === null) return [];
  const out: SchemaProblem[] = [];
  for (const [key, v] of Object.entries(value)) {
    const at = `${pointer}/${escapePointerToken(key)}`;
    const cors = v as { credentials?: unknown; origins?: unknown };
    if (
      key === 'cors' &&
      typeof v === 'object' &&
      v !== null &&
      cors.credentials === true &&
      Array.isArray(cors.origins) &&
      cors.origins.includes('*')
    ) {
      out.push({
        kind: 'invalid',
        pointer: `${at}/origins`,
        message: 'origins ["*"] cannot go with credentials: true: any web site could call with the user\'s cookies',
        hints: [
          'list the origins that may call with credentials, e.g. origins: [https://app.example.com]',
          'or drop credentials: true',
        ],
      });
    } else out.push(...corsProblems(v, at));
  }
  return out;
}

/** Ajv's errors turned into one sentence each, without the noise of failed oneOf branches. */
export function explainAjvErrors(errors: readonly ErrorObject[]): SchemaProblem[] {
  const oneOfAt = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of errors) {
    if (e.keyword !== 'oneOf' && e.schemaPath.includes('/oneOf/') && isUnder(e.instancePath, oneOfAt)) continue;
    const p = explainOne(e);
    const key = `${p.pointer}\u0000${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

function isUnder(path: string, roots: Set<string>): boolean {
  for (const r of roots) if (path === r || path.startsWith(`${r}/`)) return true;
  return false;
}

function explainOne(e: ErrorObject): SchemaProblem {
  const pointer = `#${e.instancePath}`;
  const where = lastKey(e.instancePath);
  const value = JSON.stringify(e.data);
  const parent = e.parentSchema as { description?: string; properties?: Record<string, unknown> } | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys(parent?.properties ?? {});
      const close = suggestClosest(key, known);
      const hints = [close ? `did you mean "${close}"?` : `known keys here: ${known.join(', ')}`];
      const parentPath = readablePath(e.instancePath);
      return {
        kind: 'unknown-key',
        pointer: `${pointer}/${escapePointerToken(key)}`,
        message: `unknown key "${key}"${parentPath ? ` in ${parentPath}` : ''}`,
        hints,
      };
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      const parentPath = readablePath(e.instancePath);
      return {
        kind: 'invalid',
        pointer,
        message: `missing required key "${key}"${parentPath ? ` in ${parentPath}` : ''}`,
        hints: [],
      };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues ?? [];
      return {
        kind: 'invalid',
        pointer,
        message: `${value} is not allowed for "${where}"`,
        hints: [`use one of: ${allowed.map((v) => JSON.stringify(v)).join(', ')}`],
      };
    }
    case 'const':
      return {
        kind: 'invalid',
        pointer,
        message:
          `"${where}" must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}, ` +
          `not ${value}`,
        hints: [],
      };
    case 'type':
      return {
        kind: 'invalid',
        pointer,
        message: `${value} is not valid for "${where}"`,
        hints: [`expected ${(e.params as { type: string }).type}`],
      };
    case 'oneOf':
    case 'pattern':
      return {
        kind: 'invalid',
        pointer,
        message: `${value} is not valid for "${where}"`,
        hints: parent?.description
          ? [`"${where}": ${parent.description}`]
          : [`expected ${e.message ?? 'another value'}`],
      };
    default:
      return {
        kind: 'invalid',
        pointer,
        message: `${value} is not valid for "${where}": it ${e.message ?? 'does not fit the schema'}`,
        hints: [],
      };
  }
}

/** "/services/0" -> "services[0]": how a person names the place in gw.yaml. */
function readablePath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter(Boolean)
    .map(unescapePointerToken)
    .reduce((out, k) => (/^\d+$/.test(k) ? `${out}[${k}]` : out ? `${out}.${k}` : k), '');
}

function lastKey(instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  return unescapePointerToken(parts[parts.length - 1] ?? '');
}
