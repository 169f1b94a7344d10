import type { JsonObject, RuntimeGateway, RuntimeRoute } from '../../model/types.js';

/**
 * The validator's view of the model's schemas, which it compiles as they are (JSON Schema 2020-12,
 * converted once by the importer). Each service becomes one document, `{components, routes}`,
 * holding its components and the `api` of its validated routes by reference (nothing is copied or
 * rewritten). Added to ajv under `gw:service/<name>`, the `$ref`s inside it
 * (`#/components/<kind>/<name>`) resolve within it, and a route's schema is compiled by its URI
 * (`gw:service/<name>#/routes/<n>/requestBody/...`), so each component compiles once per service.
 */
export interface Located {
  value: JsonObject;
  /** JSON pointer segments of `value` in its service's document. */
  path: string[];
}

const MAX_REF_HOPS = 16;
const COMPONENT_REF = /^#\/components\/([^/]+)\/([^/]+)$/;

export class ServiceDocuments {
  /** Service name -> its document. */
  readonly documents = new Map<
    string,
    { components: Record<string, Record<string, JsonObject>>; routes: JsonObject[] }
  >();
  private readonly routeIndex = new Map<string, number>();

  constructor(gateway: RuntimeGateway, routes: readonly RuntimeRoute[]) {
    for (const s of gateway.services) {
      if (!routes.some((r) => r.service === s.name)) continue;
      const components: Record<string, Record<string, JsonObject>> = {};
      for (const c of s.components ?? []) {
        components[c.kind] ??= {};
        components[c.kind]![c.name] = c.value;
      }
      this.documents.set(s.name, { components, routes: [] });
    }
    for (const r of routes) {
      const doc = this.documents.get(r.service)!;
      this.routeIndex.set(r.id, doc.routes.length);
      doc.routes.push(r.api as JsonObject);
    }
  }

  /** The document's base URI. */
  static base(service: string): string {
    return `gw:service/${encodeURIComponent(service)}`;
  }

  /** The service a document base URI names (undefined for another URI). */
  serviceOf(base: string): string | undefined {
    const prefix = 'gw:service/';
    return base.startsWith(prefix) ? decodeURIComponent(base.slice(prefix.length).split('#')[0]!) : undefined;
  }

  /** Where a route's `api` sits in its service's document. */
  routePath(route: RuntimeRoute): string[] {
    return ['routes', String(this.routeIndex.get(route.id))];
  }

  /** Follows `$ref`s (a parameter, request body or schema may be one) to the service's components. */
  resolve(service: string, value: unknown, path: string[]): Located {
    let v = value as JsonObject;
    let at = path;
    for (let hops = 0; typeof v?.$ref === 'string' && hops < MAX_REF_HOPS; hops++) {
      const m = COMPONENT_REF.exec(v.$ref);
      const target = m ? this.documents.get(service)?.components[m[1]!]?.[m[2]!] : undefined;
      if (!target) throw new Error(`$ref "${v.$ref}" points at no component of service "${service}"`);
      v = target;
      at = ['components', m![1]!, m![2]!];
    }
    return { value: v ?? {}, path: at };
  }

  /**
   * Whether a property's schema (or one its `$ref`s lead to, within the service's components)
   * says `readOnly: true`. Without a service (a schema under its own `$id`) only the schema itself.
   */
  isReadOnly(service: string | undefined, schema: unknown): boolean {
    let v = schema as JsonObject | undefined;
    for (let hops = 0; v && typeof v === 'object' && hops < MAX_REF_HOPS; hops++) {
      if (v.readOnly === true) return true;
      const m = service !== undefined && typeof v.$ref === 'string' ? COMPONENT_REF.exec(v.$ref) : null;
      v = m ? this.documents.get(service!)?.components[m[1]!]?.[m[2]!] : undefined;
    }
    return false;
  }

  /** The URI ajv knows a schema by: the document's base and the pointer as a URI fragment. */
  static uri(service: string, path: readonly string[]): string {
    const pointer = path.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
    return `${ServiceDocuments.base(service)}#/${pointer}`;
  }
}
