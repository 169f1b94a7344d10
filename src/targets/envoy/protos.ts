import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';

/**
 * Envoy's v3 API protos, as shipped in @grpc/grpc-js-xds (deps/: envoy-api, xds, googleapis,
 * protoc-gen-validate), loaded once per process with protobufjs and kept. Every v3 file is loaded
 * (so any `@type` of an extension resolves) except the few whose imports are not shipped
 * (OpenCensus and OpenTelemetry protos): `skipped` names them.
 */
export interface EnvoyProtos {
  root: protobuf.Root;
  files: number;
  skipped: string[];
  loadMs: number;
}

/** google/protobuf files protobufjs has built in. */
const BUNDLED = new Set(['any', 'duration', 'empty', 'field_mask', 'struct', 'timestamp', 'wrappers'].map((n) => `google/protobuf/${n}.proto`));

let cached: EnvoyProtos | undefined;

export function loadEnvoyProtos(): EnvoyProtos {
  if (cached) return cached;
  const started = performance.now();
  const require = createRequire(import.meta.url);
  const deps = join(dirname(require.resolve('@grpc/grpc-js-xds')), '..', '..', 'deps');
  const protobufDir = dirname(require.resolve('protobufjs/package.json'));
  const includeDirs = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(deps, d)).concat(protobufDir);
  const locate = (file: string): string | undefined => includeDirs.map((d) => join(d, file)).find((p) => existsSync(p));

  const importsOf = new Map<string, string[] | null>();
  const loadable = (file: string, seen = new Set<string>()): boolean => {
    if (BUNDLED.has(file) || seen.has(file)) return true;
    seen.add(file);
    let imports = importsOf.get(file);
    if (imports === undefined) {
      const path = locate(file);
      imports = path ? [...readFileSync(path, 'utf8').matchAll(/^import\s+(?:public\s+|weak\s+)?"([^"]+)";/gm)].map((m) => m[1]!) : null;
      importsOf.set(file, imports);
    }
    return imports !== null && imports.every((i) => loadable(i, seen));
  };

  const all = readdirSync(join(deps, 'envoy-api', 'envoy'), { recursive: true, encoding: 'utf8' })
    .map((f) => `envoy/${f.split('\\').join('/')}`)
    .filter((f) => f.endsWith('.proto') && f.includes('/v3/'))
    .sort();
  const files = all.filter((f) => loadable(f));
  const root = new protobuf.Root();
  // Imports resolve against the include folders, as protoc's -I would; protobufjs' built-ins win for google/protobuf.
  root.resolvePath = (_origin, target) => locate(target) ?? target;
  root.loadSync(files, { keepCase: true });
  cached = { root, files: files.length, skipped: all.filter((f) => !files.includes(f)), loadMs: performance.now() - started };
  return cached;
}
