import type { ImportedUpstream } from '../../../../src/model/fragment.js';
import type { Gateway, Target } from '../../../../src/model/types.js';
import { DEFAULT_EDGE } from '../../../../src/project/edge.js';

export function upstream(id: string, basePath: string, targets: Target[]): ImportedUpstream {
  return {
    id,
    service: id.split('~')[0]!,
    basePath,
    balancing: 'round-robin',
    healthCheck: null,
    connectionsPerTarget: 256,
    targets,
    origin: 'config',
    source: { file: 'gw.yaml', pointer: `#/upstreams/${id}` },
  };
}

/**
 * A model with just what the node target and the environment reader look at: name, listen, services, upstreams
 * (routes left empty).
 */
export function gatewayOf(
  upstreams: ImportedUpstream[],
  listen = { host: '127.0.0.1', port: 8080 },
  mocked: string[] = [],
): Gateway {
  const services = [...new Set(upstreams.map((u) => u.service))].map((name) => ({
    name,
    mock: mocked.includes(name),
    upstream: name,
  }));
  return {
    modelVersion: 1,
    name: 'shop',
    listen,
    services,
    upstreams,
    routes: [],
    securitySchemes: [],
    edge: DEFAULT_EDGE,
  } as unknown as Gateway;
}
