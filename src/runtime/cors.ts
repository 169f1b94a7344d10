import type { Cors, RuntimeRoute } from '../model/types.js';

/** A route's CORS policy, every header value formatted at start-up. */
export interface CompiledCors {
  /** origins ['*'] */
  anyOrigin: boolean;
  /** Allowed origins: the model's, lower-case, no trailing slash. */
  origins: ReadonlySet<string>;
  credentials: boolean;
  /** Access-Control-Allow-Methods: the route's `effective.corsMethods`. */
  allowMethods: string;
  /** Access-Control-Allow-Headers; null: echo what the preflight asks for. */
  allowHeaders: string | null;
  /** Access-Control-Expose-Headers; null: none. */
  exposeHeaders: string | null;
  maxAge: string;
  /** Sent when ACAO is `*`: no Vary needed, nothing depends on the origin. */
  wildcard: boolean;
}

/** Compiles the CORS settings of every route of a model; `undefined` for routes without. */
export function compileCorsPolicies(routes: readonly RuntimeRoute[]): (CompiledCors | undefined)[] {
  return routes.map((r) =>
    r.settings.cors && r.effective.corsMethods ? compileCors(r.settings.cors, r.effective.corsMethods) : undefined,
  );
}

/** `methods`: the methods the model settled for the route (`effective.corsMethods`). */
export function compileCors(c: Cors, methods: readonly string[]): CompiledCors {
  const anyOrigin = c.origins.includes('*');
  return {
    anyOrigin,
    origins: new Set(c.origins.filter((o) => o !== '*')),
    credentials: c.credentials,
    allowMethods: methods.join(', '),
    allowHeaders: c.headers ? c.headers.join(', ') : null,
    exposeHeaders: c.exposeHeaders.length > 0 ? c.exposeHeaders.join(', ') : null,
    maxAge: String(c.maxAgeSeconds),
    // A credentialed request may not be answered with `*`: then the origin is echoed.
    wildcard: anyOrigin && !c.credentials,
  };
}

/** The model's matching rule (`Cors.origins`): the request's Origin without case and trailing slashes. */
export function originAllowed(cors: CompiledCors, origin: string): boolean {
  return cors.anyOrigin || cors.origins.has(origin.toLowerCase().replace(/\/+$/, ''));
}

/**
 * The answer to a preflight from an allowed origin (204), or null for an origin that is not
 * allowed (403, no CORS headers). The browser compares the requested method and headers with
 * the lists itself.
 */
export function preflightHeaders(
  cors: CompiledCors,
  origin: string,
  requestHeaders: string | undefined,
): Record<string, string> | null {
  if (!originAllowed(cors, origin)) return null;
  const out: Record<string, string> = {
    'access-control-allow-origin': cors.wildcard ? '*' : origin,
    'access-control-allow-methods': cors.allowMethods,
    'access-control-max-age': cors.maxAge,
  };
  const vary = cors.wildcard ? [] : ['Origin'];
  if (cors.allowHeaders !== null) out['access-control-allow-headers'] = cors.allowHeaders;
  else if (requestHeaders !== undefined && requestHeaders !== '') {
    out['access-control-allow-headers'] = requestHeaders;
    vary.push('Access-Control-Request-Headers');
  }
  if (cors.credentials) out['access-control-allow-credentials'] = 'true';
  if (vary.length > 0) out.vary = vary.join(', ');
  return out;
}

const VARY_ORIGIN = ['Vary', 'Origin'];
const NONE: string[] = [];

/**
 * Headers added to the answer of an actual request on a CORS route (the upstream's, or the
 * gateway's own problem answers, so scripts can read those too). An origin that is not allowed
 * gets none: the browser then hides the answer from the script.
 */
export function corsResponseHeaders(cors: CompiledCors, origin: string | undefined): string[] {
  if (origin === undefined) return cors.wildcard ? NONE : VARY_ORIGIN;
  if (!originAllowed(cors, origin)) return cors.wildcard ? NONE : VARY_ORIGIN;
  const out = ['Access-Control-Allow-Origin', cors.wildcard ? '*' : origin];
  if (!cors.wildcard) out.push('Vary', 'Origin');
  if (cors.credentials) out.push('Access-Control-Allow-Credentials', 'true');
  if (cors.exposeHeaders !== null) out.push('Access-Control-Expose-Headers', cors.exposeHeaders);
  return out;
}
