import type { Options, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic, GwError } from '../../diagnostics/gw-error.js';
import type { JsonObject, RuntimeGateway, RuntimeRoute } from '../../model/types.js';
import { NUMBER_FORMATS, STRING_FORMATS } from './formats.js';
import { requestRequired } from './request-required.js';
import { ServiceDocuments } from './service-documents.js';

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
 * Compiles the request checks of every route with `validate` on, from the model's schemas as they
 * are (JSON Schema 2020-12, Ajv 2020). Two ajv instances for the whole gateway (parameters with
 * type coercion, bodies without), each holding every service's document once (service-documents.ts),
 * so components, recursive ones too, compile once. Every schema that cannot be compiled is
 * reported (GW_VALIDATE_SCHEMA) before the gateway refuses to start.
 */
export function compileValidators(gateway: RuntimeGateway): Map<string, RouteValidator> {
  const out = new Map<string, RouteValidator>();
  const routes = gateway.routes.filter((r) => r.settings.validate && r.api);
  if (routes.length === 0) return out;
  const problems: Diagnostic[] = [];
  const compiler = new RouteCompiler(new ServiceDocuments(gateway, routes));
  for (const route of routes) {
    try {
      out.set(route.id, compiler.compileRoute(route));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      problems.push(
        createDiagnostic('GW_VALIDATE_SCHEMA', `route ${route.id}: ${message}`, {
          locations: route.source ? [{ file: route.source.file, pointer: route.source.pointer }] : [],
          hints: ['fix the schema in the spec, or turn validation off for this operation (validate: false)'],
        }),
      );
    }
  }
  if (problems.length > 0) throw new GwError(problems);
  return out;
}

interface ParamEntry {
  spec: ParamSpec;
  /** Where the parameter's schema is in its service's document. */
  path: string[];
  schema: JsonObject;
  required: boolean;
}

class RouteCompiler {
  private params: Ajv2020 | undefined;
  private bodies: Ajv2020 | undefined;
  /**
   * Parameter checks by their schema's text: routes that take the same parameters (`owner` and `repo`, by `$ref` to
   * the service's components) share one compiled check, where compiling each anew made most of the start-up time.
   */
  private readonly paramChecks = new Map<string, ValidateFunction>();

  constructor(private readonly docs: ServiceDocuments) {}

  compileRoute(route: RuntimeRoute): RouteValidator {
    const api = route.api!;
    const service = route.service;
    const at = this.docs.routePath(route);
    const byLocation: Record<ParamLocation, ParamEntry[]> = { path: [], query: [], header: [] };
    (api.parameters ?? []).forEach((raw, i) => {
      const { value: p, path } = this.docs.resolve(service, raw, [...at, 'parameters', String(i)]);
      const where = p.in as string;
      if ((where !== 'path' && where !== 'query' && where !== 'header') || typeof p.name !== 'string' || !p.schema)
        return;
      // deepObject and content-described parameters are forwarded unchecked.
      if (p.style === 'deepObject' || p.content) return;
      const name = p.name;
      if (where === 'header' && IGNORED_HEADERS.has(name.toLowerCase())) return;
      const index = where === 'path' ? route.params.findIndex((x) => x.name === name) : -1;
      if (where === 'path' && index === -1) return;
      const explode =
        p.explode !== undefined ? p.explode === true : (p.style ?? (where === 'query' ? 'form' : 'simple')) === 'form';
      byLocation[where].push({
        spec: {
          name,
          key: where === 'header' ? name.toLowerCase() : name,
          array: this.isArraySchema(service, p.schema),
          explode,
          index,
        },
        path: [...path, 'schema'],
        schema: p.schema as JsonObject,
        required: p.required === true || where === 'path',
      });
    });
    return {
      path: this.paramCheck(service, byLocation.path, 'path'),
      query: this.paramCheck(service, byLocation.query, 'query'),
      header: this.paramCheck(service, byLocation.header, 'header'),
      body: api.requestBody ? this.bodyCheck(service, api.requestBody, [...at, 'requestBody']) : null,
    };
  }

