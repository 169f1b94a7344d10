import { authAnswerTexts } from '../../model/auth-answers.js';
import type { SecurityRequirement, SecurityScheme } from '../../model/types.js';
import type { AuthFail, PolicyAnswers } from './auth-policy.js';

/**
 * A route's 401 and 403 answers, worded once at compile time: the detail says what the
 * operation accepts ("an API key in the X-Api-Key header, or HTTP basic credentials"), and
 * WWW-Authenticate has one challenge per scheme tried (Bearer with error="invalid_token" after a
 * bad token, error="insufficient_scope" with the scopes on 403, as RFC 6750 says).
 */
export function authAnswers(
  security: readonly SecurityRequirement[],
  schemes: ReadonlyMap<string, SecurityScheme>,
  gatewayName: string,
): PolicyAnswers {
  const t = authAnswerTexts(security, schemes, gatewayName);
  const unauthorized = (a: { detail: string; challenge: string }): AuthFail =>
    Object.freeze({ ok: false, code: 'GW_HTTP_UNAUTHORIZED', detail: a.detail, challenge: a.challenge });
  return {
    missing: unauthorized(t.missing),
    invalid: unauthorized(t.invalid),
    invalidToken: unauthorized(t.invalidToken),
    forbidden: t.forbidden.map((a) =>
      Object.freeze({ ok: false, code: 'GW_HTTP_FORBIDDEN', detail: a.detail, challenge: a.challenge }),
    ),
  };
}
