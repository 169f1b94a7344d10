import { routeId } from '../../src/model/ids.js';
import { compileMatch, parsePathTemplate, templateParams } from '../../src/model/path.js';
import type { HttpMethod, Route } from '../../src/model/types.js';
import { DEFAULT_ROUTE_SETTINGS } from '../../src/project/settings.js';

/** A model route for unit tests: untyped parameters, defaults everywhere else. */
export function route(method: HttpMethod, path: string, service = 's'): Route {
  const segments = parsePathTemplate(path);
  const params = templateParams(segments).map((name) => ({ name, schema: {} }));
  return {
    id: routeId(service, null, method, path),
    service,
    operationId: null,
    method,
    path,
    upstreamPath: path,
    segments,
    params,
    match: compileMatch(segments, params),
    upstream: service,
    security: [],
    settings: { ...DEFAULT_ROUTE_SETTINGS, connectTimeoutMs: 1, requestTimeoutMs: 1, retries: 0, maxBodyBytes: 1 },
    summary: null,
    tags: [],
    deprecated: false,
    mock: null,
    source: { file: 'x.yaml', pointer: '#' },
  };
}
