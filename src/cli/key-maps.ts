import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createDiagnostic } from '../diagnostics/gw-error.js';
import type { Gateway } from '../model/types.js';
import { readSecret, type SecretsContext } from '../runtime/auth/load-auth-secrets.js';
import { parseKeys } from '../runtime/auth/parse-keys.js';
import { keyMapsNeeded, keyMapText, MAX_KEYS_PER_SCHEME } from '../targets/nginx/key-maps.js';
import type { RenderedFile } from '../targets/types.js';

export interface KeyMaps {
  files: RenderedFile[];
  /** Keys per scheme id, for what the command prints. */
  counts: Map<string, number>;
  /** The files of schemes whose keys could not be read (empty maps). */
  unread: string[];
  diagnostics: Diagnostic[];
}

/**
 * The NGINX target's key maps (targets/nginx/key-maps.ts) of every apiKey scheme nginx checks, from
 * the keys gw.yaml `credentials` point at.
 * Keys that cannot be read give an empty map (every key refused) with a GW_KEYS_UNREAD warning when
 * `unreadable` is 'warn' (gw build, which may run where the keys are not), else GW_AUTH_SECRET
 * errors (gw keys); keys that are read but wrong (a repeated key, say) are always errors.
 */
export async function renderKeyMaps(
  gateway: Gateway,
  ctx: SecretsContext,
  unreadable: 'warn' | 'fail',
): Promise<KeyMaps> {
  const out: KeyMaps = { files: [], counts: new Map(), unread: [], diagnostics: [] };
  for (const map of keyMapsNeeded(gateway)) {
    const problem = (code: 'GW_AUTH_SECRET' | 'GW_KEYS_UNREAD') => (message: string, hint: string) => {
      const later = `nginx refuses its keys until \`gw keys\` writes ${map.path}`;
      const hints = code === 'GW_KEYS_UNREAD' ? [hint, later] : [hint];
      out.diagnostics.push(createDiagnostic(code, `"${map.scheme}": ${message}`, { hints }));
    };
    const unreadCode = unreadable === 'warn' ? 'GW_KEYS_UNREAD' : 'GW_AUTH_SECRET';
    const text = await readSecret(map.source, 'keys', ctx, problem(unreadCode));
    const origin = 'env' in map.source ? 'env' : 'file';
    const keys = text === undefined ? [] : checkedKeys(text, origin, problem('GW_AUTH_SECRET'));
    if (text === undefined) out.unread.push(map.path);
    out.files.push({ path: map.path, contents: keyMapText(map.scheme, keys) });
    out.counts.set(map.scheme, keys.length);
  }
  return out;
}

function checkedKeys(text: string, origin: 'env' | 'file', problem: (message: string, hint: string) => unknown) {
  const { keys, problems } = parseKeys(text, origin);
  const where = origin === 'env' ? 'the environment variable' : 'the keys file';
  for (const p of problems) problem(`${where} ${p}`, 'fix it (docs/auth.md shows the format), then run `gw keys`');
  const count = (n: number) => n.toLocaleString('en-US');
  if (keys.length > MAX_KEYS_PER_SCHEME)
    problem(
      `has ${count(keys.length)} keys; nginx's key maps hold ${count(MAX_KEYS_PER_SCHEME)} a scheme`,
      'split the keys between schemes, or run gw serve, the node target or Envoy',
    );
  return problems.length > 0 || keys.length > MAX_KEYS_PER_SCHEME ? [] : keys;
}
