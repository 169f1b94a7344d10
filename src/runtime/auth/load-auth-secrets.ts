import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { importJWK, type JSONWebKeySet, type JWK } from 'jose';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { createDiagnostic, GwError } from '../../diagnostics/gw-error.js';
import type { SchemeCredentials, SecretSource, RuntimeGateway } from '../../model/types.js';
import { parseHtpasswd, type HtpasswdEntry } from './parse-htpasswd.js';
import { parseKeys, type KeyEntry } from './parse-keys.js';

/** One scheme's secrets, read and checked. */
export type LoadedCredentials =
  | { kind: 'keys'; keys: KeyEntry[] }
  | { kind: 'htpasswd'; users: Map<string, HtpasswdEntry> }
  | { kind: 'jwt'; secret: Uint8Array | null; jwks: JSONWebKeySet | null; jwksUrl: string | null };

/** Scheme id -> its secrets; a scheme without credentials has no entry (its requests are refused). */
export type AuthSecrets = ReadonlyMap<string, LoadedCredentials>;

export interface SecretsContext {
  /**
   * Folder relative files are resolved against: gw.yaml's (gw serve), GW_BASE_DIR or the working directory (node
   * target).
   */
  baseDir: string;
  /** How the user names that folder, for hints: "gw.yaml's folder", "GW_BASE_DIR". */
  baseDirName: string;
  env: Readonly<Record<string, string | undefined>>;
}

const HS256_MIN_BYTES = 32;

/**
 * Reads every secret the model's `credentials` point at (keys, htpasswd files, HS256 secrets,
 * JWKS files), at start-up and on each reload. Every problem is collected and thrown as one
 * GwError of GW_AUTH_SECRET diagnostics that name the scheme and the file or variable, never a
 * secret. JWKS URLs are only noted here; remote-jwks.ts fetches them.
 */
export async function loadAuthSecrets(gateway: RuntimeGateway, ctx: SecretsContext): Promise<AuthSecrets> {
  const out = new Map<string, LoadedCredentials>();
  const diagnostics: Diagnostic[] = [];
  await Promise.all(
    gateway.securitySchemes.map(async (scheme) => {
      if (!scheme.credentials) return;
      const problem = (message: string, hint: string) =>
        diagnostics.push(createDiagnostic('GW_AUTH_SECRET', `"${scheme.id}": ${message}`, { hints: [hint] }));
      const loaded = await loadOne(scheme.credentials, ctx, problem);
      if (loaded) out.set(scheme.id, loaded);
    }),
  );
  if (diagnostics.length > 0) {
    diagnostics.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
    throw new GwError(diagnostics);
  }
  return out;
}

export type Problem = (message: string, hint: string) => unknown;

async function loadOne(
  c: SchemeCredentials,
  ctx: SecretsContext,
  problem: Problem,
): Promise<LoadedCredentials | undefined> {
  if (c.kind === 'keys') {
    const text = await readSecret(c.source, 'keys', ctx, problem);
    if (text === undefined) return undefined;
    const { keys, problems } = parseKeys(text, 'env' in c.source ? 'env' : 'file');
    for (const p of problems)
      problem(
        `${where(c.source)} ${p}`,
        'fix it (docs/auth.md shows the format); the gateway reads it again on start and reload',
      );
    return problems.length ? undefined : { kind: 'keys', keys };
  }
  if (c.kind === 'htpasswd') {
    const text = await readSecret(c.source, 'htpasswd', ctx, problem);
    if (text === undefined) return undefined;
    const { users, problems } = parseHtpasswd(text);
    for (const p of problems)
      problem(
        `${where(c.source)}: ${p}`,
        'fix it (docs/auth.md shows the format); the gateway reads it again on start and reload',
      );
    return problems.length ? undefined : { kind: 'htpasswd', users };
  }
  let ok = true;
  let secret: Uint8Array | null = null;
  if (c.secret) {
    const text = await readSecret(c.secret, 'JWT secret', ctx, problem);
    if (text === undefined) ok = false;
    else {
      secret = new TextEncoder().encode(text);
      if (secret.length < HS256_MIN_BYTES) {
        problem(
          `the HS256 secret in ${where(c.secret)} is ${secret.length} bytes; HS256 needs at least ` +
            `${HS256_MIN_BYTES} (RFC 7518)`,
          'make a longer one, e.g. `openssl rand -base64 48`',
        );
        ok = false;
      }
    }
  }
  const hs = c.algorithms.includes('HS256');
  const asymmetric = c.algorithms.filter((a) => a !== 'HS256');
  let jwks: JSONWebKeySet | null = null;
  if (c.jwks && 'file' in c.jwks && asymmetric.length > 0) {
    jwks = await readJwksFile(c.jwks.file, c.algorithms, ctx, problem);
    if (!jwks) ok = false;
  }
  const mismatch = (message: string, hint: string) => {
    problem(message, hint);
    ok = false;
  };
  if (hs && !c.secret)
    mismatch(
      'allows HS256 but has no `secret` to check it with',
      'add `secret: { env: NAME }` (or file), or drop HS256 from `algorithms`',
    );
  if (asymmetric.length > 0 && !c.jwks)
    mismatch(
      `allows ${asymmetric.join(' and ')} but has no \`jwks\` to take the keys from`,
      'add `jwks: { url: ... }` (or file), or set `algorithms: [HS256]`',
    );
  if (c.jwks && asymmetric.length === 0)
    mismatch('has a `jwks`, but its `algorithms` use none of its keys', 'add RS256 or ES256 to `algorithms`');
  if (c.secret && !hs)
    mismatch(
      'has a `secret`, but its `algorithms` do not include HS256',
      'add HS256 to `algorithms`, or remove the secret',
    );
  if (!ok) return undefined;
  return { kind: 'jwt', secret, jwks, jwksUrl: c.jwks && 'url' in c.jwks ? c.jwks.url : null };
}

