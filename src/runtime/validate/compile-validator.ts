import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic, GwError } from '../../diagnostics/gw-error.js';
import type { Gateway, JsonObject, Route, Service } from '../../model/types.js';
import { NUMBER_FORMATS, STRING_FORMATS } from './formats.js';
import { toJsonSchema, type Dialect } from './schema-dialect.js';

export type ParamLocation = 'path' | 'query' | 'header';

export interface ParamSpec {
  name: string;
  /** The key in the data object: the name, lower-case for headers. */
  key: string;
  array: boolean;
  /** Query arrays as repeated keys (form, explode) or comma-separated (explode: false). */
  explode: boolean;
  /** Path parameters: the index of the value in the router's captures. */
  index: number;
}

export interface ParamCheck {
  params: ParamSpec[];
  validate: ValidateFunction;
}

export interface BodyCheck {
  required: boolean;
  /**
   * Every media type the operation's requestBody declares, in spec order, lower-case without
   * parameters (`application/json`, `text/*`, `*\/*`); only these are accepted (415 otherwise).
   * `validate` checks a JSON body against the type's schema; null: accepted unchecked.
   */
  media: BodyMedia[];
}

export interface BodyMedia {
  type: string;
  validate: ValidateFunction | null;
}

/** A route's checks, compiled once at start-up; null parts have nothing to check. */
export interface RouteValidator {
  path: ParamCheck | null;
  query: ParamCheck | null;
  header: ParamCheck | null;
  body: BodyCheck | null;
}

/** Headers OpenAPI says a header parameter cannot describe. */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

/**
 * Compiles the request checks of every route with `validate` on. One pair of ajv instances per
 * service (parameters with type coercion, bodies without), each holding the service's components
 * once, so `$ref`s (recursive ones too) are compiled once. Every schema that cannot be compiled
 * is reported (GW_VALIDATE_SCHEMA) before the gateway refuses to start.
 */
export function compileValidators(gateway: Gateway): Map<string, RouteValidator> {
  const out = new Map<string, RouteValidator>();
  const problems: Diagnostic[] = [];
  const services = new Map<string, ServiceSchemas>();
  for (const route of gateway.routes) {
    if (!route.settings.validate || !route.api) continue;
    let s = services.get(route.service);
    if (!s) {
      const service = gateway.services.find((x) => x.name === route.service)!;
      s = new ServiceSchemas(service);
      services.set(route.service, s);
    }
    try {
      out.set(route.id, s.compileRoute(route));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      problems.push(
        createDiagnostic('GW_VALIDATE_SCHEMA', `route ${route.id}: ${message}`, {
          locations: [{ file: route.source.file, pointer: route.source.pointer }],
          hints: ['fix the schema in the spec, or turn validation off for this operation (validate: false)'],
        }),
      );
    }
  }
  if (problems.length > 0) throw new GwError(problems);
  return out;
}

class ServiceSchemas {
  private readonly dialect: Dialect;
  private readonly base: string;
  private readonly components = new Map<string, JsonObject>();
  private params: Ajv | undefined;
  private bodies: Ajv | undefined;

  constructor(private readonly service: Service) {
    this.dialect = service.openapi.startsWith('3.1') ? 'oas31' : 'oas30';
    this.base = `gw:service/${encodeURIComponent(service.name)}`;
    for (const c of service.components ?? []) this.components.set(`#/components/${c.kind}/${c.name}`, c.value);
  }

