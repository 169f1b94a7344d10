import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createDiagnostic, GwError } from '../diagnostics/gw-error.js';
import type { ListenTls, TlsCertificate } from '../model/types.js';
import { unreadableWhy } from './auth/load-auth-secrets.js';

/** Where relative certificate files are found: gw.yaml's folder (gw serve), GW_BASE_DIR (the Node gateway). */
export interface FilesContext {
  baseDir: string;
  /** How the user names that folder, for hints: "gw.yaml's folder", "GW_BASE_DIR". */
  baseDirName: string;
}

/** The listener's certificates, read and checked, as TLS contexts, and the function that picks one by SNI. */
export interface LoadedTls {
  /** In the model's order; the first is the default. */
  contexts: SecureContext[];
  /** What the first was made from: a TLS server's default context is set from options, not from a context. */
  defaultOptions: SecureContextOptions;
  /** The index of the certificate for the name a client asked for (SNI), or 0. */
  pick(servername: string | undefined): number;
  /** Certificates past their dates (GW_TLS_EXPIRED): the gateway still starts. */
  warnings: Diagnostic[];
}

/**
 * Reads every certificate and key of `listen.tls` and checks them (at start, and whenever a file changes): each is
 * PEM, the key is not encrypted and belongs to its certificate. Every problem is collected and thrown as one GwError
 * of GW_TLS_CERTIFICATE naming the file; a certificate outside its validity dates is a GW_TLS_EXPIRED warning.
 */
export async function loadTlsCertificates(tls: ListenTls, ctx: FilesContext, now = Date.now()): Promise<LoadedTls> {
  // Each entry collects its own problems, so they are reported in gw.yaml's order whatever the reads' order.
  const results = await Promise.all(
    tls.certificates.map(async (entry) => {
      const found = { errors: [] as Diagnostic[], warnings: [] as Diagnostic[] };
      return { made: await loadOne(entry, tls, ctx, now, found.errors, found.warnings), ...found };
    }),
  );
  const errors = results.flatMap((r) => r.errors);
  const warnings = results.flatMap((r) => r.warnings);
  const loaded = results.map((r) => r.made);
  if (errors.length > 0) throw new GwError(errors);
  const made = loaded as { context: SecureContext; options: SecureContextOptions }[];
  return {
    contexts: made.map((m) => m.context),
    defaultOptions: made[0]!.options,
    pick: sniPicker(tls.certificates),
    warnings,
  };
}

async function loadOne(
  entry: TlsCertificate,
  tls: ListenTls,
  ctx: FilesContext,
  now: number,
  errors: Diagnostic[],
  warnings: Diagnostic[],
): Promise<{ context: SecureContext; options: SecureContextOptions } | undefined> {
  const fail = (message: string, hint: string) =>
    errors.push(createDiagnostic('GW_TLS_CERTIFICATE', message, { hints: [hint] }));
  // One after the other: the problems of both files come in this order.
  const certText = await readPem(entry.cert, 'certificate', ctx, fail);
  const keyText = await readPem(entry.key, 'key', ctx, fail);
  if (certText === undefined || keyText === undefined) return undefined;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certText);
  } catch {
    fail(
      `the certificate file ${entry.cert} holds no PEM certificate`,
      'it must start with -----BEGIN CERTIFICATE-----',
    );
    return undefined;
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyText);
  } catch {
    fail(
      `the key file ${entry.key} holds no private key gw can use (not PEM, or encrypted)`,
      'give the PEM key without a passphrase (-----BEGIN PRIVATE KEY-----); `openssl pkey -in KEY -out KEY.pem` ' +
        'removes one',
    );
    return undefined;
  }
  if (!cert.checkPrivateKey(key)) {
    fail(
      `the key ${entry.key} does not belong to the certificate ${entry.cert}`,
      'give each certificate the key it was issued for (its public key must match)',
    );
    return undefined;
  }
  const dates = validityProblem(cert, now);
  if (dates) {
    const message = `the certificate ${entry.cert} ${dates}: clients will refuse it`;
    warnings.push(createDiagnostic('GW_TLS_EXPIRED', message, { hints: ['renew it; gw serve reloads it on change'] }));
  }
  const options = { cert: certText, key: keyText, minVersion: tls.minVersion, ciphers: tls.ciphers.join(':') };
  try {
    return { context: createSecureContext(options), options };
  } catch (err) {
    fail(`the certificate ${entry.cert} cannot be used: ${(err as Error).message}`, 'check the file with openssl x509');
    return undefined;
  }
}

async function readPem(
  file: string,
  what: string,
  ctx: FilesContext,
  fail: (message: string, hint: string) => void,
): Promise<string | undefined> {
  const path = resolve(ctx.baseDir, file);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    fail(
      `cannot read the ${what} file ${file} (${path}): ${unreadableWhy(err)}`,
      `relative files are resolved against ${ctx.baseDirName} (${ctx.baseDir}); fix the path in gw.yaml ` +
        "`listen.tls`, or let the gateway's account read the file",
    );
    return undefined;
  }
}

function validityProblem(cert: X509Certificate, now: number): string | undefined {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (now > to) return `expired on ${new Date(to).toISOString()}`;
  if (now < from) return `is not valid before ${new Date(from).toISOString()}`;
  return undefined;
}

/**
 * The certificate for a name (SNI), as nginx and Envoy pick a server or filter chain: an exact name first, then the
 * longest `*.` name it ends in, else the first certificate. Names compare in lower case, without a trailing dot.
 */
export function sniPicker(certificates: readonly TlsCertificate[]): (servername: string | undefined) => number {
  const exact = new Map<string, number>();
  const wildcards: { suffix: string; index: number }[] = [];
  certificates.forEach((c, index) => {
    for (const name of c.serverNames) {
      if (name.startsWith('*.')) wildcards.push({ suffix: name.slice(1), index });
      else if (!exact.has(name)) exact.set(name, index);
    }
  });
  wildcards.sort((a, b) => b.suffix.length - a.suffix.length);
  return (servername) => {
    if (!servername) return 0;
    const name = servername.toLowerCase().replace(/\.$/, '');
    const found = exact.get(name);
    if (found !== undefined) return found;
    for (const w of wildcards) if (name.length > w.suffix.length && name.endsWith(w.suffix)) return w.index;
    return 0;
  };
}
