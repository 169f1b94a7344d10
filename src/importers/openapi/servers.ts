import type { Diagnostic, Location } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import type { PointerLocator } from '../../diagnostics/locate.js';
import type { UpstreamInput } from '../../project/config.js';
import { targetOf } from '../../model/target.js';
import type { Target } from '../../model/types.js';
import { isUrl } from './load.js';

/** OpenAPI 3 Server Object, as far as gw reads it. */
export interface ServerObject {
  url: string;
  variables?: Record<string, { default?: string; enum?: string[] }>;
}

export interface ServerContext {
  service: string;
  file: string;
  /** The spec's own address: relative server URLs of a spec read from a URL resolve against it. */
  location: string;
  locator: PointerLocator;
  /** gw.yaml `variables` of this service, and where they are written. */
  variables: Record<string, string>;
  /** Where gw.yaml sets one of them. */
  variableAt: (name: string) => Location;
  diagnostics: Diagnostic[];
}

/** Where a group of routes goes: a base path and the targets that serve it. */
export interface ResolvedServers {
  basePath: string;
  targets: Target[];
}

/** Swagger 2.0 host/basePath/schemes as one server: https when offered, else the first scheme. */
export function swaggerServers(doc: Record<string, unknown>, location: string): ServerObject[] {
  const base = typeof doc.basePath === 'string' ? doc.basePath : '';
  const schemes = Array.isArray(doc.schemes) ? (doc.schemes as string[]) : [];
  let host = typeof doc.host === 'string' ? doc.host : undefined;
  let scheme = schemes.includes('https') ? 'https' : schemes.find((s) => s === 'http');
  if (isUrl(location)) {
    const u = new URL(location);
    host ??= u.host;
    scheme ??= u.protocol.slice(0, -1);
  }
  return [{ url: host ? `${scheme ?? 'http'}://${host}${base}` : base || '/' }];
}

/** Turns a list of servers into targets; servers must agree on the base path, or the odd ones are dropped with a warning. */
export function resolveServers(servers: readonly ServerObject[], pointer: string, ctx: ServerContext): ResolvedServers {
  let basePath: string | undefined;
  const targets: Target[] = [];
  servers.forEach((server, i) => {
    const at = `${pointer}/${i}`;
    const url = substituteVariables(server, at, ctx);
    if (url === undefined) return;
    const parsed = parseServerUrl(url, ctx.location);
    if ('error' in parsed) {
      ctx.diagnostics.push(
        createDiagnostic('GW_SERVER_URL', `server "${url}" of service "${ctx.service}" ${parsed.error}`, {
          locations: [loc(ctx, `${at}/url`)],
          hints: [
            `set the service's upstreams in gw.yaml, or run \`gw import ${ctx.file} --upstream http://HOST:PORT\``,
          ],
        }),
      );
      return;
    }
    if (basePath === undefined) basePath = parsed.basePath;
    else if (parsed.basePath !== basePath) {
      ctx.diagnostics.push(
        createDiagnostic(
          'GW_SERVER_BASEPATH_DIFFERS',
          `server "${url}" has base path "${parsed.basePath || '/'}", not "${basePath || '/'}" like the first server, so gw leaves it out`,
          {
            locations: [loc(ctx, `${at}/url`)],
            hints: [
              'servers of one service are treated as replicas; list the replicas you want with --upstream (repeatable) or `upstreams` in gw.yaml',
            ],
          },
        ),
      );
      return;
    }
    if (parsed.target && !targets.some((t) => t.url === parsed.target!.url)) targets.push(parsed.target);
  });
  return { basePath: basePath ?? '', targets };
}