  compileRoute(route: Route): RouteValidator {
    const api = route.api!;
    const byLocation: Record<ParamLocation, { spec: ParamSpec; schema: unknown; required: boolean }[]> = {
      path: [],
      query: [],
      header: [],
    };
    for (const raw of api.parameters ?? []) {
      const p = this.resolve(raw);
      const where = p.in as string;
      if ((where !== 'path' && where !== 'query' && where !== 'header') || typeof p.name !== 'string' || !p.schema)
        continue;
      // deepObject and content-described parameters are forwarded unchecked.
      if (p.style === 'deepObject' || p.content) continue;
      const name = p.name;
      if (where === 'header' && IGNORED_HEADERS.has(name.toLowerCase())) continue;
      const schema = this.resolve(p.schema);
      const index = where === 'path' ? route.params.findIndex((x) => x.name === name) : -1;
      if (where === 'path' && index === -1) continue;
      byLocation[where].push({
        spec: {
          name,
          key: where === 'header' ? name.toLowerCase() : name,
          array: isArraySchema(schema),
          explode:
            p.explode !== undefined
              ? p.explode === true
              : (p.style ?? (where === 'query' ? 'form' : 'simple')) === 'form',
          index,
        },
        schema: p.schema,
        required: p.required === true || where === 'path',
      });
    }
    return {
      path: this.paramCheck(byLocation.path, 'path'),
      query: this.paramCheck(byLocation.query, 'query'),
      header: this.paramCheck(byLocation.header, 'header'),
      body: this.bodyCheck(api.requestBody),
    };
  }

  private paramCheck(
    list: { spec: ParamSpec; schema: unknown; required: boolean }[],
    where: ParamLocation,
  ): ParamCheck | null {
    if (list.length === 0) return null;
    const properties: Record<string, unknown> = {};
    for (const p of list) properties[p.spec.key] = this.convert(p.schema);
    const schema = { type: 'object', properties, required: list.filter((p) => p.required).map((p) => p.spec.key) };
    return { params: list.map((p) => p.spec), validate: compile(this.paramsAjv(), schema, `${where} parameters`) };
  }

  private bodyCheck(raw: JsonObject | undefined): BodyCheck | null {
    if (!raw) return null;
    const body = this.resolve(raw);
    const media: BodyCheck['media'] = [];
    for (const [type, m] of Object.entries((body.content ?? {}) as Record<string, JsonObject>)) {
      const lower = type.toLowerCase().split(';')[0]!.trim();
      const checked = m?.schema !== undefined && (isJsonType(lower) || lower === '*/*' || lower === 'application/*');
      media.push({
        type: lower,
        validate: checked ? compile(this.bodiesAjv(), this.convert(m.schema), `the ${lower} body schema`) : null,
      });
    }
    return { required: body.required === true, media };
  }

  /** Follows `$ref`s to the service's components (a parameter or request body may be one). */
  private resolve(value: unknown): JsonObject {
    let v = value as JsonObject;
    for (let hops = 0; typeof v?.$ref === 'string' && hops < 16; hops++) {
      const target = this.components.get(v.$ref);
      if (!target) throw new Error(`$ref "${v.$ref}" points at no component of service "${this.service.name}"`);
      v = target;
    }
    return v ?? {};
  }

  private convert(schema: unknown): unknown {
    return toJsonSchema(schema, this.dialect, this.base);
  }

  private paramsAjv(): Ajv {
    this.params ??= this.newAjv({ coerceTypes: 'array' });
    return this.params;
  }

  private bodiesAjv(): Ajv {
    this.bodies ??= this.newAjv({});
    return this.bodies;
  }

  private newAjv(extra: Options): Ajv {
    const options: Options = { strict: false, allErrors: false, logger: false, validateFormats: true, ...extra };
    const ajv = this.dialect === 'oas31' ? new Ajv2020(options) : new Ajv(options);
    for (const [name, validate] of Object.entries(STRING_FORMATS)) ajv.addFormat(name, { type: 'string', validate });
    for (const [name, validate] of Object.entries(NUMBER_FORMATS)) ajv.addFormat(name, { type: 'number', validate });
    const doc: Record<string, Record<string, unknown>> = {};
    for (const c of this.service.components ?? []) {
      doc[c.kind] ??= {};
      doc[c.kind]![c.name] = c.value;
    }
    ajv.addSchema({ components: toJsonSchema(doc, this.dialect, this.base) } as object, this.base);
    return ajv;
  }
}

function compile(ajv: Ajv, schema: unknown, what: string): ValidateFunction {
  try {
    return ajv.compile(schema as object);
  } catch (err) {
    throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** application/json, application/problem+json, text/json, ... */
export function isJsonType(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json') || mediaType === 'text/json';
}

function isArraySchema(schema: JsonObject): boolean {
  return schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'));
}
