#!/usr/bin/env node
// Precompiles what the Envoy target's strict check needs of Envoy's API protos (shipped in
// @grpc/grpc-js-xds) into dist/envoy-api/descriptors.json: per message its fields, oneofs and
// protoc-gen-validate rules, per enum its values (src/targets/envoy/api-descriptors.ts). `gw build`
// then reads one JSON file instead of parsing and resolving ~345 .proto files in every process;
// without the file (or with one made from another @grpc/grpc-js-xds) it parses them itself.
// `npm run build` runs this after tsc (it loads the compiled dist/targets/envoy/*.js).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => pathToFileURL(join(ROOT, 'dist', p)).href;
const { loadEnvoyProtos, envoyApiSource, ENVOY_API_FILE } = await import(dist('targets/envoy/protos.js'));
const { describeEnvoyApi } = await import(dist('targets/envoy/api-descriptors.js'));

const protos = loadEnvoyProtos();
const api = describeEnvoyApi(protos.root, envoyApiSource(protos));
const text = `${JSON.stringify(api)}\n`;
await mkdir(dirname(ENVOY_API_FILE), { recursive: true });
await writeFile(ENVOY_API_FILE, text);
console.log(
  `compile-envoy-api: wrote ${relative(ROOT, ENVOY_API_FILE)} (${Object.keys(api.messages).length} messages, ` +
    `${Object.keys(api.enums).length} enums from ${protos.files} .proto files; ${Math.round(text.length / 1024)} ` +
    `KiB)`,
);
