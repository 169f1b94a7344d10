import { authAnswerTexts, isBearer, type SchemeKind } from './auth-answer-texts.js';
import type { ImportedRoute } from '../model/fragment.js';
import type { AuthAnswer, AuthAnswers } from '../model/types.js';

/**
 * A route's 401 and 403 answers, settled once for every data plane (docs/auth.md, "Answers"):
 * the wording of auth-answer-texts.ts, without the answers that cannot happen (no
 * `invalidToken` without a bearer scheme, no 403 for a requirement without scopes). An empty
 * requirement (`{}`: credentials optional) is never refused, so the 401s name the others. null
 * when the gateway checks nothing: no security, none but empty requirements, or `auth.enforce: false`.
 */
export function routeAuthAnswers(
  route: Pick<ImportedRoute, 'security' | 'settings'>,
  schemes: ReadonlyMap<string, SchemeKind>,
  realm: string,
): AuthAnswers | null {
  const named = route.security.filter((r) => r.schemes.length > 0);
  if (!route.settings.auth.enforce || named.length === 0) return null;
  const texts = authAnswerTexts(named, schemes, realm);
  const bearer = named.some((r) =>
    r.schemes.some((x) => {
      const s = schemes.get(x.scheme);
      return s !== undefined && isBearer(s);
    }),
  );
  return {
    missing: answer(401, texts.missing),
    invalid: answer(401, texts.invalid),
    invalidToken: bearer ? answer(401, texts.invalidToken) : null,
    forbidden: route.security.map((r) =>
      r.schemes.some((x) => x.scopes.length > 0)
        ? answer(403, authAnswerTexts([r], schemes, realm).forbidden[0]!)
        : null,
    ),
  };
}

function answer(status: 401 | 403, text: { detail: string; challenge: string }): AuthAnswer {
  return {
    status,
    code: status === 401 ? 'GW_HTTP_UNAUTHORIZED' : 'GW_HTTP_FORBIDDEN',
    detail: text.detail,
    wwwAuthenticate: text.challenge === '' ? null : text.challenge,
  };
}
