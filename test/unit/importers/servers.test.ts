import { describe, expect, it } from 'vitest';
import { parseServerUrl } from '../../../src/importers/openapi/servers.js';

describe('parseServerUrl', () => {
  const file = '/project/specs/a.yaml';
  const table: { name: string; url: string; location?: string; want: unknown }[] = [
    {
      name: 'absolute with port and path',
      url: 'http://Users.Internal:8080/api/v1/',
      want: {
        basePath: '/api/v1',
        target: {
          url: 'http://users.internal:8080',
          scheme: 'http',
          host: 'users.internal',
          port: 8080,
          authority: 'users.internal:8080',
          weight: 1,
        },
      },
    },
    {
      name: 'https default port',
      url: 'https://api.example.com',
      want: {
        basePath: '',
        target: {
          url: 'https://api.example.com:443',
          scheme: 'https',
          host: 'api.example.com',
          port: 443,
          authority: 'api.example.com',
          weight: 1,
        },
      },
    },
    {
      name: "authority (the Host sent): http's port 443 is not its default, so it stays; IPv6 in brackets",
      url: 'http://[::1]:443',
      want: {
        basePath: '',
        target: {
          url: 'http://[::1]:443',
          scheme: 'http',
          host: '[::1]',
          port: 443,
          authority: '[::1]:443',
          weight: 1,
        },
      },
    },
    { name: 'relative path in a file: base path only', url: '/v1', want: { basePath: '/v1', target: undefined } },
    { name: 'relative without slash', url: 'v1', want: { basePath: '/v1', target: undefined } },
    { name: 'dot segments resolve', url: './v1/../v2', want: { basePath: '/v2', target: undefined } },
    {
      name: 'relative to a spec URL keeps its port',
      url: '/api',
      location: 'http://127.0.0.1:59123/specs/a.yaml',
      want: {
        basePath: '/api',
        target: {
          url: 'http://127.0.0.1:59123',
          scheme: 'http',
          host: '127.0.0.1',
          port: 59123,
          authority: '127.0.0.1:59123',
          weight: 1,
        },
      },
    },
    {
      name: 'protocol-relative',
      url: '//cdn.example.com/v1',
      want: { error: 'has no scheme; write http:// or https://' },
    },
    { name: 'host without scheme', url: 'billing.internal:8080', want: { error: 'is not an absolute http(s) URL' } },
    { name: 'other scheme', url: 'ws://x.internal', want: { error: 'uses "ws", but gw forwards only http and https' } },
    {
      name: 'credentials',
      url: 'http://u:p@x.internal',
      want: { error: 'carries credentials; keep secrets out of server URLs' },
    },
    {
      name: 'bad percent escape does not crash',
      url: 'http://x/%E0%A4%A',
      want: {
        basePath: '/%E0%A4%A',
        target: { url: 'http://x:80', scheme: 'http', host: 'x', port: 80, authority: 'x', weight: 1 },
      },
    },
  ];
  for (const t of table) it(t.name, () => expect(parseServerUrl(t.url, t.location ?? file)).toEqual(t.want));
});
