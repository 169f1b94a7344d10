import { authAnswerTexts, isBearer, type SchemeKind } from '../model/auth-answers.js';
import type { ImportedRoute } from '../model/fragment.js';
import type { AuthAnswer, AuthAnswers } from '../model/types.js';

/**
 * A route's 401 and 403 answers, settled once for every data plane (docs/auth.md, "Answers"):
 * the wording of model/auth-answers.ts, with the answers that cannot happen left out (no
 * `invalidToken` without a bearer scheme, no 403 for a requirement without scopes). null when the
 * gateway checks nothing on the route: it has no security, or `auth.enforce` is false.
 */
export function routeAuthAnswers(
  route: Pick<ImportedRoute, 'security' | 'settings'>,
  schemes: ReadonlyMap<string, SchemeKind>,
  realm: string,
): AuthAnswers | null {
  if (!route.settings.auth.enforce || route.security.length === 0) return null;
  const texts = authAnswerTexts(route.security, schemes, realm);
  const bearer = route.security.some((r) =>
    r.schemes.some((x) => {
      const s = schemes.get(x.scheme);
      return s !== undefined && isBearer(s);
    }),
  );
  return {
    missing: answer(401, texts.missing),
    invalid: answer(401, texts.invalid),
    invalidToken: bearer ? answer(401, texts.invalidToken) : null,
    forbidden: route.security.map((r, i) =>
      r.schemes.some((x) => x.scopes.length > 0) ? answer(403, texts.forbidden[i]!) : null,
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
