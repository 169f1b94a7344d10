/**
 * The model's public description of each service and operation, in OpenAPI 3 shape: what the
 * openapi target prints, and (parameters, request bodies, components) what the runtime validator
 * reads. Part of THE MODEL (types.ts re-exports every type here).
 */

import type { Source } from './source.js';

/** A JSON object from a spec, passed through to the public spec as it is. */
export type JsonObject = { [key: string]: unknown };

/*
 * Model invariant: every Schema Object the model carries (in `Route.api`: parameters, request
 * bodies, responses, headers, callbacks; in `Service.components`: schemas, and the schemas inside
 * parameters, responses, request bodies and headers) is JSON Schema 2020-12 in the OpenAPI 3.1
 * dialect, whatever version the spec was written in. The importer converts each one once
 * (importers/openapi/json-schema.ts): no `nullable`, no boolean exclusive bounds, `examples`
 * lists instead of `example`, and `$ref`s only to `#/components/<kind>/<name>` of the same
 * service. The runtime validator, the mock sampler and the openapi target read them as they are
 * and convert nothing. `PathParam.schema` is a separate, typed subset kept for path matching.
 */

export type ComponentKind =
  | 'schemas'
  | 'responses'
  | 'parameters'
  | 'examples'
  | 'requestBodies'
  | 'headers'
  | 'links'
  | 'callbacks'
  | 'pathItems';

/** One entry of a service's components, named uniquely within its kind and service. */
export interface ApiComponent {
  kind: ComponentKind;
  /** The spec's component name, or one derived from the `$ref` target (file or pointer end) for other targets. */
  name: string;
  /** OpenAPI 3 shaped, its schemas JSON Schema 2020-12 (see above); shared, so consumers never mutate it. */
  value: JsonObject;
  source: Source;
}

export interface ApiTag {
  name: string;
  description?: string;
  externalDocs?: JsonObject;
  source: Source;
}

export type ApiGapKind =
  | 'openapi.webhooks'
  | 'openapi.collection-format'
  | 'openapi.nested-collection-format'
  | 'openapi.unfollowable-ref';

export interface ApiGap {
  /** What is lost, as the GW_TARGET_INEXACT kind the openapi target warns with (docs/errors.md). */
  kind: ApiGapKind;
  /** One sentence naming what cannot be carried over and what the public spec has instead. */
  message: string;
  source: Source;
}

/**
 * The public description of one operation in OpenAPI 3 shape (an Operation Object without the
 * fields the route holds itself: operationId, summary, tags, deprecated, security, servers).
 * Path-item parameters are merged in (the operation's win by name and location); `$ref`s point at
 * the service's components. Swagger 2.0 body and formData parameters become `requestBody`.
 * Its schemas are JSON Schema 2020-12 (the model invariant above `ComponentKind`).
 */
export interface RouteApi {
  description?: string;
  externalDocs?: JsonObject;
  parameters?: JsonObject[];
  requestBody?: JsonObject;
  responses?: Record<string, JsonObject>;
  callbacks?: Record<string, JsonObject>;
  /** The operation's own `x-*` extensions except x-gw. */
  [extension: `x-${string}`]: unknown;
}