function where(source: SecretSource): string {
  return 'env' in source ? `the environment variable ${source.env}` : `the file ${source.file}`;
}

/** A secret's text, or undefined after telling `problem` why it cannot be read (never the secret). */
export async function readSecret(
  source: SecretSource,
  what: string,
  ctx: SecretsContext,
  problem: Problem,
): Promise<string | undefined> {
  if ('env' in source) {
    const value = ctx.env[source.env];
    if (value === undefined || value === '') {
      problem(
        `the environment variable ${source.env} that holds the ${what} is not set`,
        `set ${source.env} before starting the gateway, or point the credentials at a file`,
      );
      return undefined;
    }
    return value;
  }
  return readFileOf(source.file, what, ctx, problem);
}

async function readFileOf(
  file: string,
  what: string,
  ctx: SecretsContext,
  problem: Problem,
): Promise<string | undefined> {
  const path = resolve(ctx.baseDir, file);
  try {
    const text = await readFile(path, 'utf8');
    // A file written by `echo` ends with a newline that is not part of the secret.
    return text.replace(/\r?\n$/, '');
  } catch (err) {
    const why = unreadableWhy(err);
    problem(
      `cannot read the ${what} file ${file} (${path}): ${why}`,
      `relative files are resolved against ${ctx.baseDirName} (${ctx.baseDir}); create the file or fix the path ` +
        `in gw.yaml \`credentials\``,
    );
    return undefined;
  }
}

/** Why a file could not be read, in words: "it does not exist", "permission denied", ... */
export function unreadableWhy(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return 'it does not exist';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return code ?? 'unreadable';
}

async function readJwksFile(
  file: string,
  algorithms: readonly string[],
  ctx: SecretsContext,
  problem: Problem,
): Promise<JSONWebKeySet | null> {
  const text = await readFileOf(file, 'JWKS', ctx, problem);
  if (text === undefined) return null;
  let set: JSONWebKeySet;
  try {
    set = JSON.parse(text) as JSONWebKeySet;
  } catch {
    problem(`the JWKS file ${file} is not JSON`, 'it must be a JSON Web Key Set: {"keys": [...]}');
    return null;
  }
  if (!set || typeof set !== 'object' || !Array.isArray(set.keys)) {
    problem(`the JWKS file ${file} has no "keys" array`, 'it must be a JSON Web Key Set: {"keys": [...]}');
    return null;
  }
  if (set.keys.some((k: JWK) => k && typeof k === 'object' && 'd' in k)) {
    problem(
      `the JWKS file ${file} holds a private key`,
      'give the gateway the public keys only (drop "d" and the other private members)',
    );
    return null;
  }
  let usable = 0;
  for (const k of set.keys) {
    const alg = k.kty === 'RSA' ? 'RS256' : k.kty === 'EC' && k.crv === 'P-256' ? 'ES256' : undefined;
    if (!alg || !algorithms.includes(alg) || (k.alg !== undefined && k.alg !== alg)) continue;
    try {
      await importJWK(k, alg);
      usable++;
    } catch {
      problem(
        `the JWKS file ${file} has a key${k.kid ? ` ("${k.kid}")` : ''} that cannot be imported`,
        'check the key members (n, e for RSA; x, y, crv for EC)',
      );
      return null;
    }
  }
  if (usable === 0) {
    problem(
      `the JWKS file ${file} has no key for ${algorithms.filter((a) => a !== 'HS256').join(' or ')}`,
      'RS256 needs an RSA key, ES256 an EC P-256 key',
    );
    return null;
  }
  return set;
}
