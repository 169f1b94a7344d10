import { describe, expect, it } from 'vitest';
import { INTERMEDIATE_CIPHERS, resolveListen } from '../../../src/project/listen.js';
import { listenProblems } from '../../../src/project/listen-checks.js';
import { checkConfigSchema } from '../../../src/project/schema.js';

/** gw.yaml `listen` (issue 14): TLS certificates, h2c and the redirect from http, settled into the model. */
describe('resolveListen', () => {
  it('without listen: 0.0.0.0:8080, cleartext HTTP/1.1', () =>
    expect(resolveListen(undefined)).toEqual({
      host: '0.0.0.0',
      port: 8080,
      tls: null,
      h2c: false,
      redirectHttp: null,
    }));
  it('one certificate: the default, TLS 1.2 and up, the intermediate ciphers, h2 before http/1.1', () =>
    expect(resolveListen({ port: 8443, tls: { cert: 'c.pem', key: 'k.pem' }, redirectHttp: 8080 })).toEqual({
      host: '0.0.0.0',
      port: 8443,
      tls: {
        certificates: [{ cert: 'c.pem', key: 'k.pem', serverNames: [] }],
        minVersion: 'TLSv1.2',
        ciphers: INTERMEDIATE_CIPHERS,
        alpn: ['h2', 'http/1.1'],
      },
      h2c: false,
      redirectHttp: 8080,
    }));
  it('several certificates keep their order; names lower case, each once', () => {
    const tls = resolveListen({
      tls: {
        certificates: [
          { cert: 'a.pem', key: 'a.key' },
          { cert: 'b.pem', key: 'b.key', serverNames: ['Admin.Example.com', 'admin.example.com', '*.example.com'] },
        ],
        minVersion: 'TLSv1.3',
      },
    }).tls!;
    expect(tls.certificates.map((c) => c.serverNames)).toEqual([[], ['admin.example.com', '*.example.com']]);
    expect(tls.minVersion).toBe('TLSv1.3');
  });
  it('h2c only without tls', () => expect(resolveListen({ h2c: true }).h2c).toBe(true));
  it('the intermediate profile: ECDHE with AES-GCM or ChaCha20, ECDSA first', () =>
    expect(
      INTERMEDIATE_CIPHERS.every((c) =>
        /^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/.test(c),
      ),
    ).toBe(true));
});

describe('listenProblems', () => {
  const CERT_HINT = 'write cert and key for one certificate, or certificates: [{cert, key, serverNames}] for several';
  const table: { name: string; listen: Parameters<typeof listenProblems>[0]; want: [string, string][] }[] = [
    { name: 'cleartext', listen: { port: 80 }, want: [] },
    { name: 'one certificate', listen: { tls: { cert: 'c', key: 'k' }, redirectHttp: 80 }, want: [] },
    { name: 'no certificate', listen: { tls: {} }, want: [['#/listen/tls', 'tls names no certificate']] },
    {
      name: 'a cert without key',
      listen: { tls: { cert: 'c' } },
      want: [['#/listen/tls', 'tls has a cert but no key']],
    },
    {
      name: 'both spellings',
      listen: { tls: { cert: 'c', key: 'k', certificates: [{ cert: 'c', key: 'k' }] } },
      want: [['#/listen/tls', 'tls has both cert/key and certificates']],
    },
    {
      name: 'a second certificate without names, a bad name, a name twice',
      listen: {
        tls: {
          certificates: [
            { cert: 'a', key: 'a', serverNames: ['api.example.com'] },
            { cert: 'b', key: 'b' },
            { cert: 'c', key: 'c', serverNames: ['api.*.com', 'API.example.com'] },
          ],
        },
      },
      want: [
        [
          '#/listen/tls/certificates/1',
          'only the first certificate may go without serverNames: no client would get this one',
        ],
        ['#/listen/tls/certificates/2/serverNames/0', '"api.*.com" is not a host name gw can match'],
        ['#/listen/tls/certificates/2/serverNames/1', '"API.example.com" is already a name of certificates[0]'],
      ],
    },
    {
      name: 'h2c with tls',
      listen: { tls: { cert: 'c', key: 'k' }, h2c: true },
      want: [['#/listen/h2c', 'h2c is for a listener without tls']],
    },
    {
      name: 'redirectHttp without tls',
      listen: { redirectHttp: 80 },
      want: [['#/listen/redirectHttp', 'redirectHttp redirects to https, but the listener has no tls']],
    },
    {
      name: 'redirectHttp on the https port',
      listen: { port: 8443, tls: { cert: 'c', key: 'k' }, redirectHttp: 8443 },
      want: [['#/listen/redirectHttp', 'redirectHttp 8443 is the https port too']],
    },
  ];
  for (const { name, listen, want } of table)
    it(name, () => expect(listenProblems(listen, '#/listen').map((p) => [p.pointer, p.message])).toEqual(want));
  it('hints name both ways of giving certificates', () =>
    expect(listenProblems({ tls: {} }, '#/listen')[0]!.hints).toEqual([CERT_HINT]));
  it('runs with the schema check of gw.yaml, after the schema', () => {
    expect(checkConfigSchema({ version: 1, name: 'x', listen: { tls: { cert: 'c' } } }).map((p) => p.pointer)).toEqual([
      '#/listen/tls',
    ]);
    const typo = checkConfigSchema({
      version: 1,
      name: 'x',
      listen: { tls: { cert: 'c', key: 'k', minVersion: '1.2' } },
    });
    expect(typo.map((p) => [p.pointer, p.hints[0]])).toEqual([
      ['#/listen/tls/minVersion', 'use one of: "TLSv1.2", "TLSv1.3"'],
    ]);
  });
});
