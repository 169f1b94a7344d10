import type { RenderOptions, RenderResult, Target, TargetName } from './types.js';

const LOADERS = new Map<TargetName, () => Promise<Target>>();

/**
 * Every target `gw build` can render, by name. A target's module (its view builder, Handlebars,
 * Envoy's API descriptors, the node runtime bundle) is imported on its first render, so
 * `gw build --target nginx` never loads Envoy's and a render worker loads only its own share.
 */
export const TARGETS: Record<TargetName, Target> = {
  envoy: lazyTarget(
    'envoy',
    'an Envoy static bootstrap (envoy.yaml), checked against the Envoy v3 API protos',
    async () => (await import('./envoy/index.js')).envoyTarget,
  ),
  nginx: lazyTarget(
    'nginx',
    'NGINX configuration: nginx.conf and an include-able conf.d/gw.conf',
    async () => (await import('./nginx/index.js')).nginxTarget,
  ),
  node: lazyTarget(
    'node',
    "a Node.js gateway (server.mjs + gw's bundled runtime, the same proxy as gw serve; no npm install)",
    async () => (await import('./node/index.js')).nodeTarget,
  ),
  openapi: lazyTarget(
    'openapi',
    'the merged public OpenAPI description of every route: openapi.json and openapi.yaml',
    async () => (await import('./openapi/index.js')).openapiTarget,
  ),
};

/** The target itself, its module imported (ahead of a render, or to compare with its entry here). */
export function loadTarget(name: TargetName): Promise<Target> {
  return LOADERS.get(name)!();
}

function lazyTarget(name: TargetName, description: string, load: () => Promise<Target>): Target {
  let loaded: Promise<Target> | undefined;
  const once = () => (loaded ??= load());
  LOADERS.set(name, once);
  return {
    name,
    description,
    async render(gateway, options: RenderOptions): Promise<RenderResult> {
      return (await once()).render(gateway, options);
    },
    // A lazy entry always has prepare(): it imports the target's module, then runs the target's own prepare().
    prepare() {
      void once().then(
        (target) => target.prepare?.(),
        () => undefined,
      );
    },
  };
}
