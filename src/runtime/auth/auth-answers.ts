import type { AuthAnswer, AuthAnswers } from '../../model/types.js';
import type { AuthFail, PolicyAnswers } from './auth-policy.js';

/**
 * A route's 401 and 403 answers as the policy hands them out: the model's `effective.authAnswers`
 * (settled in merge, docs/auth.md), frozen once at compile time. An answer the model leaves out
 * cannot happen: no bearer scheme, so no invalid token; no scopes, so no 403.
 */
export function authAnswers(answers: AuthAnswers): PolicyAnswers {
  const invalid = refusal(answers.invalid);
  return {
    missing: refusal(answers.missing),
    invalid,
    invalidToken: answers.invalidToken ? refusal(answers.invalidToken) : invalid,
    forbidden: answers.forbidden.map((a) => (a ? refusal(a) : undefined)),
  };
}

function refusal(a: AuthAnswer): AuthFail {
  return Object.freeze({ ok: false, code: a.code, detail: a.detail, challenge: a.wwwAuthenticate ?? '' });
}
