import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Certificates made by openssl at test time: a root CA and server certificates it signs. */

export const CA_EXT = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n';

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 20_000 });
}

/** `name` signed by `issuer` (or self-signed without one), with the extensions `ext`: `name`.pem and `name`.key. */
export function issue(dir: string, name: string, issuer: string | null, ext: string): void {
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`];
  writeFileSync(join(dir, `${name}.ext`), ext);
  if (!issuer) {
    const extArgs = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'];
    openssl(dir, ['req', '-x509', ...key, '-out', `${name}.pem`, '-subj', `/CN=${name}`, '-days', '2', ...extArgs]);
    return;
  }
  openssl(dir, ['req', '-new', ...key, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  const ca = ['-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial'];
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    ...ca,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
}

/** A server certificate's extensions for DNS names and IP addresses. */
export function leafExtensions(names: readonly string[]): string {
  // X509_check_host (nginx's proxy_ssl_verify) compares DNS names only, so an IP address is listed as both.
  const alt = names.flatMap((n) => (/^[\d.]+$/.test(n) ? [`DNS:${n}`, `IP:${n}`] : [`DNS:${n}`]));
  return `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=${alt.join(',')}\n`;
}

export interface TestCa {
  /** The root's PEM file: what a client trusts. */
  rootFile: string;
  root: string;
  /** A server certificate `name`.pem with its key `name`.key in the CA's folder, for `names`. */
  server(name: string, names: readonly string[]): { cert: string; key: string };
}

/** A root CA in `dir` (made once per call) that signs server certificates directly. */
export function makeTestCa(dir: string): TestCa {
  issue(dir, 'gw-test-ca', null, CA_EXT);
  const rootFile = join(dir, 'gw-test-ca.pem');
  return {
    rootFile,
    root: readFileSync(rootFile, 'utf8'),
    server(name, names) {
      issue(dir, name, 'gw-test-ca', leafExtensions(names));
      return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
    },
  };
}
