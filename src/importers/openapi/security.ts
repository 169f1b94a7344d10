import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic } from '../../diagnostics/gw-error.js';
import type { PointerLocator } from '../../diagnostics/locate.js';
import { escapePointerToken, formatPointer } from '../../diagnostics/json-pointer.js';
import type { ImportedScheme } from '../../model/fragment.js';
import type { OAuthFlow, SecurityRequirement, SecurityScheme } from '../../model/types.js';

type Raw = Record<string, unknown>;

/** securitySchemes (3.x) or securityDefinitions (2.0) -> model schemes with ids `<service>.<name>`. */
export function readSecuritySchemes(doc: Raw, swagger2: boolean, service: string, file: string): ImportedScheme[] {
  const raw = (swagger2 ? doc.securityDefinitions : (doc.components as Raw | undefined)?.securitySchemes) as
    | Record<string, Raw>
    | undefined;
  const basePointer = swagger2 ? ['securityDefinitions'] : ['components', 'securitySchemes'];
  return Object.entries(raw ?? {}).map(([name, s]) => {
    const scheme: ImportedScheme = {
      id: `${service}.${name}`,
      service,
      name,
      type: 'apiKey',
      credentials: null,
      source: { file, pointer: formatPointer([...basePointer, name]) },
    };
    if (typeof s.description === 'string') scheme.description = s.description;
    return Object.assign(scheme, swagger2 ? fromSwagger2(s) : fromOpenApi3(s));
  });
}

function fromOpenApi3(s: Raw): Partial<SecurityScheme> {
  switch (s.type) {
    case 'apiKey':
      return { type: 'apiKey', in: s.in as SecurityScheme['in'], paramName: String(s.name) };
    case 'http':
      return {
        type: 'http',
        scheme: String(s.scheme).toLowerCase(),
        ...(typeof s.bearerFormat === 'string' ? { bearerFormat: s.bearerFormat } : {}),
      };
    case 'oauth2':
      return { type: 'oauth2', flows: readFlows((s.flows ?? {}) as Record<string, Raw>) };
    case 'openIdConnect':
      return { type: 'openIdConnect', openIdConnectUrl: String(s.openIdConnectUrl) };
    default:
      return { type: 'mutualTLS' };
  }
}

const SWAGGER2_FLOWS: Record<string, string> = {
  implicit: 'implicit',
  password: 'password',
  application: 'clientCredentials',
  accessCode: 'authorizationCode',
};

function fromSwagger2(s: Raw): Partial<SecurityScheme> {
  if (s.type === 'basic') return { type: 'http', scheme: 'basic' };
  if (s.type === 'apiKey') return { type: 'apiKey', in: s.in as SecurityScheme['in'], paramName: String(s.name) };
  const flow = SWAGGER2_FLOWS[String(s.flow)] ?? String(s.flow);
  return { type: 'oauth2', flows: readFlows({ [flow]: s }) };
}

function readFlows(flows: Record<string, Raw>): Record<string, OAuthFlow> {
  const out: Record<string, OAuthFlow> = {};
  for (const kind of Object.keys(flows).sort()) {
    const f = flows[kind]!;
    const flow: OAuthFlow = { scopes: { ...((f.scopes ?? {}) as Record<string, string>) } };
    for (const key of ['authorizationUrl', 'tokenUrl', 'refreshUrl'] as const)
      if (typeof f[key] === 'string') flow[key] = f[key] as string;
    out[kind] = flow;
  }
  return out;
}

export interface RequirementContext {
  service: string;
  file: string;
  locator: PointerLocator;
  known: ReadonlySet<string>;
  diagnostics: Diagnostic[];
}

/** A Security Requirement list, kept exactly: the list is OR, each object's schemes are AND. */
export function readRequirements(list: unknown, pointer: string, ctx: RequirementContext): SecurityRequirement[] {
  if (!Array.isArray(list)) return [];
  return list.map((req: Record<string, unknown>, i) => ({
    schemes: Object.entries(req ?? {}).flatMap(([name, scopes]) => {
      if (!ctx.known.has(name)) {
        const at = `${pointer}/${i}/${escapePointerToken(name)}`;
        ctx.diagnostics.push(
          createDiagnostic(
            'GW_SECURITY_UNKNOWN_SCHEME',
            `security requirement names "${name}", which the spec does not define`,
            {
              locations: [{ file: ctx.file, pointer: at, ...ctx.locator.locate(at) }],
              hints: [
                `define "${name}" under components.securitySchemes (securityDefinitions in Swagger 2.0), or fix ` +
                  `the name; defined: ${[...ctx.known].join(', ') || 'none'}`,
              ],
            },
          ),
        );
        // Kept as written: an unresolvable requirement can never pass (fail closed), never public.
      }
      return [{ scheme: `${ctx.service}.${name}`, scopes: Array.isArray(scopes) ? scopes.map(String) : [] }];
    }),
  }));
}
