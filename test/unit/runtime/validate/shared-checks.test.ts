import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isGwError } from '../../../../src/diagnostics/gw-error.js';
import type { ApiComponent, Gateway, JsonObject, RouteApi } from '../../../../src/model/types.js';
import { compileValidators } from '../../../../src/runtime/validate/compile-validator.js';
import { checkParameters } from '../../../../src/runtime/validate/validate-request.js';
import { route, settle } from '../../../helpers/routes.js';

/**
 * Routes that take the same parameters share one compiled check (compile-validator.ts): a big
 * spec repeats its `$ref`'d parameters on hundreds of operations, and compiling each route's
 * check anew was most of the start-up time. Sharing must not change what each route accepts,
 * refuses or reports.
 */
const limit: ApiComponent = {
  kind: 'parameters',
  name: 'Limit',
  value: { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } },
  source: { file: 's.yaml', pointer: '#/components/parameters/Limit' },
};
const cursor = (pattern: string): ApiComponent => ({
  kind: 'parameters',
  name: 'Cursor',
  value: { name: 'cursor', in: 'query', schema: { type: 'string', pattern } },
  source: { file: 's.yaml', pointer: '#/components/parameters/Cursor' },
});
const byRef = (name: string): JsonObject => ({ $ref: `#/components/parameters/${name}` });

function gatewayOf(apis: [string, RouteApi][], components: ApiComponent[]): Gateway {
  const routes = apis.map(([path, api]) => {
    const r = { ...route('GET', path, 's'), api };
    r.settings = { ...r.settings, validate: true };
    return r;
  });
  const source = { file: 's.yaml', pointer: '#' };
  const service = { name: 's', title: 'S', version: '1', openapi: '3.0.3', prefix: '', upstream: 's', source };
  return settle(routes, {
    services: [{ ...service, routes: routes.map((r) => r.id), mock: false, components }],
  });
}

const req = { headers: {} } as unknown as IncomingMessage;
const shared: RouteApi = { parameters: [byRef('Limit'), byRef('Cursor')] };

describe('compileValidators: one check for routes with the same parameters', () => {
  const g = gatewayOf(
    [
      ['/a', shared],
      ['/b', shared],
      ['/c', { parameters: [byRef('Limit')] }],
    ],
    [limit, cursor('^[a-z]+$')],
  );
  const v = compileValidators(g);
  const [a, b, c] = g.routes.map((r) => v.get(r.id)!);

  it('shares the compiled query check of /a and /b, not with /c', () => {
    expect(a!.query!.validate).toBe(b!.query!.validate);
    expect(c!.query!.validate).not.toBe(a!.query!.validate);
  });
  it('still refuses bad input and accepts good input on each route', () => {
    for (const r of [a!, b!]) {
      expect(checkParameters(r, req, 'limit=500', [])).toEqual({
        in: 'query',
        name: 'limit',
        message: 'must be <= 100',
      });
      expect(checkParameters(r, req, 'cursor=AB', [])).toEqual({
        in: 'query',
        name: 'cursor',
        message: 'must match pattern "^[a-z]+$"',
      });
      expect(checkParameters(r, req, 'limit=5&cursor=ab', [])).toBeNull();
    }
    expect(checkParameters(c!, req, 'cursor=AB', [])).toBeNull();
  });
  it('reports a shared schema that does not compile on every route that uses it (GW_VALIDATE_SCHEMA)', () => {
    const bad = gatewayOf(
      [
        ['/a', shared],
        ['/b', shared],
      ],
      [limit, cursor('([a-z')],
    );
    let err: unknown;
    try {
      compileValidators(bad);
    } catch (e) {
      err = e;
    }
    expect(isGwError(err)).toBe(true);
    const d = (err as { diagnostics: { code: string; message: string }[] }).diagnostics;
    expect(d.map((x) => x.code)).toEqual(['GW_VALIDATE_SCHEMA', 'GW_VALIDATE_SCHEMA']);
    expect(d.map((x) => /route (\S+):/.exec(x.message)![1])).toEqual(bad.routes.map((r) => r.id));
  });
});
