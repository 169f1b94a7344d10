// The route table and the diagnostics of a gateway, loaded through gw's own dist/ modules as
// `gw model` loads them, but printed trimmed: `gw model --json` of a 30,000-route gateway holds
// every operation's description and would be hundreds of MB. Used by bench/scale.js to settle
// which specs and operations the gateway can hold, and to make request paths.
// Usage: node bench/lib/gateway-routes.mjs PROJECT_ROOT GW_YAML
// Prints one JSON line: { routes: [{ id, service, method, path, upstreamPath, segments, params,
// match: { regex } }], diagnostics: { byCode: { "<severity> <code>": n }, errors: [...] } }.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [root, config] = process.argv.slice(2);
const SCHEMA_KEYS = ['type', 'enum', 'pattern', 'minimum', 'maximum', 'minLength', 'maxLength'];

const trimSchema = (schema = {}) =>
  Object.fromEntries(SCHEMA_KEYS.filter((k) => schema[k] !== undefined).map((k) => [k, schema[k]]));

try {
  const { loadGateway } = await import(pathToFileURL(resolve(root, 'dist', 'cli', 'load-gateway.js')).href);
  const { gateway, diagnostics } = await loadGateway(config);
  const routes = gateway.routes.map((r) => ({
    id: r.id,
    service: r.service,
    operationId: r.operationId,
    method: r.method,
    path: r.path,
    upstreamPath: r.upstreamPath,
    segments: r.segments,
    params: r.params.map((p) => ({ name: p.name, schema: trimSchema(p.schema) })),
    match: { regex: r.match.regex },
  }));
  const byCode = {};
  for (const d of diagnostics) byCode[`${d.severity} ${d.code}`] = (byCode[`${d.severity} ${d.code}`] ?? 0) + 1;
  const errors = diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => ({
      code: d.code,
      message: d.message,
      hints: d.hints ?? [],
      files: (d.locations ?? []).map((l) => l.file && resolve(l.file)).filter(Boolean),
    }));
  process.stdout.write(`${JSON.stringify({ routes, diagnostics: { byCode, errors } })}\n`);
} catch (err) {
  process.stderr.write(`gateway-routes: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
}
