import type { Diagnostic, Location } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import { escapePointerToken } from '../../diagnostics/json-pointer.js';
import type { ImportedRoute, ImportedUpstream, ServiceFragment } from '../../model/fragment.js';
import { routeId } from '../../model/ids.js';
import {
  compileMatch,
  formatPathTemplate,
  parsePathTemplate,
  PathTemplateError,
  templateParams,
} from '../../model/path.js';
import type { Source, Upstream } from '../../model/types.js';
import type { ServiceConfig, SettingsInput } from '../../project/config.js';
import {
  DEFAULT_UPSTREAM_CONNECTIONS,
  mergeSettings,
  resolveBalancing,
  resolveHealthCheck,
  resolveRouteSettings,
} from '../../project/settings.js';
import { createApiCollector, readTags } from './api-doc.js';
import { readComposeDraft } from './compose-draft.js';
import { readExtension } from './extensions.js';
import { componentResolver, mockResponses } from './mock.js';
import type { LoadedSpec } from './load.js';
import { checkOperationIds, checkOverrides } from './operation-checks.js';
import { listOperations, readPathParams, type OperationEntry } from './paths.js';
import { readRequirements, readSecuritySchemes } from './security.js';
import {
  resolveConfigUpstreams,
  resolveServers,
  swaggerServers,
  type ResolvedServers,
  type ServerContext,
  type ServerObject,
} from './servers.js';
import { UnreachablePaths } from './unreachable-paths.js';

type Raw = Record<string, unknown>;

export interface ImportInput {
  spec: LoadedSpec;
  /** The service's name, settled by the caller (gw.yaml entry or --name or the title). */
  name: string;
  /** The service's entry in gw.yaml, when it has one. */
  config?: ServiceConfig;
  /** Where that entry is: maps a pointer relative to the entry to a gw.yaml location. */
  configAt?: (pointer: string) => Location;
  /** Answer this service from its spec's examples (gw.yaml `mock: true`, or gw serve --mock-missing). */
  mock?: boolean;
  /** gw.yaml's file name, for the source of upstreams it defines. */
  configFile?: string;
  /** gw.yaml top-level `settings`: the gateway defaults. */
  defaults?: SettingsInput;
}

export interface ImportResult {
  fragment: ServiceFragment;
  diagnostics: Diagnostic[];
}

/**
 * One validated OpenAPI 2.0/3.x document -> one service fragment of the model. Every decision that
 * needs the spec is made here: servers and variables, path translation, typed parameters, security
 * requirements, and the effective settings (gw.yaml > operation x-gw > path x-gw > document x-gw > defaults).
 */
