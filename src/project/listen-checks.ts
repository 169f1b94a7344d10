import { type EdgeProblem, NAME_HINT, SERVER_NAME } from './edge-checks.js';
import type { ListenInput } from './config.js';

const CERT_HINT = 'write cert and key for one certificate, or certificates: [{cert, key, serverNames}] for several';

/**
 * Rules of gw.yaml `listen` the schema states badly (checkConfigSchema runs this on a file that fits the schema):
 * one way to give the certificates, every certificate but the first reachable by a name, names gw can match, and
 * h2c and redirectHttp only where they mean something.
 */
export function listenProblems(listen: ListenInput | undefined, pointer: string): EdgeProblem[] {
  if (!listen) return [];
  const out: EdgeProblem[] = [];
  const problem = (at: string, message: string, hint: string) =>
    out.push({ kind: 'invalid', pointer: at, message, hints: [hint] });
  const tls = listen.tls;
  if (tls) out.push(...tlsProblems(tls, `${pointer}/tls`));
  if (tls && listen.h2c === true)
    problem(`${pointer}/h2c`, 'h2c is for a listener without tls', 'leave h2c out: with tls, ALPN offers HTTP/2 (h2)');
  if (listen.redirectHttp !== undefined) {
    const at = `${pointer}/redirectHttp`;
    if (!tls) problem(at, 'redirectHttp redirects to https, but the listener has no tls', 'add listen.tls, or drop it');
    else if (listen.redirectHttp === (listen.port ?? 8080) && listen.redirectHttp !== 0)
      problem(at, `redirectHttp ${listen.redirectHttp} is the https port too`, 'pick another port for it, e.g. 80');
  }
  return out;
}

function tlsProblems(tls: NonNullable<ListenInput['tls']>, at: string): EdgeProblem[] {
  const out: EdgeProblem[] = [];
  const problem = (pointer: string, message: string, hint: string) =>
    out.push({ kind: 'invalid', pointer, message, hints: [hint] });
  const single = tls.cert !== undefined || tls.key !== undefined;
  if (single && tls.certificates) problem(at, 'tls has both cert/key and certificates', CERT_HINT);
  else if (!single && !tls.certificates) problem(at, 'tls names no certificate', CERT_HINT);
  else if (single && (tls.cert === undefined || tls.key === undefined))
    problem(at, `tls has ${tls.cert === undefined ? 'a key but no cert' : 'a cert but no key'}`, CERT_HINT);
  const seen = new Map<string, number>();
  (tls.certificates ?? []).forEach((entry, i) => {
    const names = entry.serverNames ?? [];
    if (i > 0 && names.length === 0)
      problem(
        `${at}/certificates/${i}`,
        'only the first certificate may go without serverNames: no client would get this one',
        'give it the serverNames it is for, or move it first to make it the default',
      );
    names.forEach((name, k) => {
      const pointer = `${at}/certificates/${i}/serverNames/${k}`;
      const key = name.toLowerCase();
      if (!SERVER_NAME.test(name))
        problem(pointer, `${JSON.stringify(name)} is not a host name gw can match`, NAME_HINT);
      else if (seen.has(key))
        problem(pointer, `${JSON.stringify(name)} is already a name of certificates[${seen.get(key)}]`, 'keep one');
      else seen.set(key, i);
    });
  });
  return out;
}
