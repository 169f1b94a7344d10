import { envoyTarget } from './envoy/index.js';
import { nodeTarget } from './node/index.js';
import { nginxTarget } from './nginx/index.js';
import { openapiTarget } from './openapi/index.js';
import type { Target, TargetName } from './types.js';

/** Every target `gw build` can render, by name. */
export const TARGETS: Record<TargetName, Target> = {
  envoy: envoyTarget,
  nginx: nginxTarget,
  node: nodeTarget,
  openapi: openapiTarget,
};
