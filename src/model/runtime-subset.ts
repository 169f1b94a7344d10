import type { Gateway, Route, RouteApi, RuntimeGateway, RuntimeRoute, RuntimeService, Service } from './types.js';

/**
 * The part of the model the runtime reads, for the Node target to embed: the public description
 * of each operation and service (descriptions, responses, tags, external docs, what the public
 * spec loses) is for the openapi target, `match` and operation ids for the other targets, and
 * only routes with `validate` on need their parameters, request body and source, and their
 * service its components. For a big gateway this is the difference between a server.mjs the size
 * of its specs and one a fraction of it. test/unit/model/runtime-subset.test.ts checks the
 * runtime starts and validates from it.
 */
export function runtimeSubset(gateway: Gateway): RuntimeGateway {
  const validating = new Set(gateway.routes.filter((r) => r.settings.validate && r.api).map((r) => r.service));
  return {
    ...gateway,
    services: gateway.services.map((s) => serviceSubset(s, validating.has(s.name))),
    routes: gateway.routes.map(routeSubset),
  };
}

function serviceSubset(s: Service, validates: boolean): RuntimeService {
  const { description: _d, externalDocs: _e, tags: _t, apiGaps: _g, routes: _r, components, ...kept } = s;
  return validates && components ? { ...kept, components } : kept;
}

function routeSubset(r: Route): RuntimeRoute {
  const { api, operationId: _o, match: _m, summary: _s, tags: _t, deprecated: _d, source, ...kept } = r;
  if (!r.settings.validate || !api) return kept;
  const checked: RouteApi = {};
  if (api.parameters) checked.parameters = api.parameters;
  if (api.requestBody) checked.requestBody = api.requestBody;
  return { ...kept, source, api: checked };
}
