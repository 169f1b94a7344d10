import { describe, expect, it } from 'vitest';
import { CODES, type CodeInfo } from '../../../src/diagnostics/codes.js';
import { problemCatalogue, problemTypeUrl } from '../../../src/merge/problem-catalogue.js';
import { settle } from '../../helpers/routes.js';

describe('problemCatalogue: the answers the gateway gives itself', () => {
  const catalogue = problemCatalogue();

  it.each([
    { code: 'GW_HTTP_NOT_FOUND', status: 404 },
    { code: 'GW_HTTP_UNAUTHORIZED', status: 401 },
    { code: 'GW_HTTP_UPSTREAM_TIMEOUT', status: 504 },
  ])('$code: $status, its title, and its section of the errors page as type', ({ code, status }) => {
    expect(catalogue.find((p) => p.code === code)).toEqual({
      code,
      status,
      type: `https://gw.dev/errors#${code.toLowerCase()}`,
      title: (CODES as Record<string, CodeInfo>)[code]!.title,
    });
  });

  it('holds every GW_HTTP_* code of the catalogue, with its status, and nothing else, sorted by code', () => {
    const http = Object.entries(CODES as Record<string, CodeInfo>).filter(([code]) => code.startsWith('GW_HTTP_'));
    expect(catalogue.map((p) => [p.code, p.status])).toEqual(
      http.map(([code, info]) => [code, info.status]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
  });

  it('builds the type URL in one place: the code in lower case as the anchor', () => {
    expect(problemTypeUrl('GW_HTTP_CORS_REJECTED')).toBe('https://gw.dev/errors#gw_http_cors_rejected');
  });

  it('is in every merged model', () => expect(settle([]).problems).toEqual(catalogue));
});
