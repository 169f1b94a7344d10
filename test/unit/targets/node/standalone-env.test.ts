import { describe, expect, it } from 'vitest';
import {
  overrideUpstreams,
  parseTargetUrl,
  readStandaloneEnv,
  type EmbeddedGateway,
} from '../../../../src/runtime/standalone-env.js';
import { target } from '../../../helpers/routes.js';
import { gatewayOf, upstream } from './fixture.js';

const gateway = gatewayOf(
  [
    upstream('users', '/api/v1', [target('http://users.internal:8080')]),
    upstream('orders~1', '/v2', [target('http://pay.internal:9000')]),
  ],
  { host: '127.0.0.1', port: 8080 },
);
const embedded: EmbeddedGateway = {
  gateway,
  upstreamEnv: { GW_UPSTREAM_USERS: 'users', GW_UPSTREAM_ORDERS__1: 'orders~1' },
};
const read = (env: Record<string, string>) => readStandaloneEnv(env, embedded);
const messages = (env: Record<string, string>) =>
  read(env).diagnostics.map((d) => `${d.code} ${d.message} | ${d.hints.join(' ')}`);

describe('readStandaloneEnv: settings', () => {
  it('defaults to the model listen address and gw serve defaults', () => {
    const { settings, diagnostics } = read({});
    expect(diagnostics).toEqual([]);
    expect(settings).toEqual({
      host: '127.0.0.1',
      port: 8080,
      adminHost: '127.0.0.1',
      adminPort: undefined,
      logFormat: 'pretty',
      drainMs: 10_000,
      clientHeaderTimeoutMs: undefined,
      clientRequestTimeoutMs: undefined,
      // Unset: each upstream keeps the model's connectionsPerTarget.
      upstreamConnections: undefined,
      overrides: new Map(),
    });
  });
  it('reads every variable', () => {
    const { settings, diagnostics } = read({
      HOST: '0.0.0.0',
      PORT: '0',
      ADMIN_HOST: '::1',
      ADMIN_PORT: '9901',
      LOG_FORMAT: 'json',
      DRAIN_TIMEOUT: '0',
      CLIENT_HEADER_TIMEOUT: '5',
      CLIENT_REQUEST_TIMEOUT: '30',
      UPSTREAM_CONNECTIONS: '8',
    });
    expect(diagnostics).toEqual([]);
    expect(settings).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      adminHost: '::1',
      adminPort: 9901,
      logFormat: 'json',
      drainMs: 0,
      clientHeaderTimeoutMs: 5_000,
      clientRequestTimeoutMs: 30_000,
      upstreamConnections: 8,
    });
  });
  it('treats an empty value as unset', () => {
    expect(read({ PORT: '', LOG_FORMAT: '', GW_UPSTREAM_USERS: '', GW_UPSTREAM_NOPE: '' })).toEqual(read({}));
  });
  const bad: { name: string; given: Record<string, string>; want: string }[] = [
    {
      name: 'a port that is not a number',
      given: { PORT: 'http' },
      want:
        'GW_RUNTIME_ENV PORT="http" is not a port number ' +
        '| set PORT to a whole number from 0 to 65535, or leave it unset',
    },
    {
      name: 'a port out of range',
      given: { ADMIN_PORT: '70000' },
      want:
        'GW_RUNTIME_ENV ADMIN_PORT="70000" is not a port number ' +
        '| set ADMIN_PORT to a whole number from 0 to 65535, or leave it unset',
    },
    {
      name: 'a negative port',
      given: { PORT: '-1' },
      want:
        'GW_RUNTIME_ENV PORT="-1" is not a port number ' +
        '| set PORT to a whole number from 0 to 65535, or leave it unset',
    },
    {
      name: 'a fractional timeout',
      given: { DRAIN_TIMEOUT: '1.5' },
      want:
        'GW_RUNTIME_ENV DRAIN_TIMEOUT="1.5" is not a number of seconds ' +
        '| set DRAIN_TIMEOUT to a whole number from 0 to 86400, or leave it unset',
    },
    {
      name: 'a zero header timeout',
      given: { CLIENT_HEADER_TIMEOUT: '0' },
      want:
        'GW_RUNTIME_ENV CLIENT_HEADER_TIMEOUT="0" is not a number of seconds ' +
        '| set CLIENT_HEADER_TIMEOUT to a whole number from 1 to 86400, or leave it unset',
    },
    {
      name: 'no upstream connections',
      given: { UPSTREAM_CONNECTIONS: '0' },
      want:
        'GW_RUNTIME_ENV UPSTREAM_CONNECTIONS="0" is not a number of connections ' +
        '| set UPSTREAM_CONNECTIONS to a whole number from 1 to 65535, or leave it unset',
    },
    {
      name: 'an unknown log format',
      given: { LOG_FORMAT: 'JSON' },
      want: 'GW_RUNTIME_ENV LOG_FORMAT="JSON" is not a log format | set LOG_FORMAT to pretty, json or off',
    },
  ];
  for (const c of bad) it(`refuses ${c.name}`, () => expect(messages(c.given)).toEqual([c.want]));
  it('reports every bad variable, not just the first', () => {
    expect(messages({ PORT: 'x', LOG_FORMAT: 'y', GW_UPSTREAM_USERZ: 'http://a:1' })).toHaveLength(3);
  });
});

