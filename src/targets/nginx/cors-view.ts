import type { Cors, Route } from '../../model/types.js';
import { nginxRegex, nginxString, regexLiteral } from './escape.js';

/** The CORS maps of gw.conf and the response headers CORS routes replace. */
export interface CorsView {
  /** Each `map "$gw_cors:$http_origin"`-style block, printed as is. */
  maps: { source: string; variable: string; entries: { match: string; value: string }[]; fallback: string }[];
  /** Response headers replaced on CORS routes: proxy_hide_header, then add_header with the map's variable. */
  replaced: { header: string; variable: string }[];
}

/** A location's CORS preflight answers: a map on method, requested method and origin, and an `if` per answer. */
export interface PreflightView {
  variable: string;
  entries: { match: string; value: string }[];
  answers: { value: string; headers: { name: string; value: string }[] }[];
}

interface CorsPolicy {
  index: number;
  cors: Cors;
  methods: string;
  wildcard: boolean;
}

/**
 * CORS in the NGINX target (docs/targets/nginx.md, "CORS"). Routes with the same CORS settings
 * (and methods) share a policy number, `set $gw_cors <n>` in their locations; maps on it and the
 * origin give the response headers, and each path's location answers its preflights.
 */
export class CorsPlan {
  private readonly policies = new Map<string, CorsPolicy>();
  private preflights = 0;

  /** The route's policy number (`$gw_cors`), or null without CORS. */
  route(route: Route): number | null {
    return this.policyOf(route)?.index ?? null;
  }

  /** The preflight answers of a path's location (its routes, each with the methods it serves), or null without CORS. */
  preflight(group: readonly Route[], servedBy: (r: Route) => string[]): PreflightView | null {
    const withCors = group.filter((r) => r.settings.cors);
    if (withCors.length === 0) return null;
    const variable = `$gw_preflight_${this.preflights++}`;
    const entries: PreflightView['entries'] = [];
    const answers: PreflightView['answers'] = [];
    const methods: string[] = [];
    for (const r of withCors) {
      const p = this.policyOf(r)!;
      const ms = servedBy(r).map(regexLiteral);
      methods.push(...ms);
      entries.push({
        match: nginxRegex(`~^OPTIONS:(${ms.join('|')}):${originPattern(p.cors)}`),
        value: nginxString(`a${p.index}`),
      });
      if (!answers.some((a) => a.value === `a${p.index}`))
        answers.push({ value: `a${p.index}`, headers: preflightHeaders(p) });
    }
    if (withCors.some((r) => !r.settings.cors!.origins.includes('*')))
      entries.push({ match: nginxRegex(`~^OPTIONS:(${[...new Set(methods)].join('|')}):.`), value: '"reject"' });
    return { variable, entries, answers };
  }

  /** gw.conf's maps, or null when no route has CORS. */
  view(): CorsView | null {
    if (this.policies.size === 0) return null;
    const list = [...this.policies.values()];
    const ok = list.map((p) => ({ match: nginxRegex(`~^${p.index}:${originPattern(p.cors)}`), value: '"1"' }));
    const pick = (value: (p: CorsPolicy) => string | null, upstream: string) => ({
      source: '"$gw_cors:$gw_cors_allowed"',
      fallback: '""',
      entries: [
        { match: nginxRegex('~^:'), value: upstream },
        ...list.flatMap((p) => {
          const v = value(p);
          return v === null ? [] : [{ match: nginxString(`${p.index}:1`), value: v }];
        }),
      ],
    });
    const expose = (p: CorsPolicy) =>
      p.cors.exposeHeaders.length ? nginxString(p.cors.exposeHeaders.join(', ')) : null;
    const vary = list
      .filter((p) => !p.wildcard)
      .map((p) => ({ match: nginxString(String(p.index)), value: '"Origin"' }));
    return {
      maps: [
        { source: '"$gw_cors:$http_origin"', variable: '$gw_cors_allowed', entries: ok, fallback: '""' },
        {
          variable: '$gw_cors_origin',
          ...pick((p) => (p.wildcard ? '"*"' : '$http_origin'), '$upstream_http_access_control_allow_origin'),
        },
        {
          variable: '$gw_cors_credentials',
          ...pick((p) => (p.cors.credentials ? '"true"' : null), '$upstream_http_access_control_allow_credentials'),
        },
        { variable: '$gw_cors_expose', ...pick(expose, '$upstream_http_access_control_expose_headers') },
        { source: '$gw_cors', variable: '$gw_cors_vary', entries: vary, fallback: '""' },
      ],
      replaced: [
        { header: 'Access-Control-Allow-Origin', variable: '$gw_cors_origin' },
        { header: 'Access-Control-Allow-Credentials', variable: '$gw_cors_credentials' },
        { header: 'Access-Control-Expose-Headers', variable: '$gw_cors_expose' },
      ],
    };
  }

  private policyOf(route: Route): CorsPolicy | null {
    const c = route.settings.cors;
    if (!c || !route.effective.corsMethods) return null;
    const methods = route.effective.corsMethods.join(', ');
    const key = JSON.stringify([c, methods]);
    let p = this.policies.get(key);
    if (!p) {
      p = { index: this.policies.size + 1, cors: c, methods, wildcard: c.origins.includes('*') && !c.credentials };
      this.policies.set(key, p);
    }
    return p;
  }
}

/** The origin part of a map regex: the model's origins matched by its rule (without case, trailing `/`s allowed); `.` (any) for `*`. */
function originPattern(c: Cors): string {
  if (c.origins.includes('*')) return '.';
  return `(?i:${[...c.origins].sort().map(regexLiteral).join('|')})/*$`;
}

function preflightHeaders(p: CorsPolicy): { name: string; value: string }[] {
  const c = p.cors;
  const out = [
    { name: 'Access-Control-Allow-Origin', value: p.wildcard ? '"*"' : '$http_origin' },
    { name: 'Access-Control-Allow-Methods', value: nginxString(p.methods) },
    {
      name: 'Access-Control-Allow-Headers',
      value: c.headers ? nginxString(c.headers.join(', ')) : '$http_access_control_request_headers',
    },
    { name: 'Access-Control-Max-Age', value: nginxString(String(c.maxAgeSeconds)) },
  ];
  if (c.credentials) out.push({ name: 'Access-Control-Allow-Credentials', value: '"true"' });
  // Vary: Origin unless the answer is `*`; plus Access-Control-Request-Headers when they are echoed (a map drops it
  // when none were asked).
  if (!p.wildcard || !c.headers)
    out.push({ name: 'Vary', value: c.headers ? '"Origin"' : p.wildcard ? '$gw_vary_acrh' : '$gw_vary_origin_acrh' });
  return out;
}
