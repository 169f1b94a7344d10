import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGateway } from '../../../../src/cli/load-gateway.js';
import type { AuthAnswer, Gateway, Route } from '../../../../src/model/types.js';
import { parseProject } from '../../../../src/project/load.js';
import { buildPolicies } from '../../../../src/targets/nginx/policies.js';
import { nginxRate } from '../../../../src/targets/nginx/rate-limit-view.js';

const CASES = new URL('../../../golden/cases/', import.meta.url).pathname;

async function gatewayOf(name: string): Promise<Gateway> {
  const file = join(CASES, name, 'gw.yaml');
  return (await buildGateway(parseProject(readFileSync(file, 'utf8'), file, 'gw.yaml'))).gateway;
}

const route = (g: Gateway, id: string): Route => g.routes.find((r) => r.id === id)!;
const sets = (p: ReturnType<typeof buildPolicies>, r: Route) =>
  Object.fromEntries(p.routes.get(r)!.sets.map((s) => [s.variable, s.value]));

describe('nginxRate: N requests per window as a limit_req rate', () => {
  const table: { name: string; requests: number; windowMs: number; want: ReturnType<typeof nginxRate> }[] = [
    {
      name: 'whole requests per second',
      requests: 20,
      windowMs: 1000,
      want: { rate: '20r/s', exact: true, periodMs: 50 },
    },
    {
      name: 'per minute folds into per second when whole',
      requests: 600,
      windowMs: 60_000,
      want: { rate: '10r/s', exact: true, periodMs: 100 },
    },
    {
      name: 'whole requests per minute',
      requests: 5,
      windowMs: 60_000,
      want: { rate: '5r/m', exact: true, periodMs: 12_000 },
    },
    {
      name: 'slower than 1r/m is not expressible: 1r/m, inexact',
      requests: 2,
      windowMs: 3_600_000,
      want: { rate: '1r/m', exact: false, periodMs: 60_000 },
    },
    {
      name: 'a fraction per minute rounds to the nearest',
      requests: 7,
      windowMs: 120_000,
      want: { rate: '4r/m', exact: false, periodMs: 15_000 },
    },
  ];
  for (const t of table) it(t.name, () => expect(nginxRate(t.requests, t.windowMs)).toEqual(t.want));
});

