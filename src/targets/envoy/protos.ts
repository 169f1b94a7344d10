import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type protobuf from 'protobufjs';
import { describeEnvoyApi, ENVOY_API_FORMAT, type EnvoyApi } from './api-descriptors.js';

/**
 * Envoy's v3 API protos, as shipped in @grpc/grpc-js-xds (deps/: envoy-api, xds, googleapis,
 * protoc-gen-validate). Every v3 file is loaded (so any `@type` of an extension resolves) except
 * the few whose imports are not shipped (OpenCensus and OpenTelemetry protos): `skipped` names them.
 *
 * The check reads them as EnvoyApi data (api-descriptors.ts), which `npm run build` writes to
 * dist/envoy-api/descriptors.json (scripts/compile-envoy-api.js): reading it takes milliseconds,
 * parsing and resolving the .proto files with protobufjs about half a second. Without that file
 * (or when it was made from another @grpc/grpc-js-xds), the .proto files are parsed here instead.
 */
export interface EnvoyProtos {
  root: protobuf.Root;
  files: number;
  skipped: string[];
  loadMs: number;
}

export interface LoadedEnvoyApi {
  api: EnvoyApi;
  /** Where it came from: the precompiled file, or the .proto files parsed in this process. */
  from: 'precompiled' | 'protos';
  loadMs: number;
}

/** google/protobuf files protobufjs has built in. */
const BUNDLED = new Set(
  ['any', 'duration', 'empty', 'field_mask', 'struct', 'timestamp', 'wrappers'].map(
    (n) => `google/protobuf/${n}.proto`,
  ),
);
const XDS_PACKAGE = '@grpc/grpc-js-xds';

/** dist/envoy-api/descriptors.json of the package (this module is <package>/{src,dist}/targets/envoy/protos.*). */
export const ENVOY_API_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'dist',
  'envoy-api',
  'descriptors.json',
);

const require = createRequire(import.meta.url);
let cachedProtos: EnvoyProtos | undefined;
let cachedApi: LoadedEnvoyApi | undefined;

/**
 * The descriptors the check uses: the precompiled file when it matches the installed protos, else parsed from them
 * (once per process).
 */
export function loadEnvoyApi(): LoadedEnvoyApi {
  if (cachedApi) return cachedApi;
  const started = performance.now();
  const precompiled = readPrecompiled();
  if (precompiled) {
    cachedApi = { api: precompiled, from: 'precompiled', loadMs: performance.now() - started };
    return cachedApi;
  }
  const protos = loadEnvoyProtos();
  cachedApi = {
    api: describeEnvoyApi(protos.root, envoyApiSource(protos)),
    from: 'protos',
    loadMs: performance.now() - started,
  };
  return cachedApi;
}

/** What a descriptors file must have been made from to be used here. */
export function envoyApiSource(protos: Pick<EnvoyProtos, 'files' | 'skipped'>): EnvoyApi['source'] {
  return { package: XDS_PACKAGE, version: xdsVersion(), files: protos.files, skipped: protos.skipped };
}

function readPrecompiled(): EnvoyApi | undefined {
  let api: EnvoyApi;
  try {
    api = JSON.parse(readFileSync(ENVOY_API_FILE, 'utf8')) as EnvoyApi;
  } catch {
    return undefined;
  }
  const fresh =
    api.format === ENVOY_API_FORMAT &&
    api.source?.package === XDS_PACKAGE &&
    api.source.version === xdsVersion() &&
    api.messages &&
    api.enums;
  return fresh ? api : undefined;
}

function xdsVersion(): string {
  return (JSON.parse(readFileSync(require.resolve(`${XDS_PACKAGE}/package.json`), 'utf8')) as { version: string })
    .version;
}

/** The .proto files parsed and resolved with protobufjs (once per process): the source of the descriptors. */
export function loadEnvoyProtos(): EnvoyProtos {
  if (cachedProtos) return cachedProtos;
  const started = performance.now();
  const deps = join(dirname(require.resolve(XDS_PACKAGE)), '..', '..', 'deps');
  const protobufDir = dirname(require.resolve('protobufjs/package.json'));
  const includeDirs = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate']
    .map((d) => join(deps, d))
    .concat(protobufDir);
  const locate = (file: string): string | undefined => includeDirs.map((d) => join(d, file)).find((p) => existsSync(p));

  const importsOf = new Map<string, string[] | null>();
  const loadable = (file: string, seen = new Set<string>()): boolean => {
    if (BUNDLED.has(file) || seen.has(file)) return true;
    seen.add(file);
    let imports = importsOf.get(file);
    if (imports === undefined) {
      const path = locate(file);
      imports = path
        ? [...readFileSync(path, 'utf8').matchAll(/^import\s+(?:public\s+|weak\s+)?"([^"]+)";/gm)].map((m) => m[1]!)
        : null;
      importsOf.set(file, imports);
    }
    return imports?.every((i) => loadable(i, seen)) ?? false;
  };

  const all = readdirSync(join(deps, 'envoy-api', 'envoy'), { recursive: true, encoding: 'utf8' })
    .map((f) => `envoy/${f.split('\\').join('/')}`)
    .filter((f) => f.endsWith('.proto') && f.includes('/v3/'))
    .sort();
  const files = all.filter((f) => loadable(f));
  // protobufjs loads only here: with the precompiled descriptors (the usual case) nothing needs it.
  const { Root } = require('protobufjs') as typeof protobuf;
  const root = new Root();
  // Imports resolve against the include folders, as protoc's -I would; protobufjs' built-ins win for google/protobuf.
  root.resolvePath = (_origin, target) => locate(target) ?? target;
  root.loadSync(files, { keepCase: true });
  cachedProtos = {
    root,
    files: files.length,
    skipped: all.filter((f) => !files.includes(f)),
    loadMs: performance.now() - started,
  };
  return cachedProtos;
}
