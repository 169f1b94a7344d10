import { writeFiles } from '../helpers/specs.js';

/** The key the private WebSocket route takes, and the consumer it belongs to. */
export const WS_KEY = { consumer: 'chat-app', key: 'ws-key-5f1d2c9e7a' };
export const WS_ORIGIN = 'https://chat.example';

/**
 * The WebSocket project every plane runs (websocket-checks.ts): one upstream (a `ws` server) and a route per
 * behaviour. /ws/echo tunnels (handshakes only from WS_ORIGIN when they carry an Origin), /ws/idle closes after
 * 400 ms without a frame, /ws/life 700 ms after it opened, /ws/private needs an API key, /ws/limited takes two
 * handshakes an hour per client, and /plain takes none (400).
 */
export async function writeWebSocketProject(dir: string, upstream: string, listen: string): Promise<void> {
  const ok = { '101': { description: 'switching to WebSocket' } };
  const spec = {
    openapi: '3.0.3',
    info: { title: 'Live', version: '1.0.0' },
    components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } } },
    paths: {
      '/ws/echo': {
        get: {
          operationId: 'echo',
          'x-gw': { websocket: true, cors: { origins: [WS_ORIGIN] } },
          responses: ok,
        },
      },
      '/ws/idle': { get: { operationId: 'idle', 'x-gw': { websocket: { idleTimeout: '400ms' } }, responses: ok } },
      '/ws/life': { get: { operationId: 'life', 'x-gw': { websocket: { maxLifetime: '700ms' } }, responses: ok } },
      '/ws/private': {
        get: { operationId: 'private', security: [{ key: [] }], 'x-gw': { websocket: true }, responses: ok },
      },
      '/ws/limited': {
        get: {
          operationId: 'limited',
          'x-gw': { websocket: true, rateLimit: { requests: 2, window: '1h' } },
          responses: ok,
        },
      },
      '/plain': { get: { operationId: 'plain', responses: { '200': { description: 'ok' } } } },
    },
  };
  await writeFiles(dir, {
    'live.yaml': spec,
    'live.keys': `${WS_KEY.consumer}:${WS_KEY.key}\n`,
    'gw.yaml': `version: 1
name: live
listen: ${listen}
settings:
  auth: { failureLimit: false }
credentials:
  live.key: { keys: { file: live.keys } }
services:
  - name: live
    spec: live.yaml
    upstreams: ["${upstream}"]
`,
  });
}