describe('buildPolicies: authentication (golden case 10-auth)', () => {
  it('checks credentials on routes with requirements, not on public ones', async () => {
    const g = await gatewayOf('10-auth');
    const p = buildPolicies(g);
    expect(p.routes.get(route(g, 'billing.listInvoices'))!.checks.auth).toBe(true);
    expect(p.routes.get(route(g, 'billing.status'))!.checks.auth).toBe(false);
    expect(sets(p, route(g, 'billing.status'))).toEqual({ $gw_headers: '"|d:x-consumer|"' });
  });

  it('hands gw-auth.js the requirements exactly (OR of ANDs, scopes) and the answers gw serve gives', async () => {
    const g = await gatewayOf('10-auth');
    const p = buildPolicies(g);
    const config = JSON.parse(p.view.njs!.config) as {
      schemes: { id: string; kind: string; slot: unknown }[];
      policies: {
        requirements: { scheme: number; scopes: string[] }[][];
        missing: { challenge: string };
        forbidden: { challenge: string }[];
      }[];
    };
    const create = config.policies[Number(JSON.parse(sets(p, route(g, 'billing.createInvoice')).$gw_auth!))]!;
    expect(create.requirements.map((req) => req.map((x) => config.schemes[x.scheme]!.id))).toEqual([
      ['billing.serviceToken'],
      ['billing.partnerKey', 'billing.staff'],
    ]);
    expect(create.missing.challenge).toBe(
      'Bearer realm="billing-gw", ApiKey realm="billing-gw", in="header", name="X-Partner-Key", Basic ' +
        'realm="billing-gw", charset="UTF-8"',
    );
    const voidInvoice = config.policies[Number(JSON.parse(sets(p, route(g, 'billing.voidInvoice')).$gw_auth!))]!;
    expect(voidInvoice.requirements[0]![0]!.scopes).toEqual(['invoices:read', 'invoices:void']);
    expect(voidInvoice.forbidden[0]!.challenge).toBe(
      'Bearer realm="billing-gw", error="insufficient_scope", scope="invoices:read invoices:void"',
    );
    expect(config.schemes.find((s) => s.id === 'billing.queryKey')).toMatchObject({
      kind: 'keys',
      slot: { in: 'query', name: 'api_key' },
    });
  });

  it("prints each route's answers and removals as the model settled them (effective.authAnswers, remove)", async () => {
    for (const name of ['04-security-and-or', '10-auth']) {
      const g = await gatewayOf(name);
      const p = buildPolicies(g);
      const config = JSON.parse(p.view.njs!.config) as { policies: Record<string, unknown>[] };
      const printed = (a: AuthAnswer | null) => a && { detail: a.detail, challenge: a.wwwAuthenticate ?? '' };
      for (const r of g.routes) {
        const answers = r.effective.authAnswers;
        const index = sets(p, r).$gw_auth;
        expect(index === undefined, r.id).toBe(answers === null);
        if (!answers) continue;
        expect(config.policies[Number(JSON.parse(index!))], r.id).toMatchObject({
          missing: printed(answers.missing),
          invalid: printed(answers.invalid),
          invalidToken: printed(answers.invalidToken),
          forbidden: answers.forbidden.map(printed),
          dropQuery: r.effective.remove.query,
          dropCookies: r.effective.remove.cookies,
        });
      }
    }
  });

  it('shares one policy between routes with the same security, and never puts a secret in the config', async () => {
    const g = await gatewayOf('10-auth');
    const p = buildPolicies(g);
    expect(new Set(g.routes.filter((r) => r.security.length).map((r) => sets(p, r).$gw_auth)).size).toBe(
      JSON.parse(p.view.njs!.config).policies.length,
    );
    // API keys are looked up in key maps (key-maps.ts): nginx reads neither their file nor their variable.
    expect(p.view.njs!.env).toEqual(['BILLING_JWT_SECRET', 'GW_BASE_DIR']);
    expect(p.view.njs!.config).toContain('"env":"BILLING_JWT_SECRET"');
    expect(p.view.njs!.config).toContain('"file":"secrets/staff.htpasswd"');
    expect(p.view.njs!.config).not.toMatch(/partners\.keys|BILLING_EXPORT_KEYS/);
    expect(p.view.njs!.keyMaps.map((m) => m.file).sort()).toEqual([
      'keys/billing.cookieKey.map',
      'keys/billing.partnerKey.map',
      'keys/billing.queryKey.map',
    ]);
  });

  it('removes credentials upstream: query key by rewriting $args, cookie in $gw_cookie, headers by map', async () => {
    const g = await gatewayOf('10-auth');
    const p = buildPolicies(g);
    expect(sets(p, route(g, 'billing.exportInvoices'))).toMatchObject({
      $gw_args: '$args',
      $args: '$gw_stripped_args',
    });
    expect(p.view.stripCookies).toBe(true);
    expect(p.view.redactLog).toBe(true);
    expect(sets(p, route(g, 'billing.createInvoice')).$gw_headers).toBe(
      '"|c:x-consumer|d:authorization|d:x-partner-key|"',
    );
    const consumer = p.view.headers.find((h) => h.header === 'X-Consumer')!;
    expect(consumer.entries.map((e) => e.value)).toEqual(['$gw_consumer', '""']);
    expect(consumer.fallback).toBe('$http_x_consumer');
  });

  it('warns, naming the routes, for what nginx cannot check: a JWKS URL, bcrypt hashes', async () => {
    const g = await gatewayOf('10-auth');
    const messages = buildPolicies(g).diagnostics.map((d) => `${d.code}[${d.kind}] ${d.message}`);
    expect(messages).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^GW_TARGET_INEXACT\[nginx.jwks-url\] nginx: scheme "billing.oauth": ` +
            String.raw`nginx reads JWKS files only, .* on GET \/invoices, GET \/invoices\/\{id\}$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          String.raw`^GW_TARGET_INEXACT\[nginx.bcrypt\] nginx: scheme "billing.staff": ` +
            String.raw`.*bcrypt.* on GET \/invoices, POST \/invoices$`,
        ),
      ),
    ]);
  });

  it('warns for a scheme nginx cannot check at all (nginx.auth-scheme): its requests are refused', async () => {
    const g = await gatewayOf('10-auth');
    const staff = g.securitySchemes.find((s) => s.id === 'billing.staff')!;
    const digest = { ...staff, scheme: 'digest' };
    const p = buildPolicies({ ...g, securitySchemes: g.securitySchemes.map((s) => (s === staff ? digest : s)) });
    const warning = p.diagnostics.find((d) => d.kind === 'nginx.auth-scheme');
    expect(warning?.message).toBe(
      'nginx: scheme "billing.staff" (http digest) cannot be checked by nginx; requests that need it are refused ' +
        'on GET /invoices, POST /invoices',
    );
  });
});