export function importOpenApi(input: ImportInput): ImportResult {
  const { spec, name, config } = input;
  const doc = spec.document;
  const swagger2 = spec.openapi === '2.0';
  const diagnostics: Diagnostic[] = [];
  const file = spec.file;
  // Line and column are filled in later for all diagnostics of the file at once (fillLines): one
  // scan of a big JSON spec instead of one per diagnostic.
  const at = (pointer: string): Location => ({ file, pointer });
  const configAt = input.configAt ?? ((pointer: string) => ({ file: 'gw.yaml', pointer }));
  const prefix = config?.prefix ?? '';

  const docSettings = readExtension(doc, { file, pointer: '#', level: 'document', locator: spec.locator }, diagnostics);
  const serviceSettings = mergeSettings([input.defaults, docSettings, config?.settings]);
  const serverCtx: ServerContext = {
    service: name,
    file,
    location: spec.location,
    locator: spec.locator,
    variables: config?.variables ?? {},
    variableAt: (v) => configAt(`/variables/${escapePointerToken(v)}`),
    diagnostics,
  };

  const upstreams: ImportedUpstream[] = [];
  const upstreamByKey = new Map<string, string>();
  const addUpstream = (resolved: ResolvedServers, origin: Upstream['origin'], pointer: string): string => {
    const key = JSON.stringify([resolved.basePath, resolved.targets]);
    const known = upstreamByKey.get(key);
    if (known) return known;
    const id = upstreams.length === 0 ? name : `${name}~${upstreams.length}`;
    const weighted = resolved.targets.some((t) => t.weight !== 1);
    upstreams.push({
      id,
      service: name,
      basePath: resolved.basePath,
      balancing: resolveBalancing(serviceSettings, weighted),
      healthCheck: resolveHealthCheck(serviceSettings),
      connectionsPerTarget: serviceSettings.upstreamConnections ?? DEFAULT_UPSTREAM_CONNECTIONS,
      targets: resolved.targets,
      origin,
      // gw.yaml upstreams point at the services list, not an index, so reordering gw.yaml keeps the model identical.
      source: origin === 'config' ? { file: input.configFile ?? 'gw.yaml', pointer: '#/services' } : { file, pointer },
    });
    upstreamByKey.set(key, id);
    return id;
  };

  const fromConfig = config?.upstreams
    ? resolveConfigUpstreams(config.upstreams, (i) => configAt(`/upstreams/${i}`), serverCtx)
    : undefined;
  const docServers: ServerObject[] = swagger2 ? swaggerServers(doc, spec.location) : serverList(doc.servers);
  const defaultUpstream = fromConfig
    ? addUpstream(fromConfig, 'config', '#')
    : addUpstream(
        resolveServers(docServers, swagger2 ? '#/host' : '#/servers', serverCtx),
        'spec',
        swagger2 ? '#/host' : '#/servers',
      );

  const securitySchemes = readSecuritySchemes(doc, swagger2, name, file);
  const reqCtx = {
    service: name,
    file,
    locator: spec.locator,
    known: new Set(securitySchemes.map((s) => s.name)),
    diagnostics,
  };
  const rootSecurity = readRequirements(doc.security, '#/security', reqCtx);

  const operations = listOperations(doc);
  checkOperationIds(operations, file, at, diagnostics);
  checkOverrides(config, operations, configAt, diagnostics);

  const mocked = input.mock ?? config?.mock ?? false;
  const apiDoc = createApiCollector(spec.raw, swagger2);
  const routes: ImportedRoute[] = [];
  const pathSettingsCache = new Map<string, SettingsInput | undefined>();
  const unreachable = new UnreachablePaths();
  for (const op of operations) {
    if (!pathSettingsCache.has(op.pathPointer)) {
      pathSettingsCache.set(
        op.pathPointer,
        readExtension(
          op.pathItem,
          { file, pointer: op.pathPointer, level: 'path', locator: spec.locator },
          diagnostics,
        ),
      );
    }
    const opSettings = readExtension(
      op.operation,
      { file, pointer: op.pointer, level: 'operation', locator: spec.locator },
      diagnostics,
    );
    const operationId = typeof op.operation.operationId === 'string' ? op.operation.operationId : null;
    const override = operationId ? config?.operations?.[operationId] : undefined;
    const settings = mergeSettings([
      input.defaults,
      docSettings,
      pathSettingsCache.get(op.pathPointer),
      opSettings,
      config?.settings,
      override,
    ]);
    if (settings.exclude || unreachable.take(op)) continue;

    let segments: ReturnType<typeof parsePathTemplate>;
    try {
      segments = parsePathTemplate(joinPath(prefix, op.path));
    } catch (err) {
      if (!(err instanceof PathTemplateError)) throw err;
      diagnostics.push(
        createDiagnostic('GW_ROUTE_PATH', err.message, {
          locations: [at(op.pathPointer)],
          hints: ['write path parameters as {name}, one per pair of braces'],
        }),
      );
      continue;
    }
    const params = readPathParams(op, templateParams(segments), swagger2);
    const upstream = fromConfig
      ? defaultUpstream
      : routeUpstream(op, swagger2, serverCtx, addUpstream, defaultUpstream);
    const basePath = upstreams.find((u) => u.id === upstream)!.basePath;
    const path = formatPathTemplate(segments);
    routes.push({
      id: routeId(name, operationId, op.method, path),
      service: name,
      operationId,
      method: op.method,
      path,
      upstreamPath: basePath + op.path,
      segments,
      params,
      match: compileMatch(segments, params),
      upstream,
      security:
        op.operation.security !== undefined
          ? readRequirements(op.operation.security, `${op.pointer}/security`, reqCtx)
          : rootSecurity,
      settings: resolveRouteSettings(settings, { routeId: routeId(name, operationId, op.method, path), service: name }),
      summary: typeof op.operation.summary === 'string' ? op.operation.summary : null,
      tags: Array.isArray(op.operation.tags) ? op.operation.tags.map(String) : [],
      deprecated: op.operation.deprecated === true,
      mock: null, // set below, once the components are known
      source: { file, pointer: op.pointer },
      api: apiDoc.operation(op.path, op.method),
      ...(settings.compose
        ? { composeDraft: readComposeDraft(settings.compose, composeSource(op, override, configAt, file), diagnostics) }
        : {}),
    });
  }
  diagnostics.push(...unreachable.diagnostics(at));
  if (operations.length === 0) {
    diagnostics.push(
      createDiagnostic(
        'GW_SPEC_NO_OPERATIONS',
        `"${file}" defines no operations, so service "${name}" adds no routes`,
        { locations: [at('#/paths')], hints: ['check that this is the spec you meant to import'] },
      ),
    );
  }

  const info = (doc.info ?? {}) as Raw;
  const { components, gaps } = apiDoc.finish();
  if (mocked) {
    const resolve = componentResolver(components);
    for (const r of routes) r.mock = mockResponses(r.api!, resolve);
  }
  if (doc.webhooks && typeof doc.webhooks === 'object' && Object.keys(doc.webhooks).length > 0) {
    gaps.push({
      kind: 'openapi.webhooks',
      message: 'webhooks describe calls the service makes, not routes of the gateway; the public spec leaves them out',
      source: { file, pointer: '#/webhooks' },
    });
  }
  const fragment: ServiceFragment = {
    service: {
      name,
      title: String(info.title ?? name),
      version: String(info.version ?? ''),
      openapi: spec.openapi,
      prefix,
      upstream: defaultUpstream,
      routes: routes.map((r) => r.id),
      mock: mocked,
      source: { file, pointer: '#' },
      ...(typeof info.description === 'string' ? { description: info.description } : {}),
      ...(doc.externalDocs && typeof doc.externalDocs === 'object' ? { externalDocs: doc.externalDocs as Raw } : {}),
      tags: readTags(doc, file),
      components,
      apiGaps: gaps,
    },
    upstreams,
    routes,
    securitySchemes,
  };
  return { fragment, diagnostics };
}