  /** One object schema per location, each parameter's schema by its URI in the service's document. */
  private paramCheck(service: string, list: ParamEntry[], where: ParamLocation): ParamCheck | null {
    if (list.length === 0) return null;
    const ajv = this.paramsAjv();
    const properties: Record<string, unknown> = {};
    for (const p of list) {
      this.checkSchema(p.schema, `${where} parameter "${p.spec.name}"`);
      properties[p.spec.key] = { $ref: ServiceDocuments.uri(service, p.path) };
    }
    const schema = { type: 'object', properties, required: list.filter((p) => p.required).map((p) => p.spec.key) };
    const key = JSON.stringify(schema);
    let validate = this.paramChecks.get(key);
    if (!validate) {
      validate = compile(ajv, schema, `${where} parameters`);
      this.paramChecks.set(key, validate);
    }
    return { params: list.map((p) => p.spec), validate };
  }

  private bodyCheck(service: string, raw: JsonObject, at: string[]): BodyCheck {
    const { value: body, path } = this.docs.resolve(service, raw, at);
    const media: BodyCheck['media'] = [];
    for (const [type, m] of Object.entries((body.content ?? {}) as Record<string, JsonObject>)) {
      const lower = type.toLowerCase().split(';')[0]!.trim();
      const checked = m?.schema !== undefined && (isJsonType(lower) || lower === '*/*' || lower === 'application/*');
      let validate: ValidateFunction | null = null;
      if (checked) {
        const what = `the ${lower} body schema`;
        this.checkSchema(m.schema as JsonObject, what);
        validate = compileAt(
          this.bodiesAjv(),
          ServiceDocuments.uri(service, [...path, 'content', type, 'schema']),
          what,
        );
      }
      media.push({ type: lower, validate });
    }
    return { required: body.required === true, media };
  }

  /** An array parameter (also a nullable one, `anyOf: [array, null]`), for splitting its text. */
  private isArraySchema(service: string, raw: unknown): boolean {
    const schema = this.docs.resolve(service, raw, []).value;
    const isArray = (s: JsonObject) => s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array'));
    if (isArray(schema)) return true;
    const options = Array.isArray(schema.anyOf) ? (schema.anyOf as unknown[]) : [];
    return options.some((o) => isArray(this.docs.resolve(service, o, []).value));
  }

  private paramsAjv(): Ajv2020 {
    this.params ??= this.newAjv({ coerceTypes: 'array' });
    return this.params;
  }

  private bodiesAjv(): Ajv2020 {
    if (!this.bodies) {
      this.bodies = this.newAjv({});
      this.bodies.removeKeyword('required');
      this.bodies.addKeyword(
        requestRequired((schema, baseId) => this.docs.isReadOnly(this.docs.serviceOf(baseId), schema)),
      );
    }
    return this.bodies;
  }

  /**
   * The schema's own keywords against the 2020-12 meta-schema (its `$ref`s are compiled later), with
   * one instance: compiling the meta-schema costs ~100 ms, so the instances do not check by themselves.
   */
  private checkSchema(schema: JsonObject, what: string): void {
    const ajv = this.bodiesAjv();
    if (!ajv.validateSchema(schema)) throw new Error(`${what}: schema is invalid: ${ajv.errorsText(ajv.errors)}`);
  }

  private newAjv(extra: Options): Ajv2020 {
    const options: Options = {
      strict: false,
      allErrors: false,
      logger: false,
      validateFormats: true,
      validateSchema: false,
      ...extra,
    };
    const ajv = new Ajv2020(options);
    for (const [name, validate] of Object.entries(STRING_FORMATS)) ajv.addFormat(name, { type: 'string', validate });
    for (const [name, validate] of Object.entries(NUMBER_FORMATS)) ajv.addFormat(name, { type: 'number', validate });
    for (const [service, doc] of this.docs.documents) ajv.addSchema(doc, ServiceDocuments.base(service));
    return ajv;
  }
}

function compile(ajv: Ajv2020, schema: object, what: string): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (err) {
    throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The schema at a URI of a service's document, compiled with that document as its root, so its
 * own `$ref`s resolve there (and the readOnly rule knows the service from the document's URI).
 */
function compileAt(ajv: Ajv2020, uri: string, what: string): ValidateFunction {
  let validate: ValidateFunction | undefined;
  try {
    validate = ajv.getSchema(uri);
  } catch (err) {
    throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!validate) throw new Error(`${what}: nothing at ${uri}`);
  return validate;
}

/** application/json, application/problem+json, text/json, ... */
export function isJsonType(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json') || mediaType === 'text/json';
}
