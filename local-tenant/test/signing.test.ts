// The tenant's signing key and user tokens: ID tokens verify against the published JWKS, forged/expired/foreign ones are refused.
import { createLocalJWKSet, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { IdTokenError } from '../auth/signing-keys.ts';
import { issueUserAccessToken } from '../auth/user-tokens.ts';
import { TenantState } from '../state.ts';

function tenantAt(start: number): { state: TenantState; advance(seconds: number): void } {
  let now = start;
  const state = new TenantState({ domain: 'signing.local', now: () => new Date(now) });
  return { state, advance: (seconds) => (now += seconds * 1000) };
}

describe('ID tokens', () => {
  it('are RS256 with the published kid, iss https://{domain}/, and verify against /.well-known/jwks.json', async () => {
    const { state } = tenantAt(Date.now());
    const token = await state.signingKeys.signIdToken({
      subject: 'auth0|1',
      audience: 'app-1',
      nonce: 'n-1',
      authTime: 1_700_000_000,
      claims: { 'https://x/linked': ['a'] },
    });
    const set = await state.signingKeys.jwks();
    expect(set.keys).toHaveLength(1);
    expect(set.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
    expect(set.keys[0]).not.toHaveProperty('d');
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(set), { issuer: 'https://signing.local/', audience: 'app-1' });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: set.keys[0]!.kid });
    expect(payload).toMatchObject({ sub: 'auth0|1', nonce: 'n-1', auth_time: 1_700_000_000, 'https://x/linked': ['a'] });
    expect(payload.exp! - payload.iat!).toBe(36_000);
  });

  it('ignore custom claims that would replace registered ones', async () => {
    const { state } = tenantAt(Date.now());
    const token = await state.signingKeys.signIdToken({ subject: 'auth0|1', audience: 'app-1', claims: { sub: 'auth0|evil', aud: 'other', iss: 'x' } });
    expect(await state.signingKeys.verifyIdToken(token, { audience: 'app-1' })).toMatchObject({ sub: 'auth0|1', aud: 'app-1', iss: 'https://signing.local/' });
  });

  it('are refused when expired, for another audience, signed by another key or by another tenant', async () => {
    const { state, advance } = tenantAt(Date.now());
    const token = await state.signingKeys.signIdToken({ subject: 'auth0|1', audience: 'app-1', expiresInSeconds: 60 });
    await expect(state.signingKeys.verifyIdToken(token, { audience: 'app-2' })).rejects.toMatchObject({ code: 'audience' });
    const other = tenantAt(Date.now()).state;
    await expect(other.signingKeys.verifyIdToken(token)).rejects.toBeInstanceOf(IdTokenError);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ sub: 'auth0|1', aud: 'app-1', iss: 'https://signing.local/' })
      .setProtectedHeader({ alg: 'RS256', kid: (await state.signingKeys.jwks()).keys[0]!.kid! })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    await expect(state.signingKeys.verifyIdToken(forged)).rejects.toMatchObject({ code: 'invalid' });
    advance(61);
    await expect(state.signingKeys.verifyIdToken(token, { audience: 'app-1' })).rejects.toMatchObject({ code: 'expired' });
  });
});

describe('user access tokens', () => {
  it('carry the user as subject, the client as azp and only the current_user scopes on the Management API', async () => {
    const { state } = tenantAt(Date.now());
    const issued = await issueUserAccessToken(state, {
      userId: 'auth0|1',
      clientId: 'app-1',
      audience: 'https://signing.local/api/v2/',
      scopes: ['openid', 'read:current_user', 'update:current_user_identities', 'update:current_user_metadata', 'update:users'],
    });
    expect(issued.scope).toBe('openid read:current_user update:current_user_identities update:current_user_metadata');
    const grant = state.verifyToken(issued.token)!;
    expect(grant).toMatchObject({ subject: 'auth0|1', clientId: 'app-1' });
    expect(grant.audiences).toEqual(['https://signing.local/api/v2/', 'https://signing.local/userinfo']);
    expect(grant.scopes.has('update:users')).toBe(false);
  });
});
