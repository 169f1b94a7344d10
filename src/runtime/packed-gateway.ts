import { gunzipSync } from 'node:zlib';
import type { RuntimeGateway } from '../model/types.js';

/**
 * A big model as the node target embeds it in server.mjs (packModel in src/targets/node/view.ts): its
 * JSON, gzip-compressed, as base64 text. A big gateway's model is mostly the same settings and answers
 * repeated per route, which gzip shrinks ~40 times; JSON.parse of the unpacked text is also faster than
 * V8 parsing the same model as an object literal. test/e2e/node-target.test.ts runs a packed server.mjs.
 */
export function unpackGateway(packed: string): RuntimeGateway {
  return JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')) as RuntimeGateway;
}