/** gw.yaml `upstreams` (or --upstream): they replace every server of the spec, base path included. */
export function resolveConfigUpstreams(
  upstreams: readonly UpstreamInput[],
  at: (i: number) => Location,
  ctx: ServerContext,
): ResolvedServers {
  let basePath: string | undefined;
  const targets: Target[] = [];
  upstreams.forEach((u, i) => {
    const url = typeof u === 'string' ? u : u.url;
    const parsed = parseServerUrl(url, ctx.location);
    if ('error' in parsed || !parsed.target) {
      ctx.diagnostics.push(
        createDiagnostic(
          'GW_SERVER_URL',
          `upstream "${url}" of service "${ctx.service}" ${'error' in parsed ? parsed.error : 'has no host'}`,
          {
            locations: [at(i)],
            hints: ['write upstreams as absolute URLs, e.g. http://10.0.0.5:8080 or http://users.internal/v1'],
          },
        ),
      );
      return;
    }
    if (basePath === undefined) basePath = parsed.basePath;
    else if (basePath !== parsed.basePath) {
      ctx.diagnostics.push(
        createDiagnostic(
          'GW_SERVER_URL',
          `upstream "${url}" has base path "${parsed.basePath || '/'}", unlike the first upstream ("${basePath || '/'}")`,
          {
            locations: [at(i)],
            hints: ['give every upstream of one service the same path after the host'],
          },
        ),
      );
      return;
    }
    const weight = typeof u === 'string' ? 1 : (u.weight ?? 1);
    if (!targets.some((t) => t.url === parsed.target!.url)) targets.push({ ...parsed.target, weight });
  });
  return { basePath: basePath ?? '', targets };
}

function substituteVariables(server: ServerObject, at: string, ctx: ServerContext): string | undefined {
  let ok = true;
  const url = server.url.replace(/\{([^{}]+)\}/g, (_, name: string) => {
    const spec = server.variables?.[name];
    const override = ctx.variables[name];
    const value = override ?? spec?.default;
    if (value === undefined) {
      ok = false;
      ctx.diagnostics.push(
        createDiagnostic('GW_SERVER_VARIABLE', `server variable "${name}" in "${server.url}" has no value`, {
          locations: [loc(ctx, `${at}/url`)],
          hints: [`give it a default in the spec, or set services[].variables.${name} in gw.yaml`],
        }),
      );
      return '';
    }
    if (override !== undefined && spec?.enum && !spec.enum.includes(override)) {
      ctx.diagnostics.push(
        createDiagnostic('GW_SERVER_VARIABLE', `"${override}" is not an allowed value of server variable "${name}"`, {
          locations: [ctx.variableAt(name), loc(ctx, `${at}/variables/${name}`)],
          hints: [`use one of: ${spec.enum.map((v) => `"${v}"`).join(', ')}`],
        }),
      );
    }
    return value;
  });
  return ok ? url : undefined;
}

type ParsedServer = { basePath: string; target: Target | undefined } | { error: string };

/** Absolute http(s) URL -> a target and a base path; a relative one -> a base path only (or resolved against a spec URL). */
export function parseServerUrl(raw: string, location: string): ParsedServer {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  if (raw.startsWith('//')) return { error: 'has no scheme; write http:// or https://' };
  if (!absolute && !isUrl(location)) {
    // Relative to where the document is served: only a base path, the host must come from elsewhere.
    if (/^[^:?#]*$/.test(raw))
      return { basePath: trimSlash(safeDecode(new URL(raw, 'http://relative.invalid/').pathname)), target: undefined };
    return { error: 'is not an absolute http(s) URL' };
  }
  let url: URL;
  try {
    url = isUrl(location) ? new URL(raw, location) : new URL(raw);
  } catch {
    return { error: 'is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { error: `uses "${url.protocol.slice(0, -1)}", but gw forwards only http and https` };
  if (url.search || url.hash) return { error: 'has a query or fragment, which a server URL cannot have' };
  if (url.username || url.password) return { error: 'carries credentials; keep secrets out of server URLs' };
  return { basePath: trimSlash(safeDecode(url.pathname)), target: targetOf(url) };
}

function safeDecode(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

function trimSlash(path: string): string {
  return path.replace(/\/+$/, '');
}

function loc(ctx: ServerContext, pointer: string): Location {
  return { file: ctx.file, pointer, ...ctx.locator.locate(pointer) };
}