/**
 * A spec that failed to load, with its document: its load diagnostics plus the importer's own
 * checks (operationIds, x-gw, security, servers, paths), so a run reports every problem of the
 * spec at once. The fragment is dropped. swagger-parser's "Duplicate operation id" (a Swagger 2.0
 * rule) gives way to gw's, which names both places. A document with holes may trip the importer
 * itself: the load diagnostics then stand alone, as they already explain the failure.
 */
export function checkFailedSpec(input: ImportInput, loadDiagnostics: readonly Diagnostic[]): Diagnostic[] {
  let found: Diagnostic[];
  try {
    found = importOpenApi(input).diagnostics;
  } catch {
    return [...loadDiagnostics];
  }
  const ownDuplicate = found.some(
    (d) => d.code === 'GW_SPEC_INVALID' && / uses operationId ".*" twice /.test(d.message),
  );
  const kept = ownDuplicate
    ? loadDiagnostics.filter((d) => !d.message.includes('Duplicate operation id'))
    : loadDiagnostics;
  return [...kept, ...found];
}

/** Where a composite's block is: gw.yaml's `operations` entry when it has one, else the operation's x-gw. */
function composeSource(
  op: OperationEntry,
  override: SettingsInput | undefined,
  configAt: (pointer: string) => Location,
  file: string,
): Source {
  const id = op.operation.operationId;
  if (override?.compose === undefined || typeof id !== 'string') return { file, pointer: `${op.pointer}/x-gw/compose` };
  const where = configAt(`/operations/${escapePointerToken(id)}/compose`);
  return { file: where.file, pointer: where.pointer ?? '#' };
}

/** Operation-level servers beat path-level servers, which beat the document's. */
function routeUpstream(
  op: OperationEntry,
  swagger2: boolean,
  ctx: ServerContext,
  add: (r: ResolvedServers, origin: Upstream['origin'], pointer: string) => string,
  fallback: string,
): string {
  if (swagger2) return fallback;
  const own = serverList(op.operation.servers);
  if (own.length > 0) return add(resolveServers(own, `${op.pointer}/servers`, ctx), 'spec', `${op.pointer}/servers`);
  const pathLevel = serverList(op.pathItem.servers);
  if (pathLevel.length > 0)
    return add(resolveServers(pathLevel, `${op.pathPointer}/servers`, ctx), 'spec', `${op.pathPointer}/servers`);
  return fallback;
}

function serverList(v: unknown): ServerObject[] {
  return Array.isArray(v) ? (v as ServerObject[]).filter((s) => s && typeof s.url === 'string') : [];
}

export function joinPath(prefix: string, path: string): string {
  if (!prefix) return path;
  return path === '/' ? prefix : prefix + path;
}