describe('readStandaloneEnv: GW_UPSTREAM_<ID>', () => {
  it('replaces the targets of the upstream the variable names', () => {
    const { settings, diagnostics } = read({
      GW_UPSTREAM_USERS: 'http://a:1, https://b ,http://c:3/api/v1/',
      GW_UPSTREAM_ORDERS__1: 'http://[::1]:9000',
    });
    expect(diagnostics).toEqual([]);
    expect(settings.overrides).toEqual(
      new Map([
        [
          'orders~1',
          [{ url: 'http://[::1]:9000', scheme: 'http', host: '[::1]', port: 9000, authority: '[::1]:9000', weight: 1 }],
        ],
        ['users', [target('http://a:1'), target('https://b'), target('http://c:3')]],
      ]),
    );
  });
  it('suggests the closest variable for a typo', () => {
    expect(messages({ GW_UPSTREAM_USER: 'http://a:1' })).toEqual([
      'GW_RUNTIME_ENV GW_UPSTREAM_USER="http://a:1" names no upstream of this gateway ' +
        '| did you mean GW_UPSTREAM_USERS?',
    ]);
  });
  it('lists the variables when nothing is close', () => {
    expect(messages({ GW_UPSTREAM_CATALOG: 'http://a:1' })).toEqual([
      'GW_RUNTIME_ENV GW_UPSTREAM_CATALOG="http://a:1" names no upstream of this gateway ' +
        '| the upstream variables of this gateway are: GW_UPSTREAM_ORDERS__1, GW_UPSTREAM_USERS',
    ]);
  });
  it('keeps the model targets when one URL of the list is bad', () => {
    const { settings, diagnostics } = read({ GW_UPSTREAM_USERS: 'http://a:1,nope' });
    expect(diagnostics.map((d) => d.message)).toEqual([
      'GW_UPSTREAM_USERS="http://a:1,nope" has "nope", which is not a URL',
    ]);
    expect(settings.overrides.size).toBe(0);
  });
});

describe('parseTargetUrl', () => {
  const ok: { given: string; want: string }[] = [
    { given: 'http://a', want: 'http://a:80' },
    { given: 'https://a', want: 'https://a:443' },
    { given: 'http://A.Example:8080/', want: 'http://a.example:8080' },
    { given: 'http://a:1/api/v1', want: 'http://a:1' },
  ];
  for (const c of ok)
    it(`accepts ${c.given}`, () => expect((parseTargetUrl(c.given, '/api/v1') as { url: string }).url).toBe(c.want));
  const refused: { given: string; want: string }[] = [
    { given: 'a:8080', want: 'uses "a", but gw forwards only http and https' },
    { given: 'users:8080', want: 'uses "users", but gw forwards only http and https' },
    { given: '127.0.0.1:8080', want: 'is not a URL' },
    { given: 'ftp://a', want: 'uses "ftp", but gw forwards only http and https' },
    { given: 'http://a:1/other', want: 'has the path "/other", but only scheme, host and port can be overridden' },
    { given: 'http://a:1/?x=1', want: 'has a query or fragment' },
    { given: 'http://u:p@a:1', want: 'carries credentials' },
    { given: 'http://a:99999', want: 'is not a URL' },
  ];
  for (const c of refused) it(`refuses ${c.given}`, () => expect(parseTargetUrl(c.given, '/api/v1')).toBe(c.want));
});

describe('overrideUpstreams', () => {
  it('replaces only the overridden upstreams, without changing its input', () => {
    const before = JSON.stringify(gateway);
    const next = overrideUpstreams(gateway, new Map([['users', [target('http://x:1')]]]));
    expect(next.upstreams.map((u) => u.targets.map((t) => t.url))).toEqual([
      ['http://x:1'],
      ['http://pay.internal:9000'],
    ]);
    expect(next.upstreams[1]).toBe(gateway.upstreams[1]);
    expect(JSON.stringify(gateway)).toBe(before);
  });
  it('returns the model itself when nothing is overridden', () =>
    expect(overrideUpstreams(gateway, new Map())).toBe(gateway));
});
