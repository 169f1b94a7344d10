import { CODES, type CodeInfo } from '../diagnostics/codes.js';
import { cmp } from '../model/order.js';
import type { ProblemType } from '../model/types.js';

/** The published page that explains every code; a problem's `type` is the code's section of it. */
export const ERRORS_PAGE = 'https://gw.dev/errors';

/** `GW_HTTP_NOT_FOUND` -> `https://gw.dev/errors#gw_http_not_found`: the one place the URL is built. */
export function problemTypeUrl(code: string): string {
  return `${ERRORS_PAGE}#${code.toLowerCase()}`;
}

/**
 * The gateway's own answers (every `GW_HTTP_*` code of the catalogue), with the status, title and
 * `type` URL each data plane prints into its application/problem+json bodies. Sorted by code.
 */
export function problemCatalogue(): ProblemType[] {
  return Object.entries(CODES as Record<string, CodeInfo>)
    .filter(([code]) => code.startsWith('GW_HTTP_'))
    .map(([code, info]) => {
      if (info.status === undefined) throw new Error(`${code} answers clients but has no HTTP status in codes.ts`);
      return { code, status: info.status, type: problemTypeUrl(code), title: info.title };
    })
    .sort((a, b) => cmp(a.code, b.code));
}
