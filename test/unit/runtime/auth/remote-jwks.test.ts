import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { RemoteJwks } from '../../../../src/runtime/auth/remote-jwks.js';

const a = await generateKeyPair('RS256', { extractable: true });
const b = await generateKeyPair('RS256', { extractable: true });
const jwkA = { ...(await exportJWK(a.publicKey)), kid: 'a', alg: 'RS256' };
const jwkB = { ...(await exportJWK(b.publicKey)), kid: 'b', alg: 'RS256' };
const tokenA = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'a' }).sign(a.privateKey);
const tokenB = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'b' }).sign(b.privateKey);

/** A fake JWKS endpoint: answers with whatever `serve` holds, or fails; counts the fetches. */
function endpoint(initial: object | 'down') {
  const state = { serve: initial as object | 'down', fetches: 0, now: 0 };
  const fetch = (async () => {
    state.fetches++;
    if (state.serve === 'down') throw new TypeError('fetch failed');
    return new Response(JSON.stringify(state.serve), { status: 200 });
  }) as typeof globalThis.fetch;
  const jwks = new RemoteJwks('https://idp.test/jwks', {
    fetch,
    now: () => state.now,
    maxAgeMs: 600_000,
    cooldownMs: 30_000,
    retryMs: 5_000,
  });
  const verify = (t: string) =>
    jwtVerify(t, jwks.getKey).then(
      () => 'ok',
      (e: Error) => e.constructor.name,
    );
  return { state, jwks, verify };
}

describe('RemoteJwks', () => {
  it('fetches once and serves from the cache until maxAge', async () => {
    const e = endpoint({ keys: [jwkA] });
    expect(await Promise.all([e.verify(tokenA), e.verify(tokenA)])).toEqual(['ok', 'ok']);
    expect(e.state.fetches).toBe(1);
    e.state.now = 599_000;
    expect(await e.verify(tokenA)).toBe('ok');
    expect(e.state.fetches).toBe(1);
    e.state.now = 600_001;
    expect(await e.verify(tokenA)).toBe('ok');
    expect(e.state.fetches).toBe(2);
  });
  it('an unknown kid fetches again (key rotation), at most once per cooldown', async () => {
    const e = endpoint({ keys: [jwkA] });
    await e.jwks.warm();
    e.state.serve = { keys: [jwkA, jwkB] };
    expect(await e.verify(tokenB)).toBe('JWKSNoMatchingKey');
    expect(e.state.fetches).toBe(1);
    e.state.now = 30_001;
    expect(await e.verify(tokenB)).toBe('ok');
    expect(e.state.fetches).toBe(2);
  });
  it('an unreachable URL never throws out: tokens are simply not verified, and it retries after retryMs', async () => {
    const e = endpoint('down');
    await e.jwks.warm();
    expect(await e.verify(tokenA)).toBe('JWKSNoMatchingKey');
    expect(e.state.fetches).toBe(1);
    e.state.serve = { keys: [jwkA] };
    e.state.now = 5_001;
    expect(await e.verify(tokenA)).toBe('ok');
    expect(e.state.fetches).toBe(2);
  });
  it('keeps the last good keys when a refresh fails', async () => {
    const e = endpoint({ keys: [jwkA] });
    await e.jwks.warm();
    e.state.serve = 'down';
    e.state.now = 700_000;
    expect(await e.verify(tokenA)).toBe('ok');
    expect(e.state.fetches).toBe(2);
  });
  it('a response that is not a JWKS counts as a failure', async () => {
    const e = endpoint({ nope: true });
    expect(await e.verify(tokenA)).toBe('JWKSNoMatchingKey');
  });
});
