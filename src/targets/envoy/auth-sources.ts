import type { SecretSource, SecurityScheme } from '../../model/types.js';

/**
 * Where Envoy reads the secrets of the auth filters (docs/targets/envoy.md, "Where the secrets
 * live"): htpasswd and key files or environment variables as gw serve reads them, and the JWKS
 * made from an HS256 secret. Secrets never appear in the configuration, only their sources.
 */
export interface DataSourceView {
  filename: string | null;
  env: string | null;
}

export interface LuaKeySourceView {
  scheme: string;
  /** A Lua string literal: the keys file (relative to Envoy's working folder) or the variable. */
  file: string | null;
  env: string | null;
}

export function luaKeySource(s: SecurityScheme): LuaKeySourceView {
  const source = secretOf(s);
  return {
    scheme: luaString(s.id),
    file: 'file' in source ? luaString(source.file) : null,
    env: 'env' in source ? luaString(source.env) : null,
  };
}

export function secretOf(s: SecurityScheme): SecretSource {
  const c = s.credentials;
  if (c?.kind === 'keys' || c?.kind === 'htpasswd') return c.source;
  throw new Error(`scheme ${s.id} has no keys or htpasswd source`);
}

export function dataSource(source: SecretSource): DataSourceView {
  return 'file' in source ? { filename: source.file, env: null } : { filename: null, env: source.env };
}

/** Where Envoy reads an HS256 secret as a JWKS: beside the secret file, or in a variable named after the secret's. */
export function hs256Jwks(secret: SecretSource): DataSourceView {
  return 'file' in secret
    ? { filename: `${secret.file}.jwks.json`, env: null }
    : { filename: null, env: `${secret.env}_JWKS` };
}

export function describeSource(source: SecretSource): string {
  return 'file' in source ? `the file ${source.file}` : `the environment variable ${source.env}`;
}

/** A Lua string literal: printable ASCII as is (quote and backslash escaped), everything else as \ddd. */
export function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}
