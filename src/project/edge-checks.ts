import { parseIpRange } from './ip-range.js';

/** A problem as schema.ts reports it (SchemaProblem), without importing it back. */
export interface EdgeProblem {
  kind: 'invalid';
  pointer: string;
  message: string;
  hints: string[];
}

/** A host name (RFC 1123 labels), or `*.` and one: what every target can match alike (nginx, Envoy, gw serve). */
export const SERVER_NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

const ADDRESS_HINT =
  'write an address (192.0.2.7, 2001:db8::7) or a range (10.0.0.0/8, 2001:db8::/32); names are not resolved';
export const NAME_HINT =
  'write a name (api.example.com) or *. and a name (*.example.com, any name under it); ' +
  'leave serverNames out to answer any host';

/**
 * Rules of gw.yaml `edge` the schema states badly (checkConfigSchema runs this on a file that fits
 * the schema): each trusted proxy is an IP address or CIDR range, each server name one gw matches.
 */
export function edgeProblems(edge: unknown, pointer: string): EdgeProblem[] {
  if (typeof edge !== 'object' || edge === null) return [];
  const { trustedProxies, serverNames } = edge as { trustedProxies?: { addresses?: string[] }; serverNames?: string[] };
  const out: EdgeProblem[] = [];
  (trustedProxies?.addresses ?? []).forEach((text, i) => {
    const at = `${pointer}/trustedProxies/addresses/${i}`;
    const parsed = parseIpRange(text);
    if (parsed.ok) return;
    if (parsed.suggestion === undefined) {
      const message = `${JSON.stringify(text)} is not an IP address or CIDR range${parsed.why}`;
      out.push({ kind: 'invalid', pointer: at, message, hints: [ADDRESS_HINT] });
      return;
    }
    const message = `${JSON.stringify(text)} has bits set after its prefix length, so it is not the start of a range`;
    out.push({ kind: 'invalid', pointer: at, message, hints: [`did you mean ${parsed.suggestion}?`] });
  });
  (serverNames ?? []).forEach((name, i) => {
    if (SERVER_NAME.test(name)) return;
    const message = `${JSON.stringify(name)} is not a host name gw can match`;
    out.push({ kind: 'invalid', pointer: `${pointer}/serverNames/${i}`, message, hints: [NAME_HINT] });
  });
  return out;
}