describe('buildPolicies: rate limits and CORS (golden case 11-policies)', () => {
  it('one limit_req zone per counter, window, limit and key; burst N-1 so N pass at once', async () => {
    const g = await gatewayOf('11-policies');
    const p = buildPolicies(g);
    expect(p.view.zones.map((z) => `${z.name} ${z.key} ${z.rate}`)).toEqual([
      'gw_limit_0 $gw_limit_consumer 5r/m',
      'gw_limit_1 $gw_limit_h_x_session 20r/s',
      'gw_limit_2 $binary_remote_addr 10r/s',
    ]);
    expect(p.routes.get(route(g, 'shop.placeOrder'))!.checks.limitReq).toBe('zone=gw_limit_0 burst=4 nodelay');
    expect(p.routes.get(route(g, 'shop.getProduct'))!.checks.limitReq).toBe(
      p.routes.get(route(g, 'shop.uploadImage'))!.checks.limitReq,
    );
    expect(p.routes.get(route(g, 'shop.health'))!.checks.limitReq).toBeNull();
    expect(sets(p, route(g, 'shop.placeOrder'))).toMatchObject({ $gw_limit: '"5"', $gw_limit_retry: '"12"' });
    expect(p.view.limitHeaderKeys).toEqual([{ variable: '$gw_limit_h_x_session', source: '$http_x_session' }]);
  });

  it('one request per window gets no burst at all (nginx refuses burst=0)', async () => {
    const g = await gatewayOf('11-policies');
    const r = route(g, 'shop.placeOrder');
    const one = { ...r, settings: { ...r.settings, rateLimit: { ...r.settings.rateLimit!, requests: 1 } } };
    const p = buildPolicies({ ...g, routes: g.routes.map((x) => (x === r ? one : x)) });
    expect(p.routes.get(one)!.checks.limitReq).toBe('zone=gw_limit_0');
  });

  it('warns for every limit (leaky bucket, no Remaining), the Redis store and validation', async () => {
    const g = await gatewayOf('11-policies');
    const messages = buildPolicies(g).diagnostics.map((d) => d.message);
    expect(messages.filter((m) => m.includes('leaky bucket'))).toHaveLength(3);
    expect(messages.some((m) => m.includes('rateLimitStore is Redis'))).toBe(true);
    expect(
      messages.some((m) =>
        m.startsWith(
          "nginx: nginx cannot validate requests against the operation's schemas; " +
            'POST /orders, GET /products, GET /products/{sku}',
        ),
      ),
    ).toBe(true);
  });

  it('answers preflights per path: allowed origins ignoring case and a trailing slash; others refused', async () => {
    const g = await gatewayOf('11-policies');
    const p = buildPolicies(g);
    const products = g.routes.filter((r) => r.path === '/products');
    const pf = p.preflight(products, () => ['GET', 'HEAD'])!;
    expect(pf.entries.map((e) => `${e.match} ${e.value}`)).toEqual([
      '"~^OPTIONS:(GET|HEAD):(?i:https:\\/\\/admin\\.shop\\.example|https:\\/\\/shop\\.example)/*$" "a2"',
      '"~^OPTIONS:(GET|HEAD):." "reject"',
    ]);
    expect(pf.answers[0]!.headers).toContainEqual({ name: 'Access-Control-Allow-Credentials', value: '"true"' });
    expect(
      p.preflight(
        g.routes.filter((r) => r.path === '/health'),
        () => ['GET'],
      ),
    ).toBeNull();
    // "*" without credentials: any origin, `*` answered, no reject line.
    const sku = p.preflight(
      g.routes.filter((r) => r.path === '/products/{sku}'),
      () => ['GET', 'HEAD'],
    )!;
    expect(sku.entries.map((e) => e.value)).toEqual(['"a3"']);
    expect(sku.answers[0]!.headers[0]).toEqual({ name: 'Access-Control-Allow-Origin', value: '"*"' });
  });
});
