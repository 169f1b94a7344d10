import { gunzipSync, gzipSync } from 'node:zlib';
import type { RuntimeGateway } from '../model/runtime-subset.js';

/**
 * How the node target embeds a big model in server.mjs: its JSON, gzip-compressed (level 9), as
 * base64 text. A big gateway's model is mostly the same settings and answers repeated per route,
 * which gzip shrinks ~35 times; JSON.parse of the unpacked text is also faster than V8 parsing
 * the same model as an object literal. Deterministic: the same model packs to the same text.
 */
export function packGateway(modelJson: string): string {
  return gzipSync(modelJson, { level: 9 }).toString('base64');
}

/** The model whose JSON text packGateway packed. */
export function unpackGateway(packed: string): RuntimeGateway {
  return JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')) as RuntimeGateway;
}
