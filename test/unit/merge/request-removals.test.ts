import { describe, expect, it } from 'vitest';
import type { RequestRemovals, RouteSettings, SecurityRequirement } from '../../../src/model/types.js';
import { DEFAULT_ROUTE_SETTINGS } from '../../../src/project/settings.js';
import { settle } from '../../helpers/routes.js';
import { requirement as req, SCHEMES, securedRoute } from './fixtures.js';

const auth = (over: Partial<RouteSettings['auth']>) => ({ auth: { ...DEFAULT_ROUTE_SETTINGS.auth, ...over } });

describe('decideGateway: what is removed before forwarding, and hidden in the log', () => {
  const table: {
    name: string;
    given: { security: SecurityRequirement[]; settings?: Partial<RouteSettings> };
    want: { remove: RequestRemovals; redactQuery: string[] };
  }[] = [
    {
      name: 'a public route: only the consumer header (never trusted from a client)',
      given: { security: [] },
      want: { remove: { headers: ['x-consumer'], query: [], cookies: [] }, redactQuery: [] },
    },
    {
      name: 'every credential of every requirement, in spec order, header names in lower case',
      given: { security: [req('key', 'basic'), req('qkey'), req('ckey'), req('jwt')] },
      want: {
        remove: { headers: ['x-consumer', 'x-api-key', 'authorization'], query: ['api_key'], cookies: ['sid'] },
        redactQuery: ['api_key'],
      },
    },
    {
      name: 'forwardCredentials keeps them; query keys stay out of the log',
      given: { security: [req('key'), req('qkey')], settings: auth({ forwardCredentials: true }) },
      want: { remove: { headers: ['x-consumer'], query: [], cookies: [] }, redactQuery: ['api_key'] },
    },
    {
      name: 'enforce: false removes nothing but the consumer header; query keys stay out of the log',
      given: { security: [req('qkey')], settings: auth({ enforce: false, consumerHeader: 'X-User' }) },
      want: { remove: { headers: ['x-user'], query: [], cookies: [] }, redactQuery: ['api_key'] },
    },
    {
      name: 'a consumer header that is also a credential header is listed once',
      given: { security: [req('key')], settings: auth({ consumerHeader: 'X-API-KEY' }) },
      want: { remove: { headers: ['x-api-key'], query: [], cookies: [] }, redactQuery: [] },
    },
    {
      name: 'mutualTLS and undefined schemes carry nothing in the request, so nothing is removed for them',
      given: { security: [req('mtls'), { schemes: [{ scheme: 's.nope', scopes: [] }] }] },
      want: { remove: { headers: ['x-consumer'], query: [], cookies: [] }, redactQuery: [] },
    },
  ];
  for (const { name, given, want } of table) {
    it(name, () => {
      const r = settle([securedRoute(given.security, given.settings)], { securitySchemes: SCHEMES }).routes[0]!;
      expect({ remove: r.effective.remove, redactQuery: r.effective.redactQuery }).toEqual(want);
    });
  }
});
